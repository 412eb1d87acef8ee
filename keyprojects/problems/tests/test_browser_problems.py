"""The problem ledger's loop in a real chromium, as the issue's "done when" says: an enterprise
user raises a problem on its project's page; the office assigns it, the deadline skipping the
National Day holiday and counting the 调休 Saturday; the daily job finds it overdue and escalates
it; it appears on the next weekly meeting's agenda, the meeting records a decision; the department
proposes a resolution, the enterprise confirms, the office closes it (销号); the board's figures
move; the agenda's Word file opens. Screenshots in test-artifacts/browser/<test>/."""

import io
from datetime import date

import pytest
from django.utils import timezone
from docx import Document

from keyprojects.core.access import Role
from keyprojects.core.testing.browser import ARTIFACTS, PHONE
from keyprojects.core.testing.fixtures import PASSWORD
from keyprojects.enterprises.models import Enterprise
from keyprojects.enterprises.tests.test_enterprises import code
from keyprojects.orgs.models import Department, Membership, Office, Region, User
from keyprojects.problems.choices import Level, Status
from keyprojects.problems.models import Meeting, Problem
from keyprojects.problems.tasks import supervise
from keyprojects.projects.tests.factories import make_project, photo, start_project

pytestmark = pytest.mark.browser


def person(username, role, *, name, **scope):
    user = User.objects.create_user(username, password=PASSWORD, email=f"{username}@example.org", first_name=name)
    Membership.objects.create(user=user, role=role, **scope)
    return user


class Today:
    day = None


