"""The monthly-report loop in a real chromium, as the core issue's "done when" describes it: an
enterprise user files a monthly report on a phone; the county reviewer gets an inbox
notification and an e-mail (a real SMTP server on loopback) and returns it with a reason; the
enterprise sees the notification on the phone and resubmits; a department user signs in and
finds the node it answers for. Screenshots in test-artifacts/browser/<test>/."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from keyprojects.core.access import Role
from keyprojects.core.testing.browser import PHONE
from keyprojects.core.testing.fixtures import PASSWORD
from keyprojects.core.testing.servers import body_of
from keyprojects.enterprises.models import Enterprise
from keyprojects.enterprises.tests.test_enterprises import code
from keyprojects.orgs.models import Department, Membership, Region, User
from keyprojects.projects.choices import ReportStatus
from keyprojects.projects.models import ProgressReport

from .factories import make_project, start_project

pytestmark = pytest.mark.browser


def person(username, role, *, name, **scope):
    user = User.objects.create_user(username, password=PASSWORD, email=f"{username}@example.org", first_name=name)
    Membership.objects.create(user=user, role=role, **scope)
    return user


def test_enterprise_files_on_a_phone_county_returns_enterprise_resubmits_department_sees_its_node(
    browser_session, smtp_server
):
    yancheng = Region.objects.get(name="郾城区")
    land_bureau = Department.objects.get_or_create(region=Region.objects.get(name="漯河市"), name="自然资源和规划局")[0]
    reviewer = person("reviewer", Role.REGION_STAFF, name="李审核", region=yancheng)
    person("filer", Role.ENTERPRISE, name="王填报")
    person("bureau", Role.DEPARTMENT_STAFF, name="张规划", department=land_bureau)
    owner = Enterprise.objects.create(name="漯河卫龙食品有限公司", credit_code=code(11), region=yancheng)
    owner.users.set(User.objects.filter(username="filer"))
    project = start_project(make_project(name="卫龙辣条二期", owner=owner.pk, by=reviewer), by=reviewer)
    node = project.milestones.get(name="主体封顶")
    node.responsible_department, node.planned_date = land_bureau, timezone.localdate() + timedelta(days=5)
    node.save()
    month = date(timezone.localdate().year, 1, 1)

    # 1. The enterprise files January's report from its phone, in one step (保存并报送).
    phone = browser_session.new_page(viewport=PHONE)
    browser_session.sign_in(phone, "filer", PASSWORD)
    phone.goto(project.get_absolute_url())
    browser_session.shot(phone, "enterprise-project-phone", full_page=True)
    phone.get_by_test_id("file-report").click()
    phone.wait_for_url("**/projects/reports/add/**")
    phone.fill("#id_month", month.strftime("%Y-%m"))
    phone.fill("#id_investment", "1200")
    phone.fill("#id_physical_progress", "主体结构施工至三层")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    browser_session.shot(phone, "enterprise-report-form-phone", full_page=True)
    phone.get_by_test_id("save-and-submit").click()
    phone.wait_for_load_state()
    report = ProgressReport.objects.get(project=project, month=month)
    assert report.status == ReportStatus.SUBMITTED and report.submitted_by.username == "filer"

    # 2. The county reviewer: an e-mail, and the notification in the inbox with its badge.
    mails = [m for m in smtp_server.messages if m.recipients == ["reviewer@example.org"]]
    assert len(mails) == 1 and "卫龙辣条二期" in body_of(mails[0])
    desk = browser_session.new_page()
    browser_session.sign_in(desk, "reviewer", PASSWORD)
    assert desk.get_by_test_id("unread-badge").inner_text().strip().startswith("1")
    desk.get_by_test_id("inbox-link").click()
    desk.wait_for_url("**/core/inbox/")
    browser_session.shot(desk, "reviewer-inbox")
    desk.get_by_test_id("notification").first.click()
    desk.wait_for_url(f"**{report.get_absolute_url()}")
    desk.fill("input[name=reason]", "投资额与形象进度不符，请核实")
    browser_session.shot(desk, "reviewer-returns")
    desk.get_by_test_id("return").click()
    desk.wait_for_load_state()
    assert desk.get_by_test_id("report-status").inner_text().strip() == "已退回"

    # 3. The enterprise sees why on its phone and resubmits after correcting the figure.
    returned = [m for m in smtp_server.messages if m.recipients == ["filer@example.org"]]
    assert len(returned) == 1 and "投资额与形象进度不符" in body_of(returned[0])
    phone.goto("/core/inbox/")
    notice = phone.get_by_test_id("notification").first
    assert "投资额与形象进度不符" in notice.inner_text()
    browser_session.shot(phone, "enterprise-inbox-phone")
    notice.click()
    phone.wait_for_url(f"**{report.get_absolute_url()}")
    phone.goto(f"{report.get_absolute_url()}edit/")
    phone.fill("#id_investment", "900")
    phone.fill("#id_correction_note", "按监理核实数更正")  # a lower figure says why
    phone.get_by_test_id("save-and-submit").click()
    phone.wait_for_load_state()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.investment == 900
    assert phone.get_by_test_id("return-reason").count() == 0  # the old reason is history now
    browser_session.shot(phone, "enterprise-resubmitted-phone", full_page=True)
    assert len([m for m in smtp_server.messages if m.recipients == ["reviewer@example.org"]]) == 2

    # 4. The land bureau signs in: its node is on its workbench, and it may record it.
    bureau = browser_session.new_page()
    browser_session.sign_in(bureau, "bureau", PASSWORD)
    work = bureau.get_by_test_id("work")
    assert "即将到期的节点" in work.inner_text()
    browser_session.shot(bureau, "department-workbench")
    work.get_by_text("即将到期的节点").click()
    bureau.wait_for_url("**/projects/milestones/?due=true")
    rows = bureau.locator("table tbody tr")
    assert rows.count() == 1 and "主体封顶" in rows.first.inner_text() and "卫龙辣条二期" in rows.first.inner_text()
    browser_session.shot(bureau, "department-nodes")
