"""The walk a new user takes, in a real chromium against the live server: sign in through the
form, see one's own scope, switch language, export a list to Excel, import a ledger with a bad
row and then the corrected one, and use it all on a phone. Screenshots of every step are in
test-artifacts/browser/ (the README's tour is taken from them)."""

import io
import re

import openpyxl
import pytest

from keyprojects.core.models import Job, JobStatus
from keyprojects.core.testing.cases import xlsx_bytes
from keyprojects.orgs.demo import DEMO_PASSWORD, seed_orgs
from keyprojects.orgs.models import Contact

pytestmark = pytest.mark.browser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOOTSTRAP_PRIMARY = "rgb(10, 88, 202)"  # a shade darker than Bootstrap's: 6:1 behind light text


@pytest.fixture
def demo(browser_session):
    """The demo organisations and accounts `make run` creates (the README lists them)."""
    seed_orgs()
    return browser_session


def listed_names(page):
    return set(page.locator("table tbody tr td:first-child").all_inner_texts())


def download_rows(page, click):
    with page.expect_download() as info:
        click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read())).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def open_contacts(page):
    """Through the sidebar, as a user would."""
    page.locator("#sidebar").get_by_role("link", name=re.compile("Contacts|联系人")).click()
    page.wait_for_url("**/orgs/contacts/")


def test_county_user_and_city_admin_see_their_own_scope_and_export_it(demo):
    county = demo.new_page()
    demo.sign_in(county, "yancheng", DEMO_PASSWORD)
    assert "郾城区" in county.get_by_test_id("scope").inner_text()
    # The stylesheet really arrived: Bootstrap's primary navbar, not an unstyled page.
    navbar = county.evaluate("getComputedStyle(document.querySelector('nav.navbar')).backgroundColor")
    assert navbar == BOOTSTRAP_PRIMARY
    demo.shot(county, "county-home")

    open_contacts(county)
    assert listed_names(county) == {"赵磊"}
    assert county.locator("form.filters").is_visible()  # beside the table on a desktop
    assert county.get_by_test_id("row-count").inner_text() == "1"
    demo.shot(county, "county-contacts")
    rows = download_rows(county, county.get_by_test_id("export-xlsx").click)
    assert rows[0][0] == "姓名" and [row[0] for row in rows[1:]] == ["赵磊"]
    assert rows[1][4] == "郾城区"

    admin = demo.new_page()
    demo.sign_in(admin, "cityadmin", DEMO_PASSWORD)
    open_contacts(admin)
    everyone = {"张建国", "李明", "王芳", "赵磊", "孙丽"}
    assert listed_names(admin) == everyone
    demo.shot(admin, "city-admin-contacts")
    rows = download_rows(admin, admin.get_by_test_id("export-xlsx").click)
    assert {row[0] for row in rows[1:]} == everyone and len(rows) == 6

    # The county user's session is still theirs: a direct link to a 舞阳县 contact is a 404.
    other = Contact.objects.get(name="孙丽")
    assert county.goto(f"/orgs/contacts/{other.pk}/").status == 404


def test_language_switch_from_the_navbar(demo):
    page = demo.new_page()
    page.goto("/login/")
    # zh-hans is the default: Django's own catalogue labels the login form in Chinese.
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("label[for=id_username]").inner_text() == "用户名"
    assert page.get_by_test_id("language-en").inner_text().strip() == "English"  # named in itself
    demo.shot(page, "login-zh")

    page.get_by_test_id("language-en").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("label[for=id_username]").inner_text() == "Username"
    demo.shot(page, "login-en")

    demo.sign_in(page, "yancheng", DEMO_PASSWORD)
    open_contacts(page)
    assert page.locator("html").get_attribute("lang") == "en"  # the choice survives signing in
    assert page.get_by_test_id("export-xlsx").inner_text().strip() == "Export Excel"
    demo.shot(page, "contacts-en")

    page.get_by_test_id("language-zh-hans").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.url.endswith("/orgs/contacts/")  # back on the same page
    assert page.get_by_test_id("export-xlsx").inner_text().strip() != "Export Excel"  # our own catalogue
    demo.shot(page, "contacts-zh")


