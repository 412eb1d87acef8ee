"""Text that looks like a formula is stored as text, flagged in the preview and neutralised in
exports; a real formula cell gives its value as Excel last calculated it, with a note."""

import openpyxl
import pytest
import xlsxwriter
from django.utils import translation

from keyprojects.core.imports import read_rows
from keyprojects.core.testing.cases import read_xlsx
from keyprojects.projects.importers import ProjectImporter
from keyprojects.projects.models import Project

pytestmark = pytest.mark.django_db

HEADER = ["项目名称", "所属县区", "总投资（万元）", "建设内容", "责任人"]
LINK = '=HYPERLINK("http://example.org","详情")'


def plan(user, path):
    with translation.override("en"):
        importer = ProjectImporter(user)
        return importer, importer.plan(read_rows(path))


def test_formula_looking_text_is_kept_as_text_flagged_and_neutralised_in_exports(users, tmp_path, client_for):
    path = tmp_path / "a.xlsx"
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})  # text cells, as a page pasted them
    sheet = book.add_worksheet()
    for number, row in enumerate(
        [HEADER, ["甲", "郾城区", "100", LINK, "+86 139 0000 0001"], ["乙", "郾城区", "100", "@SUM(A1)", "-"]]
    ):
        sheet.write_row(number, 0, row)
    book.close()
    importer, result = plan(users["county_a"], path)
    assert result.errors == []
    assert [(w.row, w.letter, w.level) for w in result.warnings] == [(2, "D", "note"), (3, "D", "note")]
    assert result.warnings[0].message.startswith(f"“{LINK}” looks like a spreadsheet formula: it is kept as text")
    importer.commit(result)
    assert Project.objects.get(name="甲").construction_content == LINK
    assert Project.objects.get(name="甲").responsible_person == "+86 139 0000 0001"
    exported = read_xlsx(client_for("county_a").get("/projects/projects/?export=xlsx"))
    column = exported[0].index("建设规模及内容")
    assert {row[column] for row in exported[1:]} == {"'@SUM(A1)", "'" + LINK}


def test_a_real_formula_cell_gives_its_last_calculated_value_with_a_note(users, tmp_path):
    path = tmp_path / "b.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    sheet.write_row(1, 0, ["甲", "郾城区"])
    sheet.write_formula(1, 2, "=12.5*10000", None, 125000)
    book.close()
    _importer, result = plan(users["county_a"], path)
    assert result.creates[0].cleaned_data["total_investment"] == 125000
    assert [(w.row, w.letter, w.level, w.message) for w in result.warnings] == [
        (2, "C", "note", "The cell holds a formula (=12.5*10000): its value as last calculated, “125000”, is imported.")
    ]


def test_a_formula_never_calculated_is_read_as_blank_and_said_so(users, tmp_path):
    book = openpyxl.Workbook()  # openpyxl writes formulas without their values
    book.active.append(["项目名称", "所属县区", "总投资（万元）"])
    book.active.append(["甲", "郾城区", "=100*2"])
    path = tmp_path / "c.xlsx"
    book.save(path)
    _importer, result = plan(users["county_a"], path)
    [warning] = result.warnings
    assert (warning.row, warning.letter, warning.level) == (2, "C", "warning")
    assert warning.message.startswith("The cell holds a formula (=100*2) that was never calculated")
    assert result.creates[0].cleaned_data["total_investment"] is None  # blank: a project not yet signed
