"""The import engine on spreadsheets as cities really send them, and the export's promises:
formulas neutralised, a BOM on CSV, exactly the filtered rows, large exports as owned jobs."""

import csv
import io

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import translation

from keyprojects.core.exports import neutralise
from keyprojects.core.imports import normalise, read_rows
from keyprojects.core.models import Job
from keyprojects.core.testing.cases import read_xlsx, upload, xlsx_bytes
from keyprojects.core.testing.pages import in_language
from keyprojects.orgs.importers import ContactImporter
from keyprojects.orgs.models import Contact

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "职务", "联系电话", "所属区域"]


def plan(user, rows):
    return ContactImporter(user).plan(rows)


def errors(result):
    return [(e.row, e.column, e.message) for e in result.errors]


# --- reading -----------------------------------------------------------------------------


def test_header_is_found_under_merged_title_rows(users, tmp_path):
    path = tmp_path / "ledger.xlsx"
    content = xlsx_bytes([HEADER, ["周一", "专员", "13900000003", "郾城区"]], title="2024年郾城区重点项目联系人台账")
    path.write_bytes(content)
    rows = read_rows(path)
    assert rows[0][0].startswith("2024年")  # the merged title is really there
    result = plan(users["county_a"], rows)
    assert errors(result) == [] and len(result.creates) == 1
    assert result.creates[0].cleaned_data["name"] == "周一"


def test_header_after_several_title_rows_and_a_blank_row(users):
    rows = [["漯河市"], ["联系人台账", "", ""], [], ["填报单位：郾城区", None], HEADER, ["周一", "", "13900000003", ""]]
    assert errors(plan(users["county_a"], rows)) == []


def test_full_width_and_stray_spaces_are_normalised():
    assert normalise("１３９０００００００３") == "13900000003"
    assert normalise("ＡＢＣ１２３") == "ABC123"
    assert normalise("年产１０万吨，（一期）：厂房") == "年产10万吨，（一期）：厂房"  # Chinese punctuation stays
    assert normalise("２４０１－４１１１００") == "2401-411100"
    assert normalise("\u3000郾城区\u3000") == "郾城区"
    assert normalise("郾城\u00a0\u00a0 区 ") == "郾城 区"
    assert normalise(" 张\t三\n") == "张 三"
    assert normalise(13900000003.0) == "13900000003"  # Excel's number cells


def test_full_width_cells_import_as_half_width(users):
    rows = [HEADER, ["\u3000周一\u3000", "专员", "１３９０００００００３", "\u3000郾城区 "]]
    result = plan(users["county_a"], rows)
    assert errors(result) == []
    data = result.creates[0].cleaned_data
    assert (data["name"], data["phone"], data["region"].name) == ("周一", "13900000003", "郾城区")


def test_trailing_blank_rows_are_ignored(users):
    rows = [HEADER, ["周一", "", "13900000003", "郾城区"], ["", "", "", ""], [None, None], ["\u3000", " "], []]
    result = plan(users["county_a"], rows)
    assert errors(result) == [] and len(result.creates) == 1


def _csv_bytes(encoding, with_bom=False):
    text = "\r\n".join(",".join(r) for r in [HEADER, ["周一", "专员", "13900000003", "郾城区"]]) + "\r\n"
    return (b"\xef\xbb\xbf" if with_bom else b"") + text.encode(encoding)


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", True), ("utf-8", False), ("gb18030", False)])
def test_csv_in_utf8_with_bom_and_in_gb18030_is_read(users, tmp_path, encoding, bom):
    path = tmp_path / "ledger.csv"
    path.write_bytes(_csv_bytes(encoding, bom))
    rows = read_rows(path)
    assert rows[0] == HEADER  # no BOM glued to the first heading
    result = plan(users["county_a"], rows)
    assert errors(result) == [] and result.creates[0].cleaned_data["region"].name == "郾城区"


def test_gb18030_csv_imports_through_the_page(client_for, run_jobs):
    client = client_for("county_a")
    with run_jobs():
        response = client.post("/orgs/contacts/import/", {"file": upload("台账.csv", _csv_bytes("gb18030"))})
    job = client.get(response.url).context["job"]
    assert job.status == "done", job.message
    assert (job.result["creates"], job.result["error_count"]) == (1, 0)


