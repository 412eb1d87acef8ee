"""The project walk of issue 3 in a real chromium against the live server: a county user imports
a ledger with real-world text and one bad row, fixes it, imports again, advances a project to
STARTED with a site photo, files and submits a monthly report and sees the light change; a
leader on a phone sees red first; the signboard's QR code opens the public page. Screenshots of
every step are in test-artifacts/browser/<test>/."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from keyprojects.core.testing.browser import PHONE
from keyprojects.core.testing.cases import xlsx_bytes
from keyprojects.orgs.demo import DEMO_PASSWORD, seed_orgs
from keyprojects.orgs.models import User
from keyprojects.projects import services
from keyprojects.projects.models import Project

from .test_signboard import decode_qr, pdf_to_png

pytestmark = pytest.mark.browser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TITLE = "2024年郾城区重点项目建设台账"  # the merged title row above the header
HEADER = ["序号", " 项目名称 ", "所属县区", "总投资（万元）", "建设性质", "计划开工时间", "建设规模及内容"]
PARK = "漯河食品产业园"


def ledger(bad):
    """Rows as a county sends them: full-width digits, 亿元 amounts, 2024.3, stray spaces."""
    total = "约三个亿" if bad else "３亿"  # "about three 100m" is no amount; "３亿" with a full-width 3 is
    return [
        HEADER,
        ["１", f" {PARK} ", "郾城区", "12.5亿元", "新建", "2024.3", "年产１０万吨休闲食品，新建厂房６万平方米"],
        ["２", "冷链物流中心", " 郾城区", total, "扩建", "2024年5月", "冷库５万平方米"],
        ["３", "智能包装项目", "郾城区 ", " 8,000 ", "新建", "2030/6/15", ""],
    ]


def upload(page, name, content):
    page.get_by_test_id("import-file").set_input_files({"name": name, "mimeType": XLSX, "buffer": content})
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/core/jobs/\d+/$"))
    page.wait_for_selector("[data-testid=job-status][data-status=done]")


def site_photo():
    """A real small JPEG, as a phone takes it."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (160, 120), (120, 160, 200))
    ImageDraw.Draw(image).rectangle([20, 60, 140, 110], fill=(150, 110, 70))  # a site, roughly
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def light(page):
    return page.get_by_test_id("project-light").inner_text().strip()


def reasons(page):
    box = page.get_by_test_id("light-reasons")
    return box.inner_text() if box.count() else ""


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.fixture
def demo(browser_session, settings):
    seed_orgs()
    # The investment light compares the year's investment with the schedule (months elapsed /
    # 12), which is 0 % in January: thresholds relative to today's schedule make the same case
    # (nothing invested → red; the year's plan invested → green) in whatever month CI runs.
    schedule = float(services.schedule_progress(timezone.localdate()) * 100)
    settings.KEYPROJECTS_LIGHTS = {
        **settings.KEYPROJECTS_LIGHTS,
        "investment_yellow_points": schedule - 60,
        "investment_red_points": schedule - 40,
    }
    return browser_session


