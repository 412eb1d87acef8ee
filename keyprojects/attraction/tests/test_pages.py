"""The pages and documents as people use them: the pipeline board, a lead's page with its
verbs, the chain map with its gaps, the rankings, the statistics workbook and the review sheet;
their query counts do not grow with the rows."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .. import services
from ..choices import FundSource
from ..models import FundsInPlace, Lead, YearGoal
from .factories import cadre, food_chain, lead, signed_lead

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db, regions):
    return cadre("zhang", name="张明")


def many(owner, by, n, link=None, start=0):
    return [lead(owner, by=by, company=f"目标企业{i}号有限公司", link=link) for i in range(start, start + n)]


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context)


def test_the_pipeline_board_counts_and_sums_each_state(owner, users, client_for):
    many(owner, users["county_a"], 3)
    signed_lead(owner, by=users["county_a"], evaluator=users["city_admin"], company="签约企业")
    body = client_for("county_a").get("/attraction/").content.decode()
    assert 'data-testid="column-found"' in body and "签约企业项目" in body


@pytest.mark.parametrize(
    "url", ["/attraction/", "/attraction/rankings/", "/attraction/leads/", "/attraction/rankings/?by=region"]
)
def test_page_queries_do_not_grow_with_leads(url, owner, users, client_for):
    chain, links = food_chain()
    many(owner, users["county_a"], 3, link=links["加工"])
    client = client_for("city_admin")
    few = queries(client, url)
    many(owner, users["county_a"], 30, link=links["加工"], start=100)
    other = cadre("li", name="李强")
    many(other, users["county_a"], 10, start=500)
    assert queries(client, url) <= few + 1  # the paginator's cached count may be asked once more


def test_the_chain_map_shows_gaps_and_what_sits_on_each_link(owner, users, client_for, regions):
    from keyprojects.enterprises.models import Enterprise

    chain, links = food_chain()
    Enterprise.objects.create(name="漯河双汇肉业有限公司", region=regions["郾城区"], industry="C1351")
    lead(owner, by=users["county_a"], link=links["冷链物流"])
    body = client_for("county_a").get(chain.get_absolute_url()).content.decode()
    assert "漯河双汇肉业有限公司" in body and 'data-testid="gap"' in body
    assert "1 条线索" in body or "1 lead" in body


def test_the_lead_page_shows_the_timeline_and_the_verbs_a_role_may_use(owner, users, client_for):
    found = lead(owner, by=users["county_a"])
    services.record_visit(found, by=users["county_a"], kind="outgoing", date=date(2026, 3, 3), people="张明、王总")
    body = client_for("county_a").get(found.get_absolute_url()).content.decode()
    assert "张明、王总" in body and 'data-testid="negotiate"' in body and 'data-testid="drop"' in body


def test_a_visit_before_the_lead_was_found_is_refused_on_the_page(owner, users, client_for):
    found = lead(owner, by=users["county_a"], on=date(2026, 3, 2))
    response = client_for("county_a").post(
        f"{found.get_absolute_url()}visit/", {"kind": "outgoing", "date": "2026-03-01", "people": "张三"}
    )
    assert response.status_code == 400 and "2026" in response.content.decode()
    assert not found.visits.exists()


def test_a_duplicate_lead_is_refused_on_the_form_and_in_the_api_naming_the_first(owner, users, client_for, api_for):
    first = lead(owner, by=users["county_a"], company="漯河冷链物流有限公司")
    form = {
        "company": "漯河冷鏈物流有限責任公司",
        "name": "重复项目",
        "region": owner.region.pk,
        "owner": owner.pk,
        "found_on": "2026-03-03",
        "investment": "1亿",
    }
    response = client_for("county_a").post("/attraction/leads/add/", form)
    assert response.status_code == 400 and first.name in response.content.decode()
    form["investment"] = "10000"  # the API takes 万元 as numbers
    api = api_for("county_a").post("/api/attraction/leads/", form, format="json")
    assert api.status_code == 400 and first.name in str(api.json())
    assert Lead.objects.count() == 1
    form["company"] = "全新食品有限公司"
    created = api_for("county_a").post("/api/attraction/leads/", form, format="json")
    assert created.status_code == 201, created.json()
    assert Decimal(created.json()["investment"]) == Decimal("10000")


def test_rankings_move_with_signings_and_compare_with_goals(owner, users, client_for):
    YearGoal.objects.create(cadre=owner, year=2026, leads=10, signings=2, investment=Decimal("100000"))
    other = cadre("li", name="李强")
    many(other, users["county_a"], 2)
    page = client_for("city_admin").get("/attraction/rankings/?year=2026")
    rows = page.context["rows"]
    assert rows[0]["obj"] == other
    signed_lead(owner, by=users["county_a"], evaluator=users["city_admin"])
    rows = client_for("city_admin").get("/attraction/rankings/?year=2026").context["rows"]
    assert rows[0]["obj"] == owner and rows[0]["signings"] == 1
    assert rows[0]["cells"][2]["share"] == 50


def test_the_statistics_workbook_and_the_review_sheet(owner, users, client_for):
    signed = signed_lead(owner, by=users["county_a"], evaluator=users["city_admin"])
    project = services.hand_over(signed, by=users["county_a"])
    services.record_funds(
        FundsInPlace(project=project, month=date(2026, 5, 1), source=FundSource.FOREIGN, amount=Decimal("12000")),
        by=users["county_a"],
    )
    response = client_for("city_admin").get("/attraction/statistics.xlsx?year=2026")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "2026年招商引资项目及到位资金统计表"
    county = next(r for r in rows if r[0] == "郾城区")
    assert county[1] == 1 and county[4] == 1.2 and rows[-1][0] == "合计"
    from docx import Document

    lead(owner, by=users["county_a"], company="久未跟进公司", on=date(2026, 1, 5))
    review = client_for("city_admin").get("/attraction/review.docx?period=quarter")
    text = "\n".join(p.text for p in Document(io.BytesIO(b"".join(review.streaming_content))).paragraphs)
    assert "久未跟进公司项目" in text and "季度" in text


def test_the_project_page_shows_the_lead_it_came_from_and_its_funds(owner, users, client_for):
    signed = signed_lead(owner, by=users["county_a"], evaluator=users["city_admin"])
    project = services.hand_over(signed, by=users["county_a"])
    services.record_funds(
        FundsInPlace(project=project, month=date(2026, 5, 1), source=FundSource.FOREIGN, amount=Decimal("12345.67")),
        by=users["county_a"],
    )
    body = client_for("county_a").get(project.get_absolute_url()).content.decode()
    assert 'data-testid="project-lead"' in body and signed.name in body
    assert 'data-testid="project-funds"' in body and "12,345.67" in body and "境外" in body


def test_the_home_page_tells_a_cadre_of_stale_leads_and_the_county_of_trips_to_approve(owner, users, client_for):
    from datetime import timedelta

    from django.utils import timezone

    from ..models import Trip

    lead(owner, by=users["county_a"], on=date(2026, 1, 5))
    start = timezone.localdate() + timedelta(days=3)
    services.report_trip(
        Trip(cadre=owner, destination="上海", whom="某集团", purpose="洽谈", start_on=start, end_on=start),
        by=owner.user,
    )
    from django.test import Client

    cadre_client = Client()
    cadre_client.force_login(owner.user)
    items = {item["label"]: item["count"] for item in cadre_client.get("/").context["attention"]}
    assert any(count == 1 for label, count in items.items() if "久未跟进" in label or "stale" in label)
    county = {item["label"]: item["count"] for item in client_for("county_a").get("/").context["attention"]}
    assert any(count == 1 for label, count in county.items() if "审批" in label or "approval" in label)
