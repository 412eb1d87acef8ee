"""Rankings, phase summaries, the summary sentence, the phase list (xlsx) and the briefing (docx)
on small hand-made campaigns: expected figures are counted by hand in the comments."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document

from keyprojects.campaigns import reports
from keyprojects.campaigns.choices import Batch
from keyprojects.campaigns.indicators import entries_for
from keyprojects.core.testing.pages import in_language
from keyprojects.enterprises.models import Enterprise
from keyprojects.orgs.models import User
from keyprojects.projects import services as project_services
from keyprojects.projects.models import ProgressReport

from .factories import listed, make_phase, project_at

pytestmark = pytest.mark.django_db

SEPTEMBER = reports.Window.around("month", date(2024, 9, 15))
FIRST_WEEK = reports.Window.around("week", date(2024, 9, 4))  # Monday 2 to Sunday 8 September


@pytest.fixture
def campaign(regions):
    """Three phases; 'rolling' is listed in all three and reaches capacity."""
    p1, p2, p3 = make_phase(1, date(2024, 3, 1)), make_phase(2, date(2024, 6, 1)), make_phase(3, date(2024, 9, 10))
    owner = Enterprise.objects.create(
        name="漯河滚动食品有限公司", credit_code="914403001922038216", region=regions["郾城区"]
    )
    rolling = project_at(
        "三期滚动项目",
        total="120000.00",
        owner=owner.pk,
        construction_content="新建生产线3条",
        signed=date(2024, 2, 1),
        started=date(2024, 5, 1),
        producing=date(2024, 8, 1),
        capacity=date(2024, 9, 20),
    )
    stalled = project_at('=HYPERLINK("http://x")签约项目', region="舞阳县", total="35000.55", signed=date(2024, 2, 10))
    starter = project_at(
        "临颍开工项目",
        region="临颍县",
        total="80000",
        construction_content="+厂房5万平方米",
        signed=date(2024, 4, 1),
        started=date(2024, 5, 20),
    )
    done = project_at(
        "郾城投产项目",
        total="50000",
        signed=date(2023, 1, 1),
        started=date(2023, 3, 1),
        producing=date(2024, 5, 1),
        capacity=date(2024, 8, 15),
    )
    listed(p1, rolling, Batch.SIGN, planned_investment=Decimal("30000"))
    listed(p1, stalled, Batch.SIGN, planned_investment=Decimal("10000.50"))
    listed(p2, rolling, Batch.START, planned_investment=Decimal("40000"))
    listed(p2, starter, Batch.START, planned_investment=Decimal("20000"))
    listed(p2, done, Batch.PRODUCE)
    listed(p3, rolling, Batch.PRODUCE)
    return {"phases": (p1, p2, p3), "rolling": rolling, "stalled": stalled, "starter": starter, "done": done}


# --- the summary sentence ------------------------------------------------------------------


def test_summary_sentence_counts_entries_and_unique_projects_at_capacity(campaign):
    # 6 entries: SIGN rolling + stalled, START rolling + starter, PRODUCE done + rolling.
    # At capacity by September: rolling (listed three times, counted once) and done → 2.
    sentence = reports.summary_sentence(entries_for(), year=2024, month=9)
    assert sentence == (
        "截至2024年9月底，我市已高质量开展三期“三个一批”项目建设活动，滚动实施“三个一批”项目6个。"
        "其中“签约一批”项目2个、“开工一批”项目2个、“投产一批”项目2个，已建成达效项目2个。"
    )


def test_summary_sentence_for_an_earlier_month_leaves_out_later_phases_and_capacity(campaign):
    # End of August: phases 1 and 2 only (5 entries: the PRODUCE entry of phase 3 is later);
    # rolling reached capacity on 20 September, so only done (15 August) counts.
    sentence = reports.summary_sentence(entries_for(), year=2024, month=8, subject="郾城区")
    assert sentence == (
        "截至2024年8月底，郾城区已高质量开展二期“三个一批”项目建设活动，滚动实施“三个一批”项目5个。"
        "其中“签约一批”项目2个、“开工一批”项目2个、“投产一批”项目1个，已建成达效项目1个。"
    )


# --- phase summary -------------------------------------------------------------------------


def test_phase_summary_by_batch_and_region_in_hundred_millions(campaign):
    batches = {b.batch: b for b in reports.phase_summary(entries_for(phase=campaign["phases"][0]))}
    sign = batches[Batch.SIGN]
    rows = {r.label: (r.count, r.total_yi, r.planned_yi) for r in sign.rows}
    # rolling 120000 万 = 12.00 亿 (plan 3.00); stalled 35000.55 万 = 3.50 亿 (plan 1.00005 → 1.00).
    assert rows == {
        "郾城区": (1, Decimal("12.00"), Decimal("3.00")),
        "舞阳县": (1, Decimal("3.50"), Decimal("1.00")),
    }
    assert (sign.subtotal.count, sign.subtotal.total_yi, sign.subtotal.planned_yi) == (
        2,
        Decimal("15.50"),
        Decimal("4.00"),
    )
    assert batches[Batch.START].rows == [] and batches[Batch.START].subtotal.count == 0


def test_cumulative_summary_counts_a_rolling_project_once_per_batch(campaign):
    batches = {b.batch: b for b in reports.phase_summary(entries_for())}
    # PRODUCE: done (p2) and rolling (p3), both 郾城区 → 2 entries, 2 projects, 17.00 亿.
    produce = batches[Batch.PRODUCE]
    assert [(r.label, r.count, r.projects, r.total_yi) for r in produce.rows] == [("郾城区", 2, 2, Decimal("17.00"))]
    # Over all batches rolling is 3 entries; each batch sees it once.
    assert sum(b.subtotal.count for b in batches.values()) == 6
    assert sum(b.subtotal.projects for b in batches.values()) == 6


# --- rankings ------------------------------------------------------------------------------


def _report(project, month, investment, *, by, submit=True):
    report = ProgressReport(project=project, month=month, investment=Decimal(investment), physical_progress="主体施工")
    report = project_services.save_report(report, by=by)
    if submit:
        project_services.submit_report(report, by=by)
    return report


@pytest.fixture
def starts(users):
    by = users["city_admin"]
    made = {}
    for name, region, started in [
        ("郾城A", "郾城区", date(2024, 9, 3)),
        ("郾城B", "郾城区", date(2024, 9, 20)),
        ("临颍C", "临颍县", date(2024, 9, 5)),
        ("临颍D", "临颍县", date(2024, 9, 25)),
        ("舞阳E", "舞阳县", date(2024, 9, 10)),
        ("舞阳F", "舞阳县", date(2024, 8, 30)),  # the month before
    ]:
        made[name] = project_at(name, region=region, signed=date(2024, 8, 1), started=started)
    _report(made["郾城A"], date(2024, 9, 1), "500", by=by)
    _report(made["临颍C"], date(2024, 9, 1), "800", by=by)
    _report(made["临颍D"], date(2024, 9, 1), "100", by=by)
    _report(made["舞阳E"], date(2024, 9, 1), "300", by=by, submit=False)  # a draft: not yet a figure
    _report(made["舞阳F"], date(2024, 8, 1), "900", by=by)  # August
    return made


def ranks(rows, metric):
    return {r.unit.name: (r.rank, r.value(metric)) for r in rows if r.value(metric)}


def test_monthly_ranking_by_projects_started_shares_ranks_on_ties(starts, users):
    metric, rows = reports.rankings(users["city_admin"], SEPTEMBER, "started")
    assert metric == "started"
    # 郾城 2 (A, B), 临颍 2 (C, D), 舞阳 1 (E; F started in August).
    assert ranks(rows, "started") == {"郾城区": (1, 2), "临颍县": (1, 2), "舞阳县": (3, 1)}
    # The units with none rank together after them.
    assert {r.rank for r in rows if r.value("started") == 0} == {4}
    assert [r.unit.name for r in rows[:3]].count("舞阳县") == 1 and rows[2].unit.name == "舞阳县"


def test_monthly_ranking_by_investment_counts_submitted_reports_in_the_month(starts, users):
    _metric, rows = reports.rankings(users["city_admin"], SEPTEMBER, "investment")
    # 临颍 800 + 100 = 900; 郾城 500; 舞阳's September report is a draft, its 900 is August.
    assert ranks(rows, "investment") == {"临颍县": (1, Decimal("900")), "郾城区": (2, Decimal("500"))}
    assert [r.unit.name for r in rows[:2]] == ["临颍县", "郾城区"]


def test_weekly_ranking_counts_only_that_week_and_has_no_investment(starts, users):
    metric, rows = reports.rankings(users["city_admin"], FIRST_WEEK, "investment")
    assert metric == "started"  # investment is monthly: a week falls back to its default
    # 2–8 September: A (3rd) and C (5th).
    assert ranks(rows, "started") == {"郾城区": (1, 1), "临颍县": (1, 1)}
    assert "investment" not in reports.metrics("week")


def test_ranking_by_a_rate_puts_regions_without_entries_last_unranked(campaign, users):
    _metric, rows = reports.rankings(users["city_admin"], SEPTEMBER, "start")
    # 开工率 over SIGN entries: 郾城 rolling started → 100.0; 舞阳 stalled → 0.0; others none.
    assert [(r.unit.name, r.rank, r.value("start")) for r in rows[:2]] == [
        ("郾城区", 1, Decimal("100.0")),
        ("舞阳县", 2, Decimal("0.0")),
    ]
    assert all(r.rank is None for r in rows[2:])


def test_ranking_costs_the_same_queries_for_more_projects(users):
    by = users["city_admin"]

    def count():
        user = User.objects.get(pk=by.pk)  # memberships read afresh each time
        cache.clear()  # both counts from nothing: after a write only the touched parts are read
        with CaptureQueriesContext(connection) as queries:
            reports.rankings(user, SEPTEMBER, "started")
        return len(queries)

    for n in range(2):
        project_at(f"少量{n}", signed=date(2024, 8, 1), started=date(2024, 9, 2 + n))
    few = count()
    for n in range(12):
        project_at(f"更多{n}", region="临颍县", signed=date(2024, 8, 1), started=date(2024, 9, 2 + n))
    assert count() == few


def test_county_sees_only_its_own_row_and_others_nothing(starts, client_for):
    response = client_for("county_b").get("/campaigns/rankings/?period=month&on=2024-09-01&metric=started")
    assert response.status_code == 200
    assert [row.unit.name for row, _cells, _move in response.context["rows"]] == ["舞阳县"]
    response = client_for("enterprise").get("/campaigns/rankings/?period=month&on=2024-09-01")
    assert response.context["rows"] == []
    assert client_for("anonymous").get("/campaigns/rankings/").status_code == 302


def test_rankings_page_switches_period_and_exports(starts, client_for):
    client = client_for("city_admin")
    week = client.get("/campaigns/rankings/?period=week&on=2024-09-04")
    assert week.context["window"] == FIRST_WEEK and week.context["metric"] == "started"
    assert "investment" not in [m for m, _label, _rate in week.context["metrics"]]
    month = client.get("/campaigns/rankings/?period=month&on=2024-09-04&metric=investment")
    assert month.context["window"] == SEPTEMBER
    exported = client.get("/campaigns/rankings/?period=month&on=2024-09-04&metric=investment&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(exported.streaming_content))).active
    table = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert table[0][:2] == [1, "临颍县"] and table[1][:2] == [2, "郾城区"]
    assert all(not (isinstance(v, str) and v.startswith("=")) for row in table for v in row)


# --- the phase list (xlsx) -------------------------------------------------------------------


def _sheet(content):
    book = openpyxl.load_workbook(io.BytesIO(content))
    return book.active


def _first_column_rows(sheet, text):
    return [row for row in sheet.iter_rows() if isinstance(row[0].value, str) and row[0].value.startswith(text)]


def test_phase_list_xlsx_has_title_sections_subtotals_and_no_formulas(campaign, client_for):
    p1, p2, _p3 = campaign["phases"]
    response = client_for("city_admin").get(f"/campaigns/phases/{p2.pk}/list.xlsx")
    assert response.status_code == 200
    sheet = _sheet(b"".join(response.streaming_content))
    assert sheet["A1"].value == "第二期“三个一批”项目清单"
    sections = [row[0].value for row in _first_column_rows(sheet, "一、") + _first_column_rows(sheet, "二、")]
    # Phase 2 has START (rolling, starter) and PRODUCE (done), no SIGN: two sections.
    assert sections == ["一、“开工一批”项目（2个）", "二、“投产一批”项目（1个）"]
    headings = [c.value for c in next(r for r in sheet.iter_rows() if r[0].value == "序号")]
    assert headings == [
        "序号",
        "项目名称",
        "建设单位",
        "所属县区",
        "总投资（亿元）",
        "年度计划投资（亿元）",
        "建设内容",
        "开工时间",
    ]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    # Every subtotal equals the sum of the rows above it, back to the previous heading row.
    checked = 0
    block = []
    for row in values:
        if row[0] == "序号":
            block = []
        elif isinstance(row[0], int):
            block.append(row)
        elif isinstance(row[0], str) and row[0].startswith("小计"):
            assert row[4] == pytest.approx(sum(r[4] for r in block)) and row[5] == pytest.approx(
                sum(r[5] for r in block)
            )
            checked += 1
    assert checked == 2
    total = next(row for row in values if isinstance(row[0], str) and row[0].startswith("合计"))
    # 12 + 8 + 5 亿元 total; plans 4 + 2 + 0 亿元.
    assert total[0] == "合计（3个）" and total[4] == pytest.approx(25.0) and total[5] == pytest.approx(6.0)
    starter = next(row for row in values if row[1] == "临颍开工项目")
    assert starter[6] == "'+厂房5万平方米" and starter[7] == "2024年5月"  # neutralised text; the start date
    rolling = next(row for row in values if row[1] == "三期滚动项目")
    assert rolling[2] == "漯河滚动食品有限公司" and rolling[3] == "郾城区"
    # Values only: no formula anywhere, no text that a spreadsheet would run.
    for row in sheet.iter_rows():
        for c in row:
            assert c.data_type != "f"
            assert not (isinstance(c.value, str) and c.value.startswith("="))
    # Phase 1's formula-like project name is neutralised too.
    first = _sheet(b"".join(client_for("city_admin").get(f"/campaigns/phases/{p1.pk}/list.xlsx").streaming_content))
    names = [row[1].value for row in first.iter_rows() if isinstance(row[0].value, int)]
    assert '\'=HYPERLINK("http://x")签约项目' in names


def test_phase_list_follows_scope(campaign, client_for):
    p1 = campaign["phases"][0]
    county = _sheet(b"".join(client_for("county_b").get(f"/campaigns/phases/{p1.pk}/list.xlsx").streaming_content))
    rows = [[c.value for c in row] for row in county.iter_rows() if isinstance(row[0].value, int)]
    assert [r[3] for r in rows] == ["舞阳县"]  # only 舞阳县's entry
    outsider = _sheet(b"".join(client_for("enterprise").get(f"/campaigns/phases/{p1.pk}/list.xlsx").streaming_content))
    assert [row[0].value for row in outsider.iter_rows() if row[0].value][-1] == "合计（0个）"
    assert client_for("city_admin").get("/campaigns/phases/999999/list.xlsx").status_code == 404
    assert client_for("anonymous").get(f"/campaigns/phases/{p1.pk}/list.xlsx").status_code == 302


# --- the briefing (docx) ---------------------------------------------------------------------


def test_briefing_docx_has_title_sentence_tables_and_chart(campaign, client_for):
    p3 = campaign["phases"][2]
    response = client_for("city_admin").get(f"/campaigns/briefing.docx?phase={p3.pk}&month=2024-09")
    assert response.status_code == 200
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "第三期“三个一批”项目建设活动简报"
    assert reports.summary_sentence(entries_for(), year=2024, month=9) in texts
    assert any(t.startswith("第三期") and "共安排“三个一批”项目1个" in t for t in texts)
    # Phase 3: one batch table (PRODUCE), the other two say they are empty; then the indicators.
    assert texts.count("本批次暂无项目。") == 2
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    assert tables[0] == [
        ["县区", "项目数（个）", "总投资（亿元）", "年度计划投资（亿元）"],
        ["郾城区", "1", "12.00", "0.00"],
        ["合计", "1", "12.00", "0.00"],
    ]
    indicators_table = tables[-1]
    assert indicators_table[0][:2] == ["指标", "完成值"]
    start = next(row for row in indicators_table if row[2] == "1/2")  # 开工率: rolling of rolling + stalled
    assert start[1] == "50.0%" and start[4]  # with its definition
    assert len(document.inline_shapes) == 1
    assert any(t.startswith("图1") for t in texts)


def test_briefing_for_an_outsider_counts_nothing(campaign, client_for):
    response = client_for("enterprise").get("/campaigns/briefing.docx?month=2024-09")
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    texts = [p.text for p in document.paragraphs]
    assert any("滚动实施“三个一批”项目0个" in t for t in texts)
    assert client_for("city_admin").get("/campaigns/briefing.docx?phase=999999").status_code == 404


def test_summary_page_shows_the_sentence_and_tables(campaign, client_for):
    p1 = campaign["phases"][0]
    response = client_for("city_admin").get(f"/campaigns/summary/?phase={p1.pk}")
    assert response.status_code == 200
    assert response.context["sentence"].startswith("By the end of March 2024, 1 phases of the campaign were held")
    chinese = in_language(client_for("city_admin"), "zh-hans").get(f"/campaigns/summary/?phase={p1.pk}")
    assert chinese.context["sentence"].startswith("截至2024年3月底，我市已高质量开展一期")  # the campaign's own words
    body = response.content.decode()
    assert 'data-testid="batch-sign"' in body and "15.50" in body
    county = client_for("county_b").get(f"/campaigns/summary/?phase={p1.pk}")
    assert "郾城区" not in county.content.decode().split('data-testid="batch-sign"')[1]


def test_rankings_open_on_the_last_complete_month_with_each_rank_change(starts, client_for, monkeypatch):
    from keyprojects.campaigns import views

    monkeypatch.setattr(views.timezone, "localdate", lambda: date(2024, 10, 3))  # October has barely begun
    response = client_for("city_admin").get("/campaigns/rankings/?metric=started")
    assert response.context["window"] == SEPTEMBER
    rows = {row.unit.name: (row.rank, move) for row, _cells, move in response.context["rows"]}
    # two starts each in September share the first place; in August only 舞阳县 had one
    assert rows["临颍县"] == (1, (1, 0)) and rows["郾城区"] == (1, (1, 0))  # up one place
    assert rows["舞阳县"] == (3, (0, 2))  # down two places
    october = client_for("city_admin").get("/campaigns/rankings/?metric=started&on=2024-10-01")
    assert all(row.rank is None for row, _cells, _move in october.context["rows"])  # nobody is "1" with zeros
    assert "September 2024" in response.content.decode()  # the period in the reader's language