def test_county_walk_import_start_report_light_leader_phone_and_signboard_qr(demo):
    page = demo.new_page()
    demo.sign_in(page, "yancheng", DEMO_PASSWORD)

    # 1. Import the ledger: one bad row, reported with its row and column; nothing written.
    page.goto("/projects/projects/")
    page.get_by_role("link", name=re.compile("Import|导入")).click()
    page.wait_for_url("**/projects/projects/import/")
    demo.shot(page, "import-form")
    upload(page, "郾城区重点项目台账.xlsx", xlsx_bytes(ledger(bad=True), title=TITLE))
    errors = page.locator("[data-testid=import-error-table] tbody tr")
    assert errors.count() == 1
    row, letter, column, reason = errors.first.locator("td").all_inner_texts()
    assert (row, letter, column.strip()) == ("4", "D", "总投资（万元）") and reason.strip()  # title, header, row 4
    assert page.get_by_test_id("import-confirm").count() == 0
    assert not Project.objects.exists()
    demo.shot(page, "import-errors")

    # 2. The corrected file: a preview that writes nothing, then the import.
    page.get_by_role("link", name=re.compile("corrected|更正|修正")).click()
    page.wait_for_url("**/projects/projects/import/")
    upload(page, "郾城区重点项目台账-改.xlsx", xlsx_bytes(ledger(bad=False), title=TITLE))
    assert "3" in page.get_by_test_id("import-preview").inner_text()
    assert not Project.objects.exists()
    demo.shot(page, "import-preview")
    page.get_by_test_id("import-confirm").click()
    page.wait_for_selector("[data-testid=import-done]")
    demo.shot(page, "import-done")
    park = Project.objects.get(name=PARK)
    assert park.total_investment == 125000 and park.planned_start_date.isoformat() == "2024-03-01"
    assert Project.objects.get(name="冷链物流中心").total_investment == 30000
    assert Project.objects.get(name="智能包装项目").total_investment == 8000

    # 3. The project: planned to start in March 2024 and not started, so red, and it says why.
    page.goto("/projects/projects/")
    page.get_by_role("link", name=PARK).first.click()
    page.wait_for_url(f"**/projects/projects/{park.pk}/")
    assert light(page) in {"红灯", "Red"}
    assert re.search("未开工|not started", reasons(page))
    demo.shot(page, "project-red-not-started")

    # 4. Advance to STARTED (skipping 签约 needs its date) with a dated site photo.
    today = timezone.localdate()
    page.get_by_test_id("advance").click()
    page.wait_for_url(f"**/projects/projects/{park.pk}/advance/")
    page.select_option("#id_to", "started")
    page.fill("#id_on", today.isoformat())
    page.fill("#id_signed_on", (today - timedelta(days=10)).isoformat())
    page.set_input_files("#id_evidence", {"name": "工地照片.jpg", "mimeType": "image/jpeg", "buffer": site_photo()})
    demo.shot(page, "advance-form", full_page=True)
    page.locator("form button.btn-success").click()
    page.wait_for_url(f"**/projects/projects/{park.pk}/")
    assert page.get_by_test_id("project-stage").inner_text().strip() in {"开工", "Started"}
    event = park.events.get(to_stage="started")
    assert event.evidence.read().startswith(b"\xff\xd8\xff")  # the JPEG arrived whole
    demo.shot(page, "project-started")

    # 5. This year's plan: 1,000 万元. Nothing invested yet, so the investment light is red.
    page.goto(f"/projects/year-plans/add/?project={park.pk}")
    page.fill("#id_year", str(today.year))
    page.fill("#id_planned_investment", "1000万元")
    page.locator("main form button[type=submit]").first.click()
    page.goto(f"/projects/projects/{park.pk}/")
    assert light(page) in {"红灯", "Red"}
    before = reasons(page)
    assert re.search("投资|Investment", before)
    demo.shot(page, "project-red-investment-behind")

    # 6. The monthly report with the year's investment, then submitted: the light turns green.
    page.locator(f"a[href$='/projects/reports/add/?project={park.pk}']").click()
    page.wait_for_url("**/projects/reports/add/**")
    page.fill("#id_month", today.strftime("%Y.%m"))  # as people type it
    page.fill("#id_investment", "1,000")
    page.fill("#id_physical_progress", "主体厂房基础完工，钢结构进场")
    page.set_input_files("#id_photo", {"name": "月报照片.jpg", "mimeType": "image/jpeg", "buffer": site_photo()})
    demo.shot(page, "report-form", full_page=True)
    page.locator("main form button[type=submit]").first.click()
    page.get_by_test_id("submit").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("report-status").inner_text().strip() in {"已报送", "已提交", "Submitted"}
    demo.shot(page, "report-submitted")
    page.goto(f"/projects/projects/{park.pk}/")
    assert light(page) in {"绿灯", "Green"}
    assert reasons(page) == ""
    demo.shot(page, "project-green-after-report")

    # 7. A leader on a phone: their projects, red first.
    leader = User.objects.get(username="leader")
    Project.objects.update(leader=leader)
    services.refresh_lights(Project.objects.all())
    phone = demo.new_page(viewport=PHONE)
    demo.sign_in(phone, "leader", DEMO_PASSWORD)
    phone.goto("/projects/mine/")
    cards = phone.get_by_test_id("my-projects").locator("[data-light]")
    lights = [cards.nth(i).get_attribute("data-light") for i in range(cards.count())]
    assert lights[0] == "red" and "green" in lights
    assert lights == sorted(lights, key=["red", "yellow", "green"].index)
    assert fits(phone)
    demo.shot(phone, "leader-phone-mine", full_page=True)
    cards.first.click()
    phone.wait_for_load_state()
    assert fits(phone)
    demo.shot(phone, "leader-phone-project", full_page=True)

    # 8. Publish the signboard; the QR code (read as a phone's camera reads it) opens the page.
    page.goto(f"/projects/projects/{park.pk}/")
    page.get_by_test_id("publish").click()
    page.wait_for_url(f"**/projects/projects/{park.pk}/")
    demo.shot(page, "signboard-published")
    qr = page.request.get(page.get_by_test_id("signboard-qr").get_attribute("href"))
    assert qr.ok and qr.headers["content-type"] == "image/png"
    (address,) = decode_qr(qr.body())
    assert address == f"{demo.url}/s/{Project.objects.get(pk=park.pk).signboard_token}/"
    board = page.request.get(page.get_by_test_id("signboard-pdf").get_attribute("href"))
    assert board.body().startswith(b"%PDF")
    demo.shots += 1  # the printed board beside the screenshots, to look at
    (demo.directory / f"{demo.shots:02d}-signboard-a3.pdf").write_bytes(board.body())
    (demo.directory / f"{demo.shots:02d}-signboard-a3.png").write_bytes(pdf_to_png(board.body(), dpi=60))
    assert decode_qr(pdf_to_png(board.body())) == [address]

    visitor = demo.new_page(viewport=PHONE)  # anyone passing the site, not signed in
    visitor.goto(address)
    assert visitor.get_by_test_id("signboard-name").inner_text() == PARK
    assert "12345" in visitor.get_by_test_id("signboard-hotline").inner_text()
    assert fits(visitor)
    demo.shot(visitor, "public-signboard-phone", full_page=True)
