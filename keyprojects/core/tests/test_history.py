"""History reads in sentences (core/history.py): the change log and an object's history say who
changed what from what to what, with related records by name, money and times readable, the
system in the reader's language, and an import's many rows as one line linking to its job."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyprojects.core.context import acting
from keyprojects.core.models import Job, ObjectChange
from keyprojects.core.testing.pages import in_language, visible_text
from keyprojects.orgs.models import Region
from keyprojects.projects.models import Project
from keyprojects.projects.tests.factories import make_project

pytestmark = pytest.mark.django_db


def history_text(client, project, language="zh-hans"):
    page = in_language(client, language).get(f"{project.get_absolute_url()}history/")
    assert page.status_code == 200
    return page.content.decode()


@pytest.fixture
def project(users):
    users["county_a"].first_name = "张三"
    users["county_a"].save()
    project = make_project(by=users["county_a"], total="68200")
    with acting(users["county_a"]):
        project.total_investment = Decimal("70000")
        project.save()
    return Project.objects.get(pk=project.pk)


def test_a_change_reads_as_a_sentence_with_money_in_one_unit(project, client_for):
    text = visible_text(history_text(client_for("county_a"), project))
    assert "张三 将 总投资 由 6.82 亿元 改为 7.00 亿元。" in " ".join(text.split("\n"))
    english = visible_text(history_text(client_for("county_a"), project, "en"))
    assert "张三 changed total investment from 6.82 100m yuan to 7.00 100m yuan." in " ".join(english.split("\n"))
    assert "total_investment" not in text and "68200" not in text


def test_related_records_are_named_and_linked_not_numbered(project, client_for, users):
    with acting(users["city_admin"]):
        project.region = Region.objects.get(name="舞阳县")
        project.leader = users["leader"]
        project.save()
    html = history_text(client_for("city_admin"), project)
    wuyang = Region.objects.get(name="舞阳县")
    assert f'<a href="{wuyang.get_absolute_url()}">舞阳县</a>' in html
    assert "郾城区" in html and "leader" in html  # the leader by name (first name "leader")
    assert not re.search(r"所属区域：由 \d+ 改为", visible_text(html))


def test_times_are_local_and_written_the_readers_way_and_the_system_is_named(project, client_for):
    change = ObjectChange.for_object(project).first()
    # 06:20 UTC is 14:20 in Asia/Shanghai
    ObjectChange._base_manager.filter(pk=change.pk).update(
        time=datetime.datetime(2024, 3, 5, 6, 20, tzinfo=datetime.UTC)
    )
    with acting(None):
        project.name = "系统改名的项目"
        project.save()
    text = visible_text(history_text(client_for("county_a"), project))
    assert "2024年3月5日 14:20" in text
    assert "系统" in text.split("\n") and "system" not in text
    english = visible_text(history_text(client_for("county_a"), project, "en"))
    assert "March 5, 2024, 2:20 p.m." in english and "System" in english.split("\n")


def test_an_imports_rows_read_as_one_line_linking_to_its_job(users, client_for):
    job = Job.objects.create(kind="core.import", title="导入项目", created_by=users["county_a"])
    with acting(users["county_a"], f"job-{job.pk}"):
        for n in range(6):
            make_project(name=f"导入的项目{n}")
    page = client_for("auditor").get("/core/changes/")
    lines = page.context["lines"]
    runs = [line for line in lines if line.kind == "run"]
    assert len(runs) == 1
    html = page.content.decode()
    assert f'href="/core/jobs/{job.pk}/"' in html
    assert "新增项目 6 条" in visible_text(html).replace("\n", " ")
    # Asked for by its request id, the run's rows are listed one by one.
    each = client_for("auditor").get(f"/core/changes/?request_id=job-{job.pk}").context["lines"]
    assert len(each) > 6 and not [line for line in each if line.kind == "run"]


def test_the_change_log_reads_related_records_once_per_page(users, client_for, regions):
    auditor = client_for("auditor")
    make_project(by=users["county_a"], name="一")
    auditor.get("/core/changes/")  # content types and the session warmed up
    with CaptureQueriesContext(connection) as few:
        auditor.get("/core/changes/")
    for n in range(8):
        with acting(users["county_a"]):
            p = make_project(name=f"项目{n}")
            p.region = regions["舞阳县"]
            p.save()
    with CaptureQueriesContext(connection) as many:
        auditor.get("/core/changes/")
    assert len(many) <= len(few) + 3  # one query per related model, not per row


def test_the_change_log_filters_are_labelled(client_for):
    html = client_for("auditor").get("/core/changes/").content.decode()
    form = html[html.index('data-testid="filter-bar"') :]
    form = form[: form.index("</form>")]
    inputs = re.findall(r'<(?:input(?! type="hidden")|select)[^>]*\bid="([^"]+)"', form)
    labels = set(re.findall(r'<label[^>]*for="([^"]+)"', form))
    assert inputs and set(inputs) <= labels
    assert "---------" not in form and "全部" in form


def test_the_log_goes_on_past_an_imports_run(users, client_for):
    with acting(users["county_a"]):
        make_project(name="导入之前的项目")
    with acting(users["county_a"], "job-999"):
        for n in range(60):
            make_project(name=f"批量{n}")
    auditor = client_for("auditor")
    first = auditor.get("/core/changes/")
    run = next(line for line in first.context["lines"] if line.kind == "run")
    earlier = re.search(r'href="(/core/changes/\?before=\d+)"', str(run.sentence)).group(1)
    shown = {c.object_repr for c in auditor.get(earlier).context["page"].object_list}
    assert "导入之前的项目" in shown and not any(name.startswith("批量") for name in shown)