def test_real_xls_is_read(users, tmp_path):
    """A genuine BIFF8 workbook (xlwt writes the Excel 97-2003 format), merged title included."""
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("台账")
    sheet.write_merge(0, 0, 0, 3, "联系人台账")
    for column, heading in enumerate(HEADER):
        sheet.write(1, column, heading)
    for column, value in enumerate(["周一", "专员", 13900000003, "郾城区"]):  # the phone as a number cell
        sheet.write(2, column, value)
    xls = tmp_path / "ledger.xls"
    workbook.save(str(xls))
    assert xls.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE2 compound file
    result = plan(users["county_a"], read_rows(xls))
    assert errors(result) == [] and result.creates[0].cleaned_data["phone"] == "13900000003"


def test_new_and_existing_rows_of_one_file_each_get_their_own_form(users, regions):
    """Rows are validated by copies of a form built once for new rows and once for existing ones:
    what a form's __init__ does for an existing row must not reach a new one, nor one row's
    values another's."""

    class PostKeptForm(ContactImporter.form):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if self.instance.pk:
                self.fields["post"].disabled = True  # an existing contact keeps its post

    class PostKeptImporter(ContactImporter):
        form = PostKeptForm

    kept = Contact.objects.create(name="周一", post="科长", phone="13900000001", region=regions["郾城区"])
    Contact.objects.create(name="吴二", post="专员", phone="13900000002", region=regions["郾城区"])
    rows = [
        HEADER,
        ["郑三", "处长", "13900000003", "郾城区"],
        ["周一", "处长", "13900000001", "源汇区"],
        ["吴二", "专员", "13900000002", "郾城区"],
        ["王四", "干事", "13900000004", "郾城区"],
    ]
    importer = PostKeptImporter(users["city_admin"])
    result = importer.plan(rows)
    assert errors(result) == [] and result.unchanged == 1
    assert [f.cleaned_data["post"] for f in result.creates] == ["处长", "干事"]
    [update] = result.updates
    assert update.instance == kept and update.changed_data == ["region"]
    importer.commit(result)
    kept.refresh_from_db()
    assert (kept.post, kept.region) == ("科长", regions["源汇区"])
    assert Contact.objects.get(name="郑三").post == "处长"


# --- refusing bad input ----------------------------------------------------------------


def test_oversized_upload_is_refused_with_a_message_naming_the_limit(client_for, settings):
    settings.IMPORT_MAX_BYTES = 2000
    content = _csv_bytes("utf-8") + b"x" * 3000
    with translation.override("en"):
        limit = str(filesizeformat(2000))
    response = in_language(client_for("county_a")).post("/orgs/contacts/import/", {"file": upload("big.csv", content)})
    assert response.status_code == 400
    assert limit in response.context["error"], response.context["error"]
    assert not Job.objects.exists()


def test_two_rows_for_the_same_record_are_reported(users):
    rows = [
        HEADER,
        ["周一", "", "13900000003", "郾城区"],
        ["吴二", "", "13900000004", ""],
        ["周一", "", "13900000003", ""],
    ]
    with translation.override("en"):
        result = plan(users["county_a"], rows)
    same = "Same record as row 2: the same 姓名 (column A) “周一”、联系电话 (column C) “13900000003”."
    assert errors(result) == [(4, "姓名", same)]


def test_unknown_region_is_reported_with_row_and_column(users):
    rows = [["联系人台账"], HEADER, ["周一", "", "13900000003", "郾城区"], ["吴二", "", "13900000004", "火星区"]]
    with translation.override("en"):
        result = plan(users["county_a"], rows)
    known = "漯河市、源汇区、郾城区、召陵区、舞阳县、临颍县、漯河经济技术开发区、城乡一体化示范区（西城区）、东城区"
    assert errors(result) == [(4, "所属区域", f"“火星区” is not a region of this platform, which has {known}.")]


def test_row_outside_the_users_scope_writes_nothing(users):
    # Regions are reference data every user reads, so the name resolves; the commit then finds the
    # row outside county A's scope and writes nothing.
    importer = ContactImporter(users["county_a"])
    result = importer.plan([HEADER, ["周一", "", "13900000003", "郾城区"], ["吴二", "", "13900000004", "舞阳县"]])
    with pytest.raises(ValidationError):
        importer.commit(result)
    assert not Contact.objects.exists()


def test_every_bad_row_is_reported_not_just_the_first(users):
    rows = [HEADER, ["甲", "", "电话?", ""], ["乙", "", "13900000004", ""], ["丙", "", "也不是", "火星区"]]
    result = plan(users["county_a"], rows)
    assert sorted((e.row, e.column) for e in result.errors) == sorted(
        [(2, "联系电话"), (4, "联系电话"), (4, "所属区域")]
    )


