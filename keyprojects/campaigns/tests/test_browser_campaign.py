"""The campaign walk of issue 4 in a real chromium against the live server: a city administrator
signs in, creates phase 14 through the page, accepts the proposed candidates, lists one project
by hand in the starting batch although it is only signed, sees the readiness check fail on it,
fixes it by advancing the project to STARTED with a site photo, locks the list (clean, no
override), marks the phase held, and downloads the phase list (xlsx) and the briefing (docx),
which are opened and read back; the briefing is also rendered through LibreOffice to PNG pages
to look at. Screenshots of every step are in test-artifacts/browser/<test>/.

The data is small and built here (phases 1-13, one or two projects each, stage dates coherent
with the phase dates) rather than the 1000-project demo, so the walk stays well under a minute.
"""

import io
import re
import shutil
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone, translation
from docx import Document

from keyprojects.campaigns.choices import Batch, PhaseEventType, PhaseStatus
from keyprojects.campaigns.models import BatchEntry, Phase
from keyprojects.core.testing.browser import PHONE
from keyprojects.orgs.demo import DEMO_PASSWORD, seed_orgs
from keyprojects.projects.choices import Stage
from keyprojects.projects.models import Project, YearPlan

from .factories import listed, make_phase, project_at

pytestmark = pytest.mark.browser

# Earlier phases: one project signed (and listed) before each; names as a city writes them.
EARLIER = [
    ("临颍", "临颍县", "休闲食品产业园"),
    ("源汇", "源汇区", "智能装备制造基地"),
    ("郾城", "郾城区", "中原食品实验室中试基地"),
    ("召陵", "召陵区", "新材料产业园"),
    ("舞阳", "舞阳县", "盐化工循环经济项目"),
    ("临颍", "临颍县", "包装材料项目"),
    ("源汇", "源汇区", "现代物流园"),
    ("郾城", "郾城区", "生物医药产业园"),
    ("召陵", "召陵区", "汽车零部件项目"),
    ("舞阳", "舞阳县", "装配式建筑产业园"),
    ("临颍", "临颍县", "辣条智能工厂"),
]
PRODUCE = "舞阳食品机械产业园"  # started in phase 12, producing since: the production candidate
START = "郾城冷链物流中心"  # signed in phase 13, started since: the starting candidate
SIGN = "召陵智能包装项目"  # signed since phase 13: the signing candidate
LATE = "源汇休闲食品项目"  # signed in phase 13, not started: listed by hand, fails, then fixed
EARLY = "临颍调味品项目"  # signed in phase 12, nothing since: no candidate


def site_photo():
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (160, 120), (120, 160, 200))
    ImageDraw.Draw(image).rectangle([20, 60, 140, 110], fill=(150, 110, 70))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def build_campaign(today):
    """Phases 1-13 held, 90 days apart up to 100 days ago, with coherent stage dates."""
    last = today - timedelta(days=100)
    days = {n: last - timedelta(days=90 * (13 - n)) for n in range(1, 14)}
    phases = {n: make_phase(n, days[n], title="", venue="漯河市会展中心") for n in range(1, 14)}
    for n, (short, region, name) in enumerate(EARLIER[1:], 2):
        project = project_at(f"{short}{name}", region=region, signed=days[n] - timedelta(days=20), total="30000")
        listed(phases[n], project, Batch.SIGN)
    # One project rolled through three phases to capacity: three entries, one unique project.
    short, region, name = EARLIER[0]
    rolled = project_at(
        f"{short}{name}",
        region=region,
        total="60000",
        signed=days[1] - timedelta(days=20),
        started=days[2] - timedelta(days=10),
        producing=days[4] - timedelta(days=10),
        capacity=days[6],
    )
    for n, batch in ((1, Batch.SIGN), (2, Batch.START), (4, Batch.PRODUCE)):
        listed(phases[n], rolled, batch)

    d12, d13 = days[12], days[13]
    produce = project_at(
        PRODUCE,
        region="舞阳县",
        total="125000",
        construction_content="年产食品机械2000台（套）",
        signed=d12 - timedelta(days=60),
        started=d12 - timedelta(days=20),
        producing=today - timedelta(days=30),
    )
    listed(phases[12], produce, Batch.SIGN)
    listed(phases[12], produce, Batch.START)
    early = project_at(EARLY, region="临颍县", total="18000", signed=d12 - timedelta(days=10))
    listed(phases[12], early, Batch.SIGN)
    start = project_at(
        START,
        total="30000",
        construction_content="冷库5万平方米",
        signed=d13 - timedelta(days=30),
        started=today - timedelta(days=40),
    )
    listed(phases[13], start, Batch.SIGN)
    late = project_at(LATE, region="源汇区", total="42000", signed=d13 - timedelta(days=15))
    listed(phases[13], late, Batch.SIGN)
    project_at(
        SIGN,
        region="召陵区",
        total="8000",
        construction_content="新建智能包装生产线6条",
        signed=today - timedelta(days=50),
    )
    for project, planned in ((produce, 20000), (start, 12000), (late, 15000)):
        YearPlan.objects.create(project=project, year=today.year, planned_investment=planned)
    Phase.objects.update(status=PhaseStatus.HELD)
    return days