def test_raise_assign_overdue_meeting_resolve_confirm_close(browser_session, tmp_path):
    yancheng = Region.objects.get(name="郾城区")
    land_bureau = Department.objects.get_or_create(region=Region.objects.get(name="漯河市"), name="自然资源和规划局")[0]
    county = person("county", Role.REGION_STAFF, name="李专员", region=yancheng)
    person("filer", Role.ENTERPRISE, name="王企业")
    person("coord", Role.OFFICE_STAFF, name="赵统筹", office=Office.objects.get(kind="coordination"))
    person("bureau", Role.DEPARTMENT_STAFF, name="张规划", department=land_bureau)
    owner = Enterprise.objects.create(name="漯河卫龙食品有限公司", credit_code=code(11), region=yancheng)
    owner.users.set(User.objects.filter(username="filer"))
    project = start_project(make_project(name="卫龙辣条二期", owner=owner.pk, by=county), by=county)

    # 1. The enterprise raises a problem from its project's page, with a photo.
    phone = browser_session.new_page(viewport=PHONE)
    browser_session.sign_in(phone, "filer", PASSWORD)
    phone.goto(project.get_absolute_url())
    phone.get_by_test_id("panel-tab-problems").click()
    phone.get_by_test_id("raise-problem").click()
    phone.wait_for_url("**/problems/problems/add/**")
    phone.fill("#id_title", "二期用地指标未落实")
    phone.select_option("#id_category", "land")
    phone.fill("#id_description", "二期厂房用地指标尚未落实，影响开工。")
    phone.fill("#id_raised_on", "2026-09-30")
    phone.set_input_files(
        "#id_evidence", files=[{"name": "site.jpg", "mimeType": "image/jpeg", "buffer": photo().read()}]
    )
    browser_session.shot(phone, "enterprise-raises-phone", full_page=True)
    phone.locator("form button[type=submit]").first.click()
    phone.wait_for_url("**/problems/problems/*/")
    problem = Problem.objects.get(title="二期用地指标未落实")
    assert problem.enterprise == owner and problem.status == Status.SUBMITTED
    browser_session.shot(phone, "enterprise-problem-phone", full_page=True)

    # 2. 大项目统筹办 assigns it to the land bureau: solve by 2026-10-15, seven working days that
    #    skip 10-01…10-07 and count Saturday 10-10.
    desk = browser_session.new_page()
    browser_session.sign_in(desk, "coord", PASSWORD)
    desk.goto(problem.get_absolute_url())
    desk.get_by_test_id("assign").click()
    desk.select_option("#id_problem_class", "simple")
    desk.select_option("#id_lead_department", str(land_bureau.pk))
    browser_session.shot(desk, "office-assigns")
    desk.locator("[data-testid=verb-form] button[type=submit]").click()
    desk.wait_for_url(f"**{problem.get_absolute_url()}")
    problem.refresh_from_db()
    assert (problem.assign_due, problem.progress_due, problem.resolve_due) == (
        date(2026, 10, 8),
        date(2026, 10, 10),
        date(2026, 10, 15),
    )
    assert "2026年10月15日" in desk.content()

    # 3. The daily job: overdue by working days, escalated (city leadership after 10 working days).
    Today.day = timezone.localdate()
    supervise(Today)
    problem.refresh_from_db()
    assert problem.overdue_days > 10 and problem.escalation == Level.CITY
    desk.reload()
    assert (
        desk.get_by_test_id("problem-overdue").is_visible() and desk.get_by_test_id("problem-escalation").is_visible()
    )
    browser_session.shot(desk, "overdue-escalated", full_page=True)
    desk.goto("/problems/board/")
    assert desk.get_by_test_id("total-overdue").inner_text() == "1"
    assert desk.get_by_test_id("total-closed").inner_text() == "0"

    # 4. The next weekly meeting: its agenda holds the problem; a decision is recorded.
    desk.goto("/problems/meetings/add/")
    desk.fill("#id_date", timezone.localdate().isoformat())
    desk.fill("#id_place", "市政府三楼会议室")
    desk.locator("form button[type=submit]").first.click()
    desk.wait_for_url("**/problems/meetings/*/")
    meeting = Meeting.objects.get()
    desk.locator("[data-testid=verbs] [data-testid=agenda]").click()
    desk.wait_for_load_state()
    assert "二期用地指标未落实" in desk.get_by_test_id("agenda-items").inner_text()
    desk.locator("[data-testid=verbs] [data-testid=decide]").click()
    desk.fill("#id_text", "市自然资源和规划局一周内落实二期用地指标")
    desk.select_option("#id_owner_department", str(land_bureau.pk))
    desk.fill("#id_deadline", timezone.localdate().isoformat())
    desk.select_option("#id_problems", str(problem.pk))
    desk.locator("[data-testid=verb-form] button[type=submit]").click()
    desk.wait_for_url(f"**{meeting.get_absolute_url()}")
    assert "一周内落实二期用地指标" in desk.get_by_test_id("decisions").inner_text()
    browser_session.shot(desk, "meeting-agenda-decision", full_page=True)
    with desk.expect_download() as download:
        desk.get_by_test_id("docx-agenda").click()
    saved = ARTIFACTS / "test_raise_assign_overdue_meeting_resolve_confirm_close" / "agenda.docx"
    saved.parent.mkdir(parents=True, exist_ok=True)
    download.value.save_as(saved)
    text = "\n".join(p.text for p in Document(io.BytesIO(saved.read_bytes())).paragraphs)
    assert "第1次重点项目建设周例会议程" in text and "二期用地指标未落实" in text

    # 5. The land bureau proposes the resolution; the enterprise confirms; the office closes it.
    bureau = browser_session.new_page()
    browser_session.sign_in(bureau, "bureau", PASSWORD)
    bureau.goto("/problems/queue/")
    assert "二期用地指标未落实" in bureau.get_by_test_id("queue").inner_text()
    bureau.goto(problem.get_absolute_url())
    bureau.get_by_test_id("propose").click()
    bureau.fill("#id_resolution", "用地指标已于本周下达，企业可办理供地手续。")
    bureau.locator("[data-testid=verb-form] button[type=submit]").click()
    bureau.wait_for_url(f"**{problem.get_absolute_url()}")

    phone.goto(problem.get_absolute_url())
    phone.get_by_test_id("confirm").click()
    phone.select_option("#id_satisfied", "yes")
    browser_session.shot(phone, "enterprise-confirms-phone", full_page=True)
    phone.locator("[data-testid=verb-form] button[type=submit]").click()
    phone.wait_for_url(f"**{problem.get_absolute_url()}")

    desk.goto(problem.get_absolute_url())
    desk.get_by_test_id("close").click()
    desk.wait_for_load_state()
    problem.refresh_from_db()
    assert problem.status == Status.CLOSED and problem.satisfied
    browser_session.shot(desk, "closed-timeline", full_page=True)
    desk.goto("/problems/board/")
    assert desk.get_by_test_id("total-closed").inner_text() == "1"
    assert desk.get_by_test_id("total-overdue").inner_text() == "0"
    browser_session.shot(desk, "board", full_page=True)