def upload(page, name, content):
    page.get_by_test_id("import-file").set_input_files({"name": name, "mimeType": XLSX, "buffer": content})
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/core/jobs/\d+/$"))
    status = page.get_by_test_id("job-status")
    # The job runs in the request here (immediate backend); the page also polls if it has not.
    page.wait_for_selector("[data-testid=job-status][data-status=done]")
    return status


def test_import_with_a_bad_row_writes_nothing_then_the_fixed_file_imports(demo):
    page = demo.new_page()
    demo.sign_in(page, "yancheng", DEMO_PASSWORD)
    open_contacts(page)
    page.get_by_role("link", name=re.compile("Import|导入")).click()
    page.wait_for_url("**/orgs/contacts/import/")
    demo.shot(page, "import-form")

    title = "郾城区重点项目联系人台账"  # a merged title row above the header, as cities send them
    header = ["姓 名", "职务", "联系电话", "所属区域"]
    good = [["周一", "专员", "１３９０００００００３", " 郾城区 "], ["吴二", "科长", "13900000004", "郾城区"]]
    bad = ["郑三", "主任", "电话不详", "郾城区"]
    before = Contact.objects.count()
    upload(page, "郾城区联系人.xlsx", xlsx_bytes([header, good[0], bad, good[1]], title=title))
    errors = page.locator("[data-testid=import-error-table] tbody tr")
    assert errors.count() == 1
    row, letter, column, reason = errors.first.locator("td").all_inner_texts()
    assert (row, letter, column) == ("4", "C", "联系电话") and reason  # title row, header, then row 4
    assert page.get_by_test_id("import-errors").is_visible()
    assert page.get_by_test_id("import-confirm").count() == 0  # a bad file cannot be confirmed
    assert Contact.objects.count() == before
    demo.shot(page, "import-errors")

    page.get_by_role("link", name=re.compile("corrected|更正|修正")).click()
    page.wait_for_url("**/orgs/contacts/import/")
    fixed = ["郑三", "主任", "13900000005", "郾城区"]
    upload(page, "郾城区联系人-改.xlsx", xlsx_bytes([header, good[0], fixed, good[1]], title=title))
    assert "3" in page.get_by_test_id("import-preview").inner_text()
    assert Contact.objects.count() == before  # a preview writes nothing
    demo.shot(page, "import-preview")

    page.get_by_test_id("import-confirm").click()
    page.wait_for_selector("[data-testid=import-done]")
    assert "3" in page.get_by_test_id("import-done").inner_text()
    demo.shot(page, "import-done")
    jobs = Job.objects.filter(kind="core.import").order_by("pk")
    assert [job.status for job in jobs] == [JobStatus.DONE] * 3
    assert jobs.last().result["committed"] is True
    imported = Contact.objects.filter(name__in=["周一", "吴二", "郑三"])
    assert {(c.name, c.phone, c.region.name) for c in imported} == {
        ("周一", "13900000003", "郾城区"),
        ("吴二", "13900000004", "郾城区"),
        ("郑三", "13900000005", "郾城区"),
    }

    page.get_by_role("link", name=re.compile("Back to the list|返回")).click()
    assert listed_names(page) == {"赵磊", "周一", "吴二", "郑三"}
    demo.shot(page, "contacts-after-import")


def test_phone_width_home_and_list_fit_the_screen(demo):
    from keyprojects.core.testing.browser import PHONE

    page = demo.new_page(viewport=PHONE)
    demo.sign_in(page, "yancheng", DEMO_PASSWORD)
    width = "document.documentElement.scrollWidth"
    assert page.evaluate(width) <= PHONE["width"]
    assert not page.locator("#sidebar").is_visible()  # the menu folds away behind a button
    demo.shot(page, "phone-home")

    page.get_by_role("button", name=re.compile("Menu|菜单")).click()
    page.locator("#sidebar.show").wait_for()
    demo.shot(page, "phone-menu")
    open_contacts(page)
    assert listed_names(page) == {"赵磊"}
    assert page.evaluate(width) <= PHONE["width"]
    # The rows come first; the filters wait behind a button.
    assert not page.locator("form.filters").is_visible()
    demo.shot(page, "phone-contacts")
    page.get_by_test_id("list-tools-toggle").click()
    page.locator("#list-tools.show").wait_for()  # `show` once the collapse has finished opening
    demo.shot(page, "phone-contacts-filters")
