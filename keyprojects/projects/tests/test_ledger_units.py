"""Amounts in a ledger are read in the unit the file gives them, never guessed: the heading's
unit (`总投资\\n(亿元)`), else the title rows' (`单位：亿元`), else 万元 said so in the preview; a
cell's own unit wins, with a note; another currency, an approximate amount or units that
disagree are refused naming them, nothing written; a re-import that would scale an amount by
10, 100, 1,000 or 10,000 warns on its row."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from keyprojects.core.imports import read_rows
from keyprojects.core.testing.cases import upload
from keyprojects.core.testing.pages import in_language
from keyprojects.projects.importers import ProjectImporter
from keyprojects.projects.models import Project

from .factories import make_project

pytestmark = pytest.mark.django_db

TITLE = "漯河市重点项目台账（2024年9月）"


def workbook(rows, *, titles=(TITLE,)):
    """A real .xlsx as a city keeps it: merged title rows above a header with line breaks."""
    book = openpyxl.Workbook()
    sheet = book.active
    width = max(len(r) for r in rows)
    for title in titles:
        sheet.append([title])
        sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=width)
    for row in rows:
        sheet.append(row)
    handle = io.BytesIO()
    book.save(handle)
    return handle.getvalue()


def plan_of(user, content, tmp_path, language="en"):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(content)
    importer = ProjectImporter(user)
    with translation.override(language):
        return importer, importer.plan(read_rows(path))


def notes(plan):
    """What the preview says of each heading of the file (its unit, for a money column)."""
    with translation.override("en"):
        return {c.heading: c.report() for c in plan.columns}


def errors(plan):
    return [(e.row, e.letter, e.column, e.message) for e in plan.errors]


def test_a_unit_in_the_heading_applies_to_its_column_50_yi_is_500000_wan(users, regions, tmp_path):
    rows = [
        ["项目名称", "所属县区", "总投资\n(亿元)"],
        ["漯河食品产业园", "郾城区", 50],
        ["冷链物流中心", "郾城区", "1.5"],
    ]
    importer, plan = plan_of(users["county_a"], workbook(rows), tmp_path)
    assert errors(plan) == [] and plan.warnings == []
    importer.commit(plan)
    assert Project.objects.get(name="漯河食品产业园").total_investment == Decimal("500000.00")
    assert Project.objects.get(name="冷链物流中心").total_investment == Decimal("15000.00")
    assert notes(plan)["总投资 (亿元)"] == {
        "letter": "C",
        "heading": "总投资 (亿元)",
        "to": "总投资（万元）",
        "note": "amounts in 亿元, as the heading says",
    }


def test_a_unit_in_the_title_rows_applies_to_money_headings_that_name_none(users, regions, tmp_path):
    rows = [["项目名称", "所属县区", "总投资", "截至上年底累计完成投资"], ["漯河食品产业园", "郾城区", "12", "0.5"]]
    content = workbook(rows, titles=(TITLE, "单位：亿元"))
    importer, plan = plan_of(users["county_a"], content, tmp_path)
    assert errors(plan) == []
    importer.commit(plan)
    project = Project.objects.get(name="漯河食品产业园")
    assert (project.total_investment, project.prior_investment) == (120000, 5000)
    assert notes(plan)["总投资"]["note"] == "amounts in 亿元, as the title rows say (单位)"


def test_without_any_unit_the_preview_says_wan_yuan_is_assumed(users, regions, tmp_path):
    _importer, plan = plan_of(
        users["county_a"], workbook([["项目名称", "所属县区", "总投资"], ["甲", "郾城区", "50"]]), tmp_path
    )
    assert plan.creates[0].cleaned_data["total_investment"] == 50
    assert notes(plan)["总投资"]["note"] == "no unit named: amounts in 万元 unless a cell names its own"


def test_a_unit_in_a_cell_overrides_the_columns_with_a_note_on_its_row(users, regions, tmp_path):
    rows = [
        ["项目名称", "所属县区", "总投资（亿元）"],
        ["甲", "郾城区", "3000万元"],
        ["乙", "郾城区", "1.2亿"],  # the column's own unit: nothing to note
        ["丙", "郾城区", "2"],
    ]
    _importer, plan = plan_of(users["county_a"], workbook(rows), tmp_path)
    amounts = {f.cleaned_data["name"]: f.cleaned_data["total_investment"] for f in plan.creates}
    assert amounts == {"甲": 3000, "乙": 12000, "丙": 20000}
    assert [(w.row, w.letter, w.level, w.message) for w in plan.warnings] == [
        (3, "C", "note", "“3000万元” names its own unit, 万元, used instead of the column's 亿元.")
    ]


def test_traditional_units_are_read(users, regions, tmp_path):
    rows = [
        ["项目名称", "所属县区", "总投资（億元）", "报送前累计完成投资"],
        ["甲", "郾城区", "5", "1.2億元"],
        ["乙", "郾城区", "3萬", ""],
    ]
    _importer, plan = plan_of(users["county_a"], workbook(rows), tmp_path)
    assert errors(plan) == []
    got = {
        f.cleaned_data["name"]: (f.cleaned_data["total_investment"], f.cleaned_data["prior_investment"])
        for f in plan.creates
    }
    assert got == {"甲": (50000, 12000), "乙": (3, 0)}


def test_a_title_unit_contradicting_a_heading_unit_is_refused_naming_both(users, regions, tmp_path):
    rows = [["项目名称", "所属县区", "总投资（亿元）"], ["甲", "郾城区", "5"]]
    importer, plan = plan_of(users["county_a"], workbook(rows, titles=(TITLE, "单位：万元")), tmp_path)
    assert errors(plan) == [
        (
            3,
            "C",
            "总投资（亿元）",
            "The title (row 2) says the amounts are in 万元, the heading “总投资（亿元）” says 亿元: make them agree.",
        )
    ]
    assert plan.creates == []
    with pytest.raises(ValidationError):
        importer.commit(plan)
    assert not Project.objects.exists()


def test_a_heading_naming_two_units_is_refused_naming_both(users, regions, tmp_path):
    rows = [["项目名称", "所属县区", "总投资（亿元/万元）"], ["甲", "郾城区", "5"]]
    _importer, plan = plan_of(users["county_a"], workbook(rows), tmp_path)
    assert errors(plan) == [
        (
            2,  # the title row, then the header
            "C",
            "总投资（亿元/万元）",
            "The heading “总投资（亿元/万元）” names two units, 亿元 and 万元: keep one.",
        )
    ]


def test_two_title_units_are_refused_naming_both(users, regions, tmp_path):
    rows = [["项目名称", "所属县区", "总投资"], ["甲", "郾城区", "5"]]
    _importer, plan = plan_of(users["county_a"], workbook(rows, titles=("单位：亿元", "（单位：万元）")), tmp_path)
    assert [e.message for e in plan.errors] == [
        "The title rows name two units, 亿元 (row 1) and 万元 (row 2): keep one."
    ]


def test_other_currencies_are_refused_naming_the_currency(users, regions, tmp_path):
    rows = [
        ["项目名称", "所属县区", "总投资"],
        ["甲", "郾城区", "5亿美元"],
        ["乙", "郾城区", "港元3000万"],
        ["丙", "郾城区", "5亿"],
    ]
    _importer, plan = plan_of(users["county_a"], workbook(rows), tmp_path)
    assert errors(plan) == [
        (3, "C", "总投资", "“5亿美元” is in 美元: amounts are imported in 人民币 only; convert it to 万元 first."),
        (4, "C", "总投资", "“港元3000万” is in 港元: amounts are imported in 人民币 only; convert it to 万元 first."),
    ]
    heading = [["项目名称", "所属县区", "总投资（亿美元）"], ["甲", "郾城区", "5"]]
    _importer, plan = plan_of(users["county_a"], workbook(heading), tmp_path)
    [refused] = [e.message for e in plan.errors]
    assert refused.startswith("The heading “总投资（亿美元）” is in 亿美元: amounts are imported in 人民币 only")


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("约5亿", "“约5亿” is approximate (“约”): an amount is kept as an exact figure; give the figure."),
        ("5亿元以上", "“5亿元以上” is approximate (“以上”): an amount is kept as an exact figure; give the figure."),
        ("近3000万", "“近3000万” is approximate (“近”): an amount is kept as an exact figure; give the figure."),
        ("10-20亿元", "“10-20亿元” is a range, not an amount: give the one figure to keep."),
    ],
)
def test_approximate_amounts_are_refused_saying_why(users, regions, tmp_path, cell, message):
    rows = [["项目名称", "所属县区", "总投资（万元）"], ["甲", "郾城区", cell]]
    importer, plan = plan_of(users["county_a"], workbook(rows), tmp_path)
    assert errors(plan) == [(3, "C", "总投资（万元）", message)]
    with pytest.raises(ValidationError):
        importer.commit(plan)
    assert not Project.objects.exists()


def test_a_reimport_that_scales_an_amount_by_10000_warns_on_its_row(users, regions, tmp_path):
    county = users["county_a"]
    make_project(name="漯河食品产业园", by=county, total="500000")  # 50 亿元, stored right
    make_project(name="冷链物流中心", by=county, total="3000")
    rows = [
        ["项目名称", "所属县区", "总投资（万元）"],
        ["漯河食品产业园", "郾城区", "50"],  # 50 亿 typed in a 万元 column
        ["冷链物流中心", "郾城区", "3500"],  # a real change
    ]
    _importer, plan = plan_of(county, workbook(rows), tmp_path)
    assert errors(plan) == [] and len(plan.updates) == 2
    assert [(w.row, w.letter, w.level, w.message) for w in plan.warnings] == [
        (
            3,
            "C",
            "warning",
            "总投资（万元） goes from 500,000.00 to 50.00 万元, about 10,000 times less: is the unit right?",
        )
    ]


def test_the_job_carries_the_warnings_and_its_page_shows_them(client_for, users, regions, run_jobs):
    make_project(name="漯河食品产业园", by=users["county_a"], total="50")
    rows = [["项目名称", "所属县区", "总投资\n(亿元)"], ["漯河食品产业园", "郾城区", "50"]]
    client = in_language(client_for("county_a"))
    with run_jobs():
        response = client.post("/projects/projects/import/", {"file": upload("台账.xlsx", workbook(rows))})
    page = client.get(response.url)
    result = page.context["job"].result
    assert (result["updates"], result["error_count"], result["warning_count"]) == (1, 0, 1)
    [warning] = result["warnings"]
    assert warning["level"] == "warning" and "10,000 times more" in warning["message"]
    html = page.content.decode()
    assert 'data-testid="import-warnings"' in html and "10,000 times more" in html
    assert "amounts in 亿元, as the heading says" in html  # the column list says how 50 was read
    with run_jobs():
        confirmed = client.post(response.url)
    done = client.get(confirmed.url).context["job"]
    assert done.result["committed"] is True and done.result["warning_count"] == 1
    assert Project.objects.get(name="漯河食品产业园").total_investment == 500000
