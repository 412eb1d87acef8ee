"""Fix and re-upload in a real chromium: a county user uploads a ledger with two bad rows,
downloads the error workbook from the job page, fixes it (openpyxl, as Excel would) and uploads
it again; the preview lists the file's columns and what they become, and the import is written."""

import io
import re

import openpyxl
import pytest

from keyprojects.core.testing.cases import xlsx_bytes
from keyprojects.orgs.demo import DEMO_PASSWORD, seed_orgs
from keyprojects.projects.models import Project

pytestmark = pytest.mark.browser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TITLE = "郾城区重点项目台账（2024年9月）"
HEADER = ["序号", "项目名称", "所属\n县区", "总投资\n(亿元)", "建设性质", "备注"]


def upload(page, name, content):
    page.get_by_test_id("import-file").set_input_files({"name": name, "mimeType": XLSX, "buffer": content})
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/core/jobs/\d+/$"))
    page.wait_for_selector("[data-testid=job-status][data-status=done]")


def test_the_error_workbook_is_downloaded_fixed_and_uploaded_again(browser_session):
    seed_orgs()
    demo = browser_session
    page = demo.new_page()
    demo.sign_in(page, "yancheng", DEMO_PASSWORD)
    page.goto("/projects/projects/import/")
    rows = [
        HEADER,
        [1, "漯河食品产业园", "郾城区", 12.5, "新建", ""],
        [2, "冷链物流中心", "舞钢市", "约3亿", "扩建", "外市，约数"],
        [3, "智能包装项目", "郾城区", "8000万元", "新建", ""],
    ]
    upload(page, "郾城区台账.xlsx", xlsx_bytes(rows, title=TITLE))
    errors = page.locator("[data-testid=import-error-table] tbody tr")
    assert errors.count() == 2
    demo.shot(page, "ledger-errors", full_page=True)
    with page.expect_download() as caught:
        page.get_by_test_id("import-error-workbook").click()
    assert caught.value.suggested_filename == "郾城区台账-错误.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(open(caught.value.path(), "rb").read()))
    sheet = book.active
    assert sheet["G2"].value == "错误原因" and sheet["G4"].value  # the reasons of row 4
    assert sheet["C4"].fill.fgColor.rgb == "FFF8D7DA" and sheet["D4"].fill.fgColor.rgb == "FFF8D7DA"
    sheet["C4"], sheet["D4"] = "郾城区", 3  # fixed as the county would, in the sheet it got back
    fixed = io.BytesIO()
    book.save(fixed)

    page.goto("/projects/projects/import/")
    upload(page, "郾城区台账-改.xlsx", fixed.getvalue())
    assert "3" in page.get_by_test_id("import-preview").inner_text()
    columns = page.get_by_test_id("import-columns").inner_text()
    assert "总投资 (亿元)" in columns and "错误原因" in columns
    demo.shot(page, "ledger-preview", full_page=True)
    page.get_by_test_id("import-confirm").click()
    page.wait_for_selector("[data-testid=import-done]")
    amounts = dict(Project.objects.values_list("name", "total_investment"))
    assert amounts == {"漯河食品产业园": 125000, "冷链物流中心": 30000, "智能包装项目": 8000}