@pytest.fixture
def campaign(browser_session):
    seed_orgs()
    return browser_session


def labels(choice):
    """A choice's label in both languages the page may speak."""
    with translation.override("zh-hans"):
        chinese = str(choice.label)
    return {chinese, str(choice.label)}


def failures(page):
    return page.get_by_test_id("failures").locator("tr").all_inner_texts()


def download(page, testid):
    with page.expect_download() as info:
        page.get_by_test_id(testid).click()
    return info.value


def docx_pages_png(content, directory, stem):
    """docx → PDF (LibreOffice, its own profile) → one PNG per page (pdftoppm); the PNG paths."""
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if not (soffice and pdftoppm):
        return []
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / f"{stem}.docx"
        source.write_bytes(content)
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{work}/profile", "--headless", "--convert-to", "pdf", source],
            cwd=work,
            check=True,
            timeout=120,
            capture_output=True,
        )
        pdf = directory / f"{stem}.pdf"
        shutil.copyfile(Path(work) / f"{stem}.pdf", pdf)
    subprocess.run([pdftoppm, "-r", "60", "-png", pdf, directory / stem], check=True, timeout=60)
    return sorted(directory.glob(f"{stem}-*.png"))


def test_city_admin_runs_phase_14_from_creation_to_the_briefing(campaign):
    today = timezone.localdate()
    build_campaign(today)
    page = campaign.new_page()
    campaign.sign_in(page, "cityadmin", DEMO_PASSWORD)

    # 1. Phase 14 through the page: a date before phase 13's is refused, then today's is taken.
    page.goto("/campaigns/phases/")
    campaign.shot(page, "phases")
    page.goto("/campaigns/phases/add/")
    page.fill("#id_number", "14")
    page.fill("#id_title", "第十四期“三个一批”项目建设活动")
    page.fill("#id_venue", "漯河市会展中心")
    page.fill("#id_date", (today - timedelta(days=200)).isoformat())
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert not Phase.objects.filter(number=14).exists()
    assert page.locator(".invalid-feedback, .text-danger").first.is_visible()
    campaign.shot(page, "phase-date-before-13-refused")
    page.fill("#id_date", today.strftime("%Y.%m.%d"))  # as people type it
    page.locator("main form button[type=submit]").click()
    phase = Phase.objects.get(number=14)
    page.wait_for_url(f"**/campaigns/phases/{phase.pk}/")
    assert phase.date == today and phase.status == PhaseStatus.PLANNING
    assert page.get_by_test_id("phase-status").inner_text().strip() in labels(PhaseStatus.PLANNING)
    campaign.shot(page, "phase-14-created")

    # 2. The proposed candidates: one per batch, each for the right reason; accept them all.
    page.get_by_test_id("candidates").click()
    page.wait_for_url(f"**/campaigns/phases/{phase.pk}/candidates/")
    offered = set(page.locator("input[name=pick]").evaluate_all("boxes => boxes.map(b => b.value)"))
    ids = {name: Project.objects.get(name=name).pk for name in (SIGN, START, PRODUCE, LATE)}
    assert offered == {f"sign:{ids[SIGN]}", f"start:{ids[START]}", f"produce:{ids[PRODUCE]}"}
    assert EARLY not in page.locator("main").inner_text()
    campaign.shot(page, "candidates", full_page=True)
    page.get_by_test_id("accept").click()
    page.wait_for_url(f"**/campaigns/phases/{phase.pk}/")
    entries = {(e.batch, e.project.name) for e in phase.entries.select_related("project")}
    assert entries == {(Batch.SIGN, SIGN), (Batch.START, START), (Batch.PRODUCE, PRODUCE)}
    campaign.shot(page, "candidates-accepted", full_page=True)

    # 3. A project only signed listed by hand in the starting batch: the readiness check fails it.
    page.locator(f"a[href$='/campaigns/entries/add/?phase={phase.pk}']").click()
    page.wait_for_url("**/campaigns/entries/add/**")
    assert page.locator("#id_phase").input_value() == str(phase.pk)
    page.select_option("#id_project", str(ids[LATE]))
    page.select_option("#id_batch", Batch.START.value)
    campaign.shot(page, "list-a-project")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert phase.entries.filter(project_id=ids[LATE], batch=Batch.START).exists()
    page.goto(f"/campaigns/phases/{phase.pk}/")
    page.get_by_test_id("readiness").click()
    page.wait_for_url(f"**/campaigns/phases/{phase.pk}/readiness/")
    assert page.get_by_test_id("failure-count").inner_text() == "1"
    (failure,) = failures(page)
    assert LATE in failure and re.search("签约|Signed", failure)
    campaign.shot(page, "readiness-fails")

    # Locking now is refused (no override given), and nothing changes.
    page.goto(f"/campaigns/phases/{phase.pk}/lock/")
    page.get_by_test_id("confirm-lock").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("form-errors").is_visible()
    assert Phase.objects.get(pk=phase.pk).status == PhaseStatus.PLANNING
    campaign.shot(page, "lock-refused")

    # 4. The fix: the project did start two days ago; advance it with a dated site photo.
    page.get_by_test_id("failures").get_by_role("link", name=LATE).click()
    page.wait_for_url(f"**/projects/projects/{ids[LATE]}/")
    page.get_by_test_id("advance").click()
    page.wait_for_url(f"**/projects/projects/{ids[LATE]}/advance/")
    page.select_option("#id_to", Stage.STARTED.value)
    page.fill("#id_on", (today - timedelta(days=2)).isoformat())
    page.set_input_files("#id_evidence", {"name": "开工照片.jpg", "mimeType": "image/jpeg", "buffer": site_photo()})
    campaign.shot(page, "advance-to-started")
    page.locator("form button.btn-success").click()
    page.wait_for_url(f"**/projects/projects/{ids[LATE]}/")
    assert Project.objects.get(pk=ids[LATE]).stage == Stage.STARTED

    page.goto(f"/campaigns/phases/{phase.pk}/readiness/")
    assert page.get_by_test_id("failure-count").inner_text() == "0"
    assert page.get_by_test_id("failures").locator("tr").count() == 0
    campaign.shot(page, "readiness-clean")

    # 5. Lock (clean: no override field, no reason), then mark held.
    page.goto(f"/campaigns/phases/{phase.pk}/")
    page.get_by_test_id("lock").click()
    page.wait_for_url(f"**/campaigns/phases/{phase.pk}/lock/")
    assert page.locator("#id_override_reason").count() == 0
    campaign.shot(page, "lock-form")
    page.get_by_test_id("confirm-lock").click()
    page.wait_for_url(f"**/campaigns/phases/{phase.pk}/")
    phase.refresh_from_db()
    assert phase.status == PhaseStatus.LOCKED and phase.override_reason == ""
    assert page.get_by_test_id("override-reason").count() == 0
    assert phase.events.filter(type=PhaseEventType.LOCKED).exists()
    campaign.shot(page, "locked")
    page.get_by_test_id("held").click()
    page.wait_for_load_state()
    phase.refresh_from_db()
    assert phase.status == PhaseStatus.HELD
    assert page.get_by_test_id("phase-status").inner_text().strip() in labels(PhaseStatus.HELD)
    campaign.shot(page, "held", full_page=True)

    phone = campaign.new_page(viewport=PHONE)  # the same page on a leader's phone
    campaign.sign_in(phone, "cityadmin", DEMO_PASSWORD)
    phone.goto(f"/campaigns/phases/{phase.pk}/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    campaign.shot(phone, "held-phone", full_page=True)

    # 6. The phase list in the province's layout.
    xlsx = download(page, "list-xlsx")
    assert xlsx.suggested_filename == "第十四期“三个一批”项目清单.xlsx"
    xlsx.save_as(campaign.directory / "phase-14-list.xlsx")
    sheet = openpyxl.load_workbook(campaign.directory / "phase-14-list.xlsx").active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "第十四期“三个一批”项目清单"
    sections = [row[0] for row in rows if row[0] and re.match("[一二三]、", str(row[0]))]
    assert sections == ["一、“签约一批”项目（1个）", "二、“开工一批”项目（2个）", "三、“投产一批”项目（1个）"]
    names = {row[1] for row in rows}
    assert {SIGN, START, LATE, PRODUCE} <= names and EARLY not in names
    assert rows[-1][0] == "合计（4个）"
    (produce_row,) = [row for row in rows if row[1] == PRODUCE]
    assert produce_row[3] == "舞阳县" and produce_row[4] == 12.5 and produce_row[5] == 2.0

    # 7. The briefing: title, the cumulative sentence, the tables and the chart.
    docx = download(page, "briefing")
    assert docx.suggested_filename.endswith("-第14期.docx")
    content = Path(docx.path()).read_bytes()
    (campaign.directory / "briefing.docx").write_bytes(content)
    document = Document(io.BytesIO(content))
    text = [p.text for p in document.paragraphs]
    assert text[0] == "第十四期“三个一批”项目建设活动简报"
    total = BatchEntry.objects.filter(archived_at__isnull=True).count()
    assert total == 13 + 3 + 2 + 4  # phases 1-11 (one project rolled through three), 12, 13 and 14
    sentence = next(t for t in text if t.startswith("截至"))
    assert "已高质量开展十四期" in sentence and f"滚动实施“三个一批”项目{total}个" in sentence
    assert "“签约一批”项目16个、“开工一批”项目4个、“投产一批”项目2个，已建成达效项目1个" in sentence
    assert "第十四期共安排“三个一批”项目4个" in "".join(text)
    assert len(document.tables) == 4  # one per batch, and the indicators
    assert [c.text for c in document.tables[1].rows[-1].cells][:2] == ["合计", "2"]
    assert len(document.inline_shapes) == 1
    pages = docx_pages_png(content, campaign.directory, "briefing")
    if shutil.which("soffice"):
        assert pages, "LibreOffice produced no page"
