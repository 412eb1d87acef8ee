"""Imports are bounded by what the sheet spans, not only by its bytes; every line ending and
encoding cities' files come in is read; invisible characters never make a value."""

import io
import subprocess
import sys

import openpyxl
import pytest
from django.conf import settings

from keyprojects.core.imports import UploadError, read_rows
from keyprojects.core.testing.cases import etag, upload, xlsx_bytes
from keyprojects.core.testing.pages import in_language
from keyprojects.orgs.importers import ContactImporter
from keyprojects.orgs.models import Contact

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "职务", "联系电话", "所属区域"]
ROW = ["周一", "专员", "13900000003", "郾城区"]


def far_cell_xlsx(row=50_000, column=200):
    """A 5 KB workbook: a ledger's header and one cell far away."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(ROW)
    sheet.cell(row=row, column=column, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_in_a_process_of_its_own(path):
    """The refusal (in English) and how much reading `path` grew a fresh process, in KB: its
    peak memory is its own."""
    script = f"""
import resource, django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyprojects.settings")
django.setup()
from django.utils import translation
from keyprojects.core.imports import UploadError, read_rows
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
translation.activate("en")
try:
    read_rows({str(path)!r})
except UploadError as error:
    print(error.messages[0])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    message, grown_kb = result.stdout.strip().splitlines()
    return message, int(grown_kb)


def test_a_tiny_xlsx_with_a_far_cell_is_refused_without_building_its_grid(tmp_path):
    """One cell at row 50,000, column 200 made the reader build a 10-million-cell grid (164 → 510 MB)."""
    path = tmp_path / "far.xlsx"
    path.write_bytes(far_cell_xlsx())
    assert path.stat().st_size < 8000
    message, grown_kb = read_in_a_process_of_its_own(path)
    assert message == (
        "The sheet reaches column 200; at most 100 columns are read. Delete the cells to the right of the ledger."
    )
    assert grown_kb < 30_000, f"reading grew the process by {grown_kb // 1024} MB"


def far_cell_xls(path, row=65_535, column=255):
    """A 6 KB .xls: a ledger's header and one cell at the format's last address."""
    import xlwt

    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("台账")
    for position, value in enumerate(HEADER):
        sheet.write(0, position, value)
    sheet.write(row, column, "x")
    workbook.save(str(path))


def test_a_tiny_xls_with_a_cell_at_its_last_address_is_refused_without_building_its_grid(tmp_path):
    """calamine built the whole 65,536 × 256 grid of such a file (about 1 GB); its cell records
    are read first now (core/xls.py)."""
    path = tmp_path / "far.xls"
    far_cell_xls(path)
    assert path.stat().st_size < 8000
    message, grown_kb = read_in_a_process_of_its_own(path)
    assert message == (
        "The sheet reaches column 256; at most 100 columns are read. Delete the cells to the right of the ledger."
    )
    assert grown_kb < 30_000, f"reading grew the process by {grown_kb // 1024} MB"


def test_an_ordinary_xls_ledger_is_read_whole(tmp_path):
    import xlwt

    path = tmp_path / "ledger.xls"
    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("台账")
    for number in range(1500):  # a workbook stream past the mini stream's 4,096 bytes
        for position, value in enumerate(
            HEADER if number == 0 else [f"周{number}", "专员", f"139{number:08d}", "郾城区"]
        ):
            sheet.write(number, position, value)
    workbook.save(str(path))
    rows = list(read_rows(path))
    assert len(rows) == 1500 and rows[0][:4] == HEADER and rows[1499][0] == "周1499"


def test_a_broken_xls_is_refused_with_a_message(tmp_path):
    path = tmp_path / "broken.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 600)
    with pytest.raises(UploadError):
        read_rows(path)


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_rows_past_the_limit_fail_the_import_naming_the_limit(client_for, run_jobs, settings, kind):
    settings.IMPORT_MAX_ROWS = 5
    rows = [HEADER] + [[f"联系人{i}", "", f"1390000{i:04d}", "郾城区"] for i in range(9)]
    content = xlsx_bytes(rows) if kind == "xlsx" else "\n".join(",".join(r) for r in rows).encode()
    client = in_language(client_for("county_a"))
    with run_jobs():
        response = client.post("/orgs/contacts/import/", {"file": upload(f"big.{kind}", content)})
    job = client.get(response.url).context["job"]
    assert job.status == "failed"
    assert "at most 5 rows are imported at once" in job.message
    assert not Contact.objects.exists()


