"""固定资产投资 statistics on hand-made reports: every figure below is counted by hand.

January to March 2024 against January to March 2023:
- A (郾城区, industry, 战略性新兴产业 + 高技术制造业, 入统): 2023 100 + 100 + 100 (and 500 in April,
  outside the period); 2024 150 + 150 + 150 → 450 against 300.
- B (舞阳县, services, foreign investment = 招商引资): starts reporting in July 2023 (200), so it has
  no base; 2024 January 100 and March 100 → 200; its February report is a draft (999) and counts
  nowhere; it brought 5,000 from before its first report, which counts in no period.
- C (郾城区, industry, 民间投资): crosses the year — December 2023 300 counts in 2023 only — then 2024
  January 100, February 100, and March 100 filed late (a draft until the test submits it).

Totals: 2024 450 + 200 + 300 = 950 against 300 → +216.7%; 工业 750 against 300 → +150.0%;
战新 450 against 300 → +50.0%, 60.0% of 工业; 民间 and 招商引资 have no base; 入统 450 / 950 = 47.4%.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from keyprojects.core.testing.cases import read_xlsx
from keyprojects.dashboards import investment
from keyprojects.projects.choices import AttractionSource, Field, InvestmentCategory, ReportStatus
from keyprojects.projects.models import OfficialFigure, ProgressReport, Project, Tag

pytestmark = pytest.mark.django_db
URL = "/dashboards/investment/"
C = InvestmentCategory


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def report(project, year, month, amount, status=ReportStatus.ACCEPTED):
    return ProgressReport.objects.create(
        project=project, month=date(year, month, 1), investment=Decimal(amount), physical_progress="施工", status=status
    )


@pytest.fixture
def reports(regions):
    strategic = Tag.objects.get_or_create(name="战略性新兴产业")[0]
    high_tech = Tag.objects.get_or_create(name="高技术制造业")[0]
    private = Tag.objects.get_or_create(name="民间投资")[0]
    a = Project.objects.create(
        name="甲 新材料项目", region=regions["郾城区"], field=Field.INDUSTRY, total_investment=50000, in_statistics=True
    )
    a.tags.set([strategic, high_tech])
    b = Project.objects.create(
        name="乙 商贸物流园",
        region=regions["舞阳县"],
        field=Field.SERVICES,
        total_investment=30000,
        prior_investment=5000,
        attraction_source=AttractionSource.FOREIGN,
    )
    c = Project.objects.create(
        name="丙 食品加工", region=regions["郾城区"], field=Field.INDUSTRY, total_investment=8000
    )
    c.tags.set([private])
    for month in (1, 2, 3):
        report(a, 2023, month, 100)
        report(a, 2024, month, 150)
    report(a, 2023, 4, 500)
    report(b, 2023, 7, 200)
    report(b, 2024, 1, 100)
    report(b, 2024, 2, 999, ReportStatus.DRAFT)
    report(b, 2024, 3, 100)
    report(c, 2023, 12, 300)
    report(c, 2024, 1, 100)
    report(c, 2024, 2, 100)
    late = report(c, 2024, 3, 100, ReportStatus.DRAFT)
    return {"a": a, "b": b, "c": c, "late": late}


def current(user):
    return investment.by_year(investment.reports_for(user), 2024, 3)[-1]


def test_growth_by_category_counted_by_hand_with_a_late_report(reports, users):
    before = current(users["city_admin"]).figures
    assert before[C.TOTAL].current == Decimal("850.00")  # C's March is still a draft

    late = reports["late"]
    late.status = ReportStatus.SUBMITTED  # filed in May for March: counts in March from now on
    late.save()
    row = current(users["city_admin"])
    f = row.figures
    assert (f[C.TOTAL].current, f[C.TOTAL].previous, f[C.TOTAL].growth) == (950, 300, Decimal("216.7"))
    assert (f[C.INDUSTRY].current, f[C.INDUSTRY].previous, f[C.INDUSTRY].growth) == (750, 300, Decimal("150.0"))
    assert (f[C.EMERGING].current, f[C.EMERGING].growth) == (450, Decimal("50.0"))
    assert (f[C.HIGH_TECH].current, f[C.HIGH_TECH].growth) == (450, Decimal("50.0"))
    assert row.emerging_share == Decimal("60.0")
    assert f[C.TOTAL].statistics_share == Decimal("47.4")


def test_zero_base_and_a_project_reporting_from_mid_year_have_no_growth(reports, users):
    f = current(users["city_admin"]).figures
    assert (f[C.ATTRACTED].current, f[C.ATTRACTED].previous, f[C.ATTRACTED].growth) == (200, 0, None)
    assert (f[C.PRIVATE].current, f[C.PRIVATE].previous, f[C.PRIVATE].growth) == (200, 0, None)


def test_months_and_years_cumulate_the_same_reports(reports, users):
    reports_ = investment.reports_for(users["city_admin"])
    months = investment.by_month(reports_, 2024, 3)
    assert [(m["current"], m["previous"]) for m in months] == [(350, 100), (250, 100), (250, 100)]
    assert months[0]["growth"] == Decimal("250.0")
    assert months[-1]["cumulative"] == Decimal("850.00")
    years = investment.by_year(reports_, 2024, 3)
    assert [row.label for row in years] == ["2022", "2023", "2024"]
    assert years[1].figures[C.TOTAL].current == 300  # 2023 to March: December's 300 is not in it
    assert years[1].figures[C.TOTAL].growth is None  # nothing in 2022: no base


def test_by_region_and_a_county_sees_only_its_own(reports, users):
    rows = {
        row.label: row for row in investment.grouped(investment.reports_for(users["city_admin"]), 2024, 3, "region")
    }
    assert rows["郾城区"].figures[C.TOTAL].current == 650
    assert rows["郾城区"].figures[C.TOTAL].growth == Decimal("116.7")
    assert rows["舞阳县"].figures[C.TOTAL].growth is None
    own = current(users["county_a"]).figures
    assert own[C.TOTAL].current == 650


def test_page_shows_the_figures_and_drills_down_to_the_projects_counted(reports, client_for):
    client = client_for("city_admin")
    page = client.get(URL, {"month": "2024-03", "by": "field"})
    assert page.status_code == 200
    text = page.content.decode()
    # C's March is still a draft here: 850 against 300, 战新 450 of 工业 650
    assert "183.3%" in text and "no base" in text and "69.2%" in text
    drill = client.get("/dashboards/investment/counted/", {"month": "2024-03", "category": "industry"})
    names = [row["project__name"] for row in drill.context["rows"]]
    assert names == ["甲 新材料项目", "丙 食品加工"]
    assert drill.context["current"] == 650
    by_region = client.get(
        "/dashboards/investment/counted/",
        {"month": "2024-03", "category": "total", "group": "region", "key": reports["b"].region_id},
    )
    assert [row["project__name"] for row in by_region.context["rows"]] == ["乙 商贸物流园"]


def test_a_bad_month_is_said_and_the_default_shown(reports, client_for):
    page = client_for("city_admin").get(URL, {"month": "2024-13", "by": "nonsense"})
    assert page.status_code == 200
    assert "Give the month as YYYY-MM" in page.content.decode()


def test_xlsx_and_docx_carry_the_figures(reports, client_for):
    client = client_for("city_admin")
    book = client.get("/dashboards/investment/statistics.xlsx", {"month": "2024-03"})
    assert book.status_code == 200
    rows = read_xlsx(book)
    assert rows[1][0] == "固定资产投资" and rows[1][3] == pytest.approx(183.3)
    briefing = client.get("/dashboards/investment/briefing.docx", {"month": "2024-03"})
    from io import BytesIO

    from docx import Document

    text = "\n".join(p.text for p in Document(BytesIO(b"".join(briefing.streaming_content))).paragraphs)
    assert "同比增长183.3%" in text and "战略性新兴产业投资占工业投资比重69.2%" in text


def test_official_figure_beside_ours_and_a_closed_period_needs_a_correction_note(reports, regions, client_for):
    client = client_for("city_admin")
    data = {"region": regions["漯河市"].pk, "month": "2024-03", "category": "total", "amount": "900", "growth": "12.5"}
    refused = client.post("/projects/official-figures/add/", data)
    assert refused.status_code == 400 and "correction note" in refused.content.decode()
    assert not OfficialFigure.objects.exists()
    client.post("/projects/official-figures/add/", {**data, "correction_note": "补录统计局3月快报"})
    figure = OfficialFigure.objects.get()
    changed = client.post(
        f"/projects/official-figures/{figure.pk}/edit/",
        {**data, "amount": "920", "correction_note": "补录统计局3月快报"},
    )
    assert changed.status_code == 400  # the same note does not explain a new change
    figure.refresh_from_db()
    assert figure.amount == 900
    page = client.get(URL, {"month": "2024-03"})
    row = page.context["official"][0]
    assert row["official"].amount == 900 and row["ours"].current == 850
    assert row["ours"].statistics_share == Decimal("52.9")  # 450 of 850 from 入统 projects
    assert client_for("county_a").post(
        "/projects/official-figures/add/", {**data, "correction_note": "x"}
    ).status_code in (
        302,
        403,
        404,
    )
    assert OfficialFigure.objects.count() == 1


def test_a_report_counts_as_in_statistics_from_the_month_its_project_was_registered(reports, users):
    b = reports["b"]
    b.in_statistics, b.statistics_date = True, date(2024, 2, 10)  # registered in February
    b.save()
    f = current(users["city_admin"]).figures
    # A's 450 and B's March 100; B's January 100 was filed before it was registered
    assert f[C.TOTAL].in_statistics == 550
    assert f[C.ATTRACTED].statistics_share == Decimal("50.0")


def test_the_api_gives_the_same_figures_within_the_callers_scope(reports, api_for):
    city = api_for("city_admin").get("/api/dashboards/investment/", {"month": "2024-03", "by": "region"}).json()
    assert city["categories"]["figures"]["total"]["growth"] == "183.3"
    assert city["categories"]["figures"]["attracted"]["growth"] is None
    county = api_for("county_a").get("/api/dashboards/investment/", {"month": "2024-03"}).json()
    assert county["categories"]["figures"]["total"]["current"] == "650.00"
    bad = api_for("city_admin").get("/api/dashboards/investment/", {"month": "2024-13"})
    assert bad.status_code == 400
    assert api_for(None).get("/api/dashboards/investment/").status_code in (401, 403)


def test_the_page_costs_the_same_queries_whatever_the_number_of_projects(reports, regions, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("city_admin")

    def count():
        from django.core.cache import cache

        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"month": "2024-03", "by": "tag"}).status_code == 200
        return len(captured.captured_queries)

    few = count()
    for n in range(12):
        project = Project.objects.create(name=f"加项{n}", region=regions["舞阳县"], field=Field.INDUSTRY)
        project.tags.set(Tag.objects.all())
        report(project, 2023, 2, 10)
        report(project, 2024, 2, 20)
    assert count() == few


def test_the_category_figures_are_cached_and_a_tag_given_moves_them_at_once(reports, users):
    """The categories read the project–tag table; its changes are logged on the project (core/m2m.py),
    so the figures are kept between writes and computed again after a tag is given."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin = users["city_admin"]
    assert current(admin).figures[C.PRIVATE].current == 200
    with CaptureQueriesContext(connection) as queries:
        assert current(admin).figures[C.PRIVATE].current == 200
    assert not any("SUM(" in q["sql"].upper() for q in queries.captured_queries)  # from the cache
    reports["a"].tags.add(Tag.objects.get(name="民间投资"))
    assert current(admin).figures[C.PRIVATE].current == 650  # A's 450 now counts as 民间投资 too
