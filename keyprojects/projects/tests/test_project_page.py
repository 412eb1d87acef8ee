"""The project page leads with what matters: a header card (stage, light with its reasons, total
and completed investment against the schedule, the next node, the leader and the officer with
their phones), the cumulative investment chart, the node timeline, photos, every file with an
upload and an empty state, the site on the map, one row of tabs and the raw fields folded away."""

import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from keyprojects.core.testing.pages import in_language, visible_text
from keyprojects.projects import services
from keyprojects.projects.models import ProgressReport, Project, ProjectDocument, YearPlan

from .factories import make_project, start_project

pytestmark = pytest.mark.django_db


def jpeg():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 160, 200)).save(buffer, "JPEG")
    return SimpleUploadedFile("site.jpg", buffer.getvalue(), content_type="image/jpeg")


def month_back(today, n):
    year, month = divmod(today.year * 12 + today.month - 1 - n, 12)
    return date(year, month + 1, 1)


@pytest.fixture
def project(users):
    users["leader"].phone = "13903950011"
    users["leader"].save()
    county = users["county_a"]
    project = make_project(
        by=county,
        total="1300000",
        leader=users["leader"].pk,
        service_officer=users["service_officer"].pk,
        latitude="33.58",
        longitude="114.02",
    )
    project = start_project(project, by=county, on=date(2024, 3, 1))
    today = timezone.localdate()
    YearPlan.objects.create(project=project, year=today.year, planned_investment=Decimal("120000"))
    for n in (3, 2, 1):
        report = ProgressReport(
            project=project, month=month_back(today, n), investment=Decimal("10000"), physical_progress="主体施工"
        )
        report.photo = jpeg()
        services.submit_report(services.save_report(report, by=county), by=county)
    return Project.objects.get(pk=project.pk)


def page(client, project, language="zh-hans"):
    response = in_language(client, language).get(project.get_absolute_url())
    assert response.status_code == 200
    return response


def test_header_card_leads_with_stage_light_investment_next_node_and_phones(project, client_for):
    html = page(client_for("leader"), project).content.decode()
    head = html[html.index('data-testid="project-head"') : html.index("project-tabs")]
    text = visible_text(head)
    assert "开工" in text and "130.00 亿元" in text and "3.00" in text  # completed 30,000 万元 of 130 亿
    assert "累计完成投资 / 总投资" in text
    assert 'href="tel:13903950011"' in head  # the leader is one tap away
    assert "下一节点" in text and "拿地" in visible_text(head.split('data-testid="next-node"')[1])
    light = re.search(r'data-testid="project-light">(.*?)</span>', head, re.S).group(1)
    assert "bi-" in light and visible_text(light).strip()  # an icon and a word, not colour alone


def test_one_row_of_tabs_and_the_raw_fields_folded(project, client_for):
    html = page(client_for("county_a"), project).content.decode()
    assert html.count('class="nav nav-tabs') == 1 and "nav-pills" not in html
    tabs = visible_text(html[html.index('data-testid="project-tabs"') : html.index('class="tab-content"')])
    assert tabs.split("\n").count("概况") == 1
    details = html[html.index('data-testid="project-details"') :]
    assert details.startswith('data-testid="project-details"><summary')  # folded: a <details> closed by default
    assert "纬度" in visible_text(details)


def test_cumulative_chart_has_the_plan_by_schedule_and_what_was_reported(project, client_for):
    response = page(client_for("county_a"), project)
    chart = response.context["chart"]
    reported = [Decimal(v) for v in chart["actual"] if v is not None]
    assert reported == [Decimal("10000.00"), Decimal("20000.00"), Decimal("30000.00")]
    today = timezone.localdate()
    # the year plan by schedule: 120,000 万元 over twelve months, from what was done by the year's start
    december = [v for label, v in zip(chart["labels"], chart["plan"], strict=True) if label == f"{today.year}年12月"]
    assert december and Decimal(december[0]) >= Decimal("120000")
    html = response.content.decode()
    assert 'data-testid="investment-chart"' in html and 'id="project-investment"' in html
    assert 'data-testid="project-map"' in html and "/static/orgs/boundaries/411100.json" in html


def test_node_timeline_highlights_the_current_node(project, client_for):
    html = page(client_for("county_a"), project).content.decode()
    timeline = html[html.index('data-testid="node-timeline"') :]
    assert timeline.count('data-testid="current-node"') == 1
    assert 'data-state="done"' in timeline or 'data-state="late-done"' in timeline  # 拿地 and 开工 reached


def test_photos_and_files_from_reports_and_stage_evidence(project, client_for):
    client = client_for("leader")
    response = page(client, project)
    photos, files = response.context["photos"], response.context["files"]
    from_reports = [p for p in photos if p.url.startswith(f"/projects/projects/{project.pk}/files/report/")]
    assert len(from_reports) == 3 and len(photos) == 4  # and the photo that evidenced the start
    assert {f.kind for f in files} >= {"形象进度照片", "阶段佐证材料"}
    image = client.get(photos[0].url)
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert client_for("county_b").get(photos[0].url).status_code == 404  # out of scope


def test_documents_tab_has_an_empty_state_then_an_upload(users, client_for):
    project = make_project(by=users["county_a"])
    client = client_for("county_a")
    html = page(client, project).content.decode()
    assert 'data-testid="no-documents"' in html and 'data-testid="document-upload"' in html
    pdf = SimpleUploadedFile("合同.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n", content_type="application/pdf")
    url = f"/projects/projects/{project.pk}/documents/add/"
    response = client.post(url, {"file": pdf, "title": "投资合同", "kind": "contract"})
    assert response.status_code == 302
    html = page(client, project).content.decode()
    assert "投资合同" in html and "合同协议" in html and 'data-testid="no-documents"' not in html
    document = ProjectDocument.objects.get(project=project)
    assert client.get(f"/projects/projects/{project.pk}/files/document/{document.pk}/").status_code == 200


def test_a_bad_upload_says_why_and_writes_nothing(users, client_for):
    project = make_project(by=users["county_a"])
    fake = SimpleUploadedFile("合同.pdf", b"MZ this is a program", content_type="application/pdf")
    response = client_for("county_a").post(
        f"/projects/projects/{project.pk}/documents/add/", {"file": fake, "kind": "contract"}, follow=True
    )
    assert response.status_code == 200 and not ProjectDocument.objects.exists()
    assert "PDF" in visible_text(response.content.decode())
    assert client_for("leader").post(f"/projects/projects/{project.pk}/documents/add/", {}).status_code in (403, 404)
    assert client_for("county_b").post(f"/projects/projects/{project.pk}/documents/add/", {}).status_code == 404


def test_the_page_in_english_reads_english(project, client_for):
    text = visible_text(page(client_for("county_a"), project, "en").content.decode())
    assert "Completed of the total investment" in text and "130.00 100m yuan" in text
    assert "Cumulative investment: plan and reported" in text


def test_the_page_costs_the_same_with_more_reports_and_files(project, client_for, users):
    client = client_for("county_a")
    page(client, project)
    with CaptureQueriesContext(connection) as few:
        page(client, project)
    county = users["county_a"]
    today = timezone.localdate()
    for n in (9, 8, 7, 6, 5, 4):
        report = ProgressReport(
            project=project, month=month_back(today, n), investment=Decimal("500"), physical_progress="基础施工"
        )
        report.photo = jpeg()
        services.submit_report(services.save_report(report, by=county), by=county)
    with CaptureQueriesContext(connection) as many:
        page(client, project)
    assert len(many) == len(few), json.dumps([q["sql"][:120] for q in many.captured_queries][-10:])