def test_a_csv_row_wider_than_the_limit_and_a_grid_larger_than_the_cells_limit_are_refused(tmp_path, settings):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(HEADER) + "\n" + "," * 150 + "\n", encoding="utf-8")
    with pytest.raises(UploadError, match="151"):
        read_rows(path)
    settings.IMPORT_MAX_CELLS = 10
    path.write_text("\n".join(",".join(r) for r in [HEADER, ROW, ROW]), encoding="utf-8")
    with pytest.raises(UploadError) as refused:
        read_rows(path)
    assert "12" in refused.value.messages[0] and "10" in refused.value.messages[0]


@pytest.mark.parametrize("ending", ["\r\n", "\n", "\r"])
@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", True), ("utf-8", False), ("gb18030", False)])
def test_csv_with_any_line_ending_and_encoding_imports(users, tmp_path, ending, encoding, bom):
    path = tmp_path / "ledger.csv"
    text = ending.join(",".join(r) for r in [HEADER, ROW, ["吴二", "", "13900000004", "源汇区"]]) + ending
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))
    rows = read_rows(path)
    assert rows[:3] == [HEADER, ROW, ["吴二", "", "13900000004", "源汇区"]]
    result = ContactImporter(users["city_admin"]).plan(rows)
    assert result.errors == [] and [f.cleaned_data["name"] for f in result.creates] == ["周一", "吴二"]


def test_a_cr_only_csv_imports_through_the_page(client_for, run_jobs):
    content = "\r".join(",".join(r) for r in [HEADER, ROW]).encode("utf-8")
    client = client_for("county_a")
    with run_jobs():
        response = client.post("/orgs/contacts/import/", {"file": upload("mac.csv", content)})
    job = client.get(response.url).context["job"]
    assert (job.result["creates"], job.result["error_count"]) == (1, 0), job.message
    with run_jobs():
        client.post(response.url)
    assert Contact.objects.get().phone == "13900000003"


# --- invisible characters ----------------------------------------------------------------

ZERO_WIDTH = "\u200b\u200c\u200d\ufeff\u2060\u00ad\u200e\u202e\x07\x1b"


def test_a_name_of_invisible_characters_only_is_empty_on_the_form_the_api_and_in_a_file(
    client_for, api_for, users, regions, settings
):
    form = {"name": ZERO_WIDTH, "region": regions["郾城区"].pk}
    page = in_language(client_for("county_a")).post("/orgs/contacts/add/", form)
    assert page.status_code == 400 and page.context["form"].has_error("name", code="blank")
    api = api_for("county_a").post("/api/orgs/contacts/", form, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 400 and "name" in api.json()
    result = ContactImporter(users["county_a"]).plan([HEADER, [ZERO_WIDTH, "", "13900000003", "郾城区"]])
    assert [(e.row, e.column) for e in result.errors] == [(2, "姓名")]
    assert not Contact.objects.exists()


def test_invisible_characters_inside_text_are_removed_everywhere(client_for, api_for, users, regions):
    page = client_for("county_a").post(
        "/orgs/contacts/add/", {"name": "周\u200b一", "post": "科\u202e长\x07", "region": regions["郾城区"].pk}
    )
    assert page.status_code == 302
    assert Contact.objects.filter(name="周一", post="科长").exists()
    created = api_for("county_a").post(
        "/api/orgs/contacts/", {"name": "\ufeff吴二\u200d", "region": regions["郾城区"].pk}, format="json"
    )
    assert created.status_code == 201 and created.json()["name"] == "吴二"
    contact = Contact.objects.get(name="吴二")
    changed = api_for("county_a").patch(
        f"/api/orgs/contacts/{contact.pk}/", {"post": "\u2060处长"}, format="json", HTTP_IF_MATCH=etag(contact)
    )
    assert changed.status_code == 200 and Contact.objects.get(pk=contact.pk).post == "处长"
    result = ContactImporter(users["county_a"]).plan([HEADER, ["郑\u200b三", "", "13900000005", "郾城区"]])
    assert result.errors == [] and result.creates[0].cleaned_data["name"] == "郑三"


def test_limits_are_settings():
    assert settings.IMPORT_MAX_ROWS >= 60_000  # a province's 50,000 projects in one ledger
    assert settings.IMPORT_MAX_ROWS * 40 <= settings.IMPORT_MAX_CELLS  # …with the ledger's columns
