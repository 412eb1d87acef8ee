"""Every column of a ledger is accounted for: the preview lists each heading of the file with
what it becomes, or "not imported" and why; a 合计/小计 row is skipped, its sum checked."""

import pytest
import xlsxwriter
from django.utils import translation

from keyprojects.core.imports import read_rows
from keyprojects.core.testing.pages import in_language
from keyprojects.projects.importers import ProjectImporter
from keyprojects.projects.models import Project

pytestmark = pytest.mark.django_db


def workbook(path, rows, formulas=()):
    """A real .xlsx with a title row; `formulas` are (row, column, formula, cached value) as Excel
    saves them (the value it last calculated beside the formula)."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("台账")
    sheet.merge_range(0, 0, 0, len(rows[0]) - 1, "漯河市重点项目台账（2024年9月）")
    for number, row in enumerate(rows, 1):
        sheet.write_row(number, 0, row)
    for row, column, formula, value in formulas:
        sheet.write_formula(row, column, formula, None, value)
    book.close()
    return read_rows(path)


def plan(user, rows):
    with translation.override("en"):
        importer = ProjectImporter(user)
        result = importer.plan(rows)
        return importer, result, {c["heading"]: (c["letter"], c["to"], c["note"]) for c in result.summary()["columns"]}


def test_the_preview_lists_every_heading_and_what_it_becomes(users, regions, tmp_path):
    rows = workbook(
        tmp_path / "a.xlsx",
        [
            ["序号", "项目名称", "所属县区", "总投资（亿元）", "项目阶段", "备注", "期次", "联系人"],
            [1, "甲", "郾城区", 5, "在建", "已签约", "第十三期", "张三"],
        ],
    )
    _importer, result, columns = plan(users["county_a"], rows)
    assert result.errors == []
    assert columns == {
        "序号": ("A", "", "not imported: the file's own row number"),
        "项目名称": ("B", "项目名称", ""),
        "所属县区": ("C", "所属县区", ""),
        "总投资（亿元）": ("D", "总投资（万元）", "amounts in 亿元, as the heading says"),
        "项目阶段": (
            "E",
            "",
            "not imported: a stage and its date are recorded by advancing the stage on the project's page",
        ),
        "备注": ("F", "", "not imported: a project keeps no remarks; write them in a monthly report"),
        "期次": ("G", "期次", ""),
        "联系人": ("H", "", "not imported: not a column of this ledger"),
    }


def test_total_rows_are_skipped_and_their_sums_checked(users, regions, tmp_path):
    rows = workbook(
        tmp_path / "b.xlsx",
        [
            ["序号", "项目名称", "所属县区", "总投资（亿元）"],
            [1, "甲", "郾城区", 5],
            [2, "乙", "郾城区", 6.5],
            ["小计", "", "", ""],  # the formula below: right
            [3, "丙", "郾城区", 10],
            ["", "小计（1个）", "", 9],  # wrong: 丙 is 10
            ["合 计", "", "", ""],  # a SUM over everything: right
            [],
        ],
        formulas=[(4, 3, "=SUM(D3:D4)", 11.5), (7, 3, "=D5+D7", 21.5)],
    )
    importer, result, _columns = plan(users["county_a"], rows)
    assert result.errors == [] and len(result.creates) == 3
    assert [(w.row, w.letter, w.level, w.message) for w in result.warnings] == [
        (5, "D", "note", "A 小计 row: skipped, it is not a record."),
        (7, "D", "note", "A 小计 row: skipped, it is not a record."),
        (
            7,
            "D",
            "warning",
            "The 小计 row says 90,000.00 万元 for 总投资（亿元）; the 1 rows it closes add up to 100,000.00 万元.",
        ),
        (8, "D", "note", "A 合计 row: skipped, it is not a record."),
    ]
    importer.commit(result)
    assert sorted(Project.objects.values_list("name", "total_investment")) == [
        ("丙", 100000),
        ("乙", 65000),
        ("甲", 50000),
    ]


def test_a_total_is_compared_to_the_precision_it_is_written_with(users, regions, tmp_path):
    rows = workbook(
        tmp_path / "c.xlsx",
        [
            ["项目名称", "所属县区", "总投资（万元）"],
            ["甲", "郾城区", "12345.67"],
            ["乙", "郾城区", "1.234亿"],
            ["合计", "", "2.47亿"],  # 24685.67 万元, written to the 0.01 亿元
        ],
    )
    _importer, result, _columns = plan(users["county_a"], rows)
    assert [w.level for w in result.warnings] == ["note", "note"]  # 乙's own unit; the skipped 合计 row


def test_a_blank_total_investment_is_accepted_before_signing_and_shown_as_not_given(users, regions, client_for):
    from datetime import date

    from django.core.exceptions import ValidationError

    from keyprojects.projects import services
    from keyprojects.projects.choices import Stage

    from .factories import make_project

    county = users["county_a"]
    signed = make_project(name="已签约项目", by=county, total="8000")
    services.advance_stage(signed, to=Stage.SIGNED, on=date(2024, 3, 1), by=county)
    rows = [["项目名称", "所属县区", "总投资（亿元）"], ["谋划项目", "郾城区", ""], ["已签约项目", "郾城区", ""]]
    importer, result, _columns = plan(county, rows)
    with translation.override("en"):
        assert [(e.row, e.letter, e.message) for e in result.errors] == [
            (3, "C", "A signed project needs its total investment.")
        ]
    importer, result, _columns = plan(county, rows[:2])
    importer.commit(result)
    planned = Project.objects.get(name="谋划项目")
    assert planned.total_investment is None
    page = in_language(client_for("county_a")).get(planned.get_absolute_url())
    assert b'data-testid="total-missing"' in page.content
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.advance_stage(planned, to=Stage.SIGNED, on=date(2024, 3, 1), by=county)
    assert "total investment first" in str(refused.value)


def test_industry_by_name_becomes_its_gbt_4754_code_or_says_why_not(users, regions, tmp_path):
    rows = [
        ["项目名称", "所属县区", "总投资", "所属行业"],
        ["甲", "郾城区", "5", "食品制造业"],
        ["乙", "郾城区", "5", "食品制造"],
        ["丙", "郾城区", "5", "新材料"],
        ["丁", "郾城区", "5", "房地产业"],
    ]
    importer, result, columns = plan(users["county_a"], rows)
    assert result.errors == [] and columns["所属行业"][1] == "所属行业"
    with translation.override("en"):
        said = [(w.row, w.letter, w.level, w.message) for w in result.warnings]
    assert said == [
        (3, "D", "note", "“食品制造” read as 食品制造业 (C14)."),
        (4, "D", "warning", "“新材料” is not a GB/T 4754-2017 industry (nearest: —): not imported, the row is."),
    ]
    importer.commit(result)
    codes = dict(Project.objects.values_list("name", "industry_code"))
    assert codes == {"甲": "C14", "乙": "C14", "丙": "", "丁": "K70"}


def test_stage_days_advance_the_stage_through_its_rules_or_say_why_not(users, regions, settings):
    from datetime import date, timedelta

    from keyprojects.projects.choices import Stage
    from keyprojects.projects.models import ProjectEvent

    county = users["county_a"]
    soon = (date.today() + timedelta(days=60)).replace(day=1)
    rows = [
        ["项目名称", "所属县区", "总投资", "签约日期", "开工日期", "投产日期"],
        ["已签约", "郾城区", "5000", "2024-03-05", "", ""],
        ["已投产", "郾城区", "5000", "2024-03-05", "2024-05-01", "2025-06-30"],
        ["只开工", "郾城区", "5000", "2024-03-05", "2024-05-01", ""],  # a start needs its evidence
        ["将签约", "郾城区", "5000", soon.isoformat(), "", ""],
        ["顺序错", "郾城区", "5000", "2024-05-05", "2024-03-01", ""],
        ["缺开工", "郾城区", "5000", "", "", "2024-09-01"],
        ["无投资", "郾城区", "", "2024-03-05", "", ""],
    ]
    importer, result, columns = plan(county, rows)
    with translation.override("en"):
        said = sorted((e.row, e.letter, e.level, e.message) for e in result.errors + result.warnings)
    assert said == [
        (2, "D", "note", "The project becomes Signed on 2024-03-05."),
        (3, "F", "note", "The project becomes Producing on 2025-06-30."),
        (4, "D", "note", "The project becomes Signed on 2024-03-05."),
        (
            4,
            "E",
            "warning",
            "Started on 2024-05-01 is not imported: that stage is recorded with its evidence on the project's page.",
        ),
        (5, "D", "note", f"{soon} is still to come: kept as the planned day."),
        (6, "E", "error", "Started on 2024-03-01 is before Signed on 2024-05-05."),
        (7, "F", "warning", "Producing on 2024-09-01 is not imported: the file gives no day for Signed、Started."),
        (8, "D", "error", "A signed project needs its total investment."),
    ]
    rows = [row for row in rows if row[0] not in ("顺序错", "无投资")]
    importer, result, columns = plan(county, rows)
    importer.commit(result)
    got = {p.name: (p.stage, p.actual_sign_date, p.actual_start_date) for p in Project.objects.all()}
    assert got["已签约"] == (Stage.SIGNED, date(2024, 3, 5), None)
    assert got["已投产"] == (Stage.PRODUCING, date(2024, 3, 5), date(2024, 5, 1))
    assert got["只开工"][0] == Stage.SIGNED and got["将签约"][0] == got["缺开工"][0] == Stage.PLANNED
    assert Project.objects.get(name="将签约").planned_sign_date == soon
    assert ProjectEvent.objects.filter(project__name="已投产", to_stage=Stage.PRODUCING, actor=county).exists()
    # The same ledger again: the days are recorded, nothing changes, nothing is said of them.
    importer, result, columns = plan(county, rows)
    assert (len(result.updates), result.unchanged) == (0, 5) and result.errors == []