def _import_errors(client, run_jobs, **headers):
    rows = [HEADER, ["周一", "", "13900000003", "火星区"]]
    with run_jobs():
        response = client.post("/orgs/contacts/import/", {"file": upload("a.xlsx", xlsx_bytes(rows))}, **headers)
        translation.activate("zh-hans")  # the job must not depend on what the test thread has active
    job = client.get(response.url).context["job"]
    return job


def test_import_job_runs_in_the_language_of_the_request(client_for, run_jobs):
    client = in_language(client_for("county_a"))
    job = _import_errors(client, run_jobs)
    assert job.params["language"] == "en"
    assert job.result["errors"][0]["message"].startswith("“火星区” is not a region of this platform, which has 漯河市")
    translation.activate("en")
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    job = _import_errors(client, run_jobs)  # no language chosen: the site default, zh-hans
    assert job.params["language"] == "zh-hans"
    with translation.override("zh-hans"):
        expected = translation.gettext("“%(value)s” is not a region of this platform, which has %(names)s.")
    assert job.result["errors"][0]["message"].startswith(expected.split("%(names)s")[0] % {"value": "火星区"})


def test_a_file_with_one_bad_row_writes_nothing_even_when_committed(users):
    importer = ContactImporter(users["county_a"])
    result = importer.plan([HEADER, ["周一", "", "13900000003", ""], ["吴二", "", "不是电话", ""]])
    with pytest.raises(ValidationError):
        importer.commit(result)
    assert not Contact.objects.exists()


# --- export ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+86 139", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_starts_are_neutralised(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["郾城区", "1+1", "a=b", 12, None])
def test_plain_values_are_left_alone(value):
    assert neutralise(value) == value


def _csv(response):
    return b"".join(response.streaming_content).decode("utf-8")


def test_csv_export_has_a_bom_and_neutralised_formulas(client_for, regions):
    for post in ["=cmd|' /C calc'!A0", "+1", "-1", "@x"]:
        Contact.objects.create(name="公式", post=post, region=regions["郾城区"])
    response = client_for("county_a").get("/orgs/contacts/?export=csv")
    assert response["Content-Type"].startswith("text/csv")
    text = _csv(response)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][:2] == ["姓名", "职务"]
    assert sorted(r[1] for r in rows[1:]) == sorted(["'=cmd|' /C calc'!A0", "'+1", "'-1", "'@x"])


def test_export_of_a_filtered_list_is_exactly_the_filtered_rows(client_for, regions):
    Contact.objects.create(name="周一", post="科长", region=regions["郾城区"])
    Contact.objects.create(name="吴二", post="专员", region=regions["郾城区"])
    Contact.objects.create(name="郑三", post="科长", region=regions["源汇区"])
    Contact.objects.create(name="王四", post="科长", region=regions["舞阳县"])  # outside county A
    client = client_for("county_a")
    shown = {r.name for r in client.get("/orgs/contacts/?q=科长").context["table"].data}
    rows = read_xlsx(client.get("/orgs/contacts/?q=科长&export=xlsx"))
    assert {r[0] for r in rows[1:]} == shown == {"周一"}
    rows = read_xlsx(client_for("city_admin").get(f"/orgs/contacts/?q=科长&region={regions['源汇区'].pk}&export=xlsx"))
    assert [r[0] for r in rows[1:]] == ["郑三"]


def test_large_export_becomes_a_job_whose_file_only_its_owner_downloads(client_for, regions, settings, run_jobs):
    settings.EXPORT_INLINE_MAX_ROWS = 2
    for i in range(3):
        Contact.objects.create(name=f"导出{i}", phone=f"1390000010{i}", region=regions["郾城区"])
    Contact.objects.create(name="不在范围", region=regions["舞阳县"])
    owner = client_for("county_a")
    with run_jobs():
        response = owner.get("/orgs/contacts/?export=xlsx")
    assert response.status_code == 302
    job = Job.objects.get(kind="core.export")
    assert response.url == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == "done" and job.result["rows"] == 3, job.message
    download = owner.get(f"/core/jobs/{job.pk}/file/")
    assert download.status_code == 200
    assert sorted(r[0] for r in read_xlsx(download)[1:]) == ["导出0", "导出1", "导出2"]
    for other in ("county_b", "city_admin"):
        assert client_for(other).get(f"/core/jobs/{job.pk}/file/").status_code == 404
        assert client_for(other).get(f"/core/jobs/{job.pk}/").status_code == 404
