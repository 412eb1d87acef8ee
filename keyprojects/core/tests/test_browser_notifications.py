"""Notifications in a real chromium against the live server, with the mail going to a real SMTP
server on loopback: a reviewer sees the unread badge, opens the notification (it is marked
read and leads to the report) and returns the report with a reason; the enterprise user, on a
phone, sees it in the inbox and chooses the daily digest in 消息设置. Screenshots are in
test-artifacts/browser/<test>/."""

from datetime import date
from decimal import Decimal

import pytest

from keyprojects.core.access import Role
from keyprojects.core.notification_models import Notification, NotificationPreference
from keyprojects.core.testing.browser import PHONE
from keyprojects.core.testing.fixtures import PASSWORD
from keyprojects.core.testing.servers import body_of
from keyprojects.enterprises.models import Enterprise
from keyprojects.enterprises.tests.test_enterprises import code
from keyprojects.orgs.models import Membership, Region, User
from keyprojects.projects import services
from keyprojects.projects.models import ProgressReport
from keyprojects.projects.tests.factories import make_project, start_project

pytestmark = pytest.mark.browser


def person(username, role, *, region=None, first_name="", last_name=""):
    user = User.objects.create_user(
        username, password=PASSWORD, email=f"{username}@example.org", first_name=first_name, last_name=last_name
    )
    Membership.objects.create(user=user, role=role, region=region)
    return user


def test_reviewer_opens_the_notification_returns_the_report_and_the_enterprise_sees_it_on_a_phone(
    browser_session, smtp_server
):
    yancheng = Region.objects.get(name="郾城区")
    reviewer = person("reviewer", Role.REGION_STAFF, region=yancheng, first_name="李", last_name="审核")
    filer = person("filer", Role.ENTERPRISE, first_name="王", last_name="填报")
    project = start_project(make_project(by=reviewer), by=reviewer)
    owner = Enterprise.objects.create(name="漯河双汇实业集团有限责任公司", credit_code=code(7), region=yancheng)
    owner.users.set([filer])
    project.owner = owner
    project.save()
    report = ProgressReport(
        project=project, month=date(2024, 3, 1), investment=Decimal("800"), physical_progress="主体施工"
    )
    services.save_report(report, by=filer)
    services.submit_report(report, by=filer)  # committed: the reviewer's mail goes at once
    assert [m.recipients for m in smtp_server.messages] == [["reviewer@example.org"]]
    assert "请审核" in smtp_server.messages[0]["Subject"]

    page = browser_session.new_page()
    browser_session.sign_in(page, "reviewer", PASSWORD)
    assert page.get_by_test_id("unread-badge").inner_text().strip().startswith("1")
    browser_session.shot(page, "reviewer-home-badge")
    page.get_by_test_id("inbox-link").click()
    page.wait_for_url("**/core/inbox/")
    item = page.get_by_test_id("notification").first
    assert "王 填报 报送了“双汇第三工业园”2024-03 月度进度，请审核。" in item.inner_text()
    assert item.get_attribute("data-unread") == "1"
    browser_session.shot(page, "reviewer-inbox")
    item.click()
    page.wait_for_url(f"**{report.get_absolute_url()}")
    assert page.get_by_test_id("unread-badge").count() == 0  # read on opening
    page.fill("input[name=reason]", "缺少现场照片")
    page.get_by_role("button", name="退回").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("report-status").inner_text().strip() == "已退回"
    browser_session.shot(page, "report-returned")

    # the enterprise user: a mail and an inbox entry with the reason
    returned = [m for m in smtp_server.messages if m.recipients == ["filer@example.org"]]
    assert len(returned) == 1 and "缺少现场照片" in body_of(returned[0])
    phone = browser_session.new_page(viewport=PHONE)
    browser_session.sign_in(phone, "filer", PASSWORD)
    assert phone.get_by_test_id("unread-badge").is_visible()
    phone.goto("/core/inbox/")
    text = phone.get_by_test_id("notification").first.inner_text()
    assert "退回：缺少现场照片" in text
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    browser_session.shot(phone, "enterprise-inbox-phone")

    # 消息设置 from the user menu: the returned-report notice in the daily digest
    phone.get_by_test_id("user-menu").click()
    phone.locator(".dropdown-menu").get_by_role("link", name="消息设置").click()
    phone.wait_for_url("**/core/inbox/settings/")
    phone.locator("input[name='projects.report_returned'][value=daily]").check()
    browser_session.shot(phone, "enterprise-settings-phone", full_page=True)
    phone.get_by_role("button", name="保存").click()
    phone.wait_for_url("**/core/inbox/settings/")
    assert "消息设置已保存" in phone.locator(".alert").first.inner_text()
    assert NotificationPreference.objects.get(user=filer, kind="projects.report_returned").email == "daily"
    assert Notification.objects.filter(recipient=filer, read_at__isnull=True).count() == 1


def test_city_admin_adds_a_webhook_and_reads_its_delivery_log(browser_session, webhook_receiver, users):
    from keyprojects.core.notification_models import WebhookDelivery, WebhookEndpoint
    from keyprojects.core.webhooks import retry_webhooks

    page = browser_session.new_page()
    browser_session.sign_in(page, "city_admin", PASSWORD)
    page.goto("/core/webhooks/")
    page.locator("a[href='/core/webhooks/add/']").click()
    page.fill("#id_name", "政务短信网关")
    page.fill("#id_url", webhook_receiver.url)
    page.fill("#id_secret", webhook_receiver.secret)
    page.get_by_label("月度进度被退回").check()
    browser_session.shot(page, "webhook-form", full_page=True)
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/core/webhooks/*/")
    assert webhook_receiver.secret not in page.content()
    browser_session.shot(page, "webhook-detail")
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.kinds == ["projects.report_returned"]

    # a returned report: the gateway answers 500 first, the retry gets 200
    webhook_receiver.answers = [500]
    county = users["county_a"]
    filer = users["enterprise"]
    project = start_project(make_project(by=county), by=county)
    report = ProgressReport(
        project=project, month=date(2024, 3, 1), investment=Decimal("10"), physical_progress="基础施工"
    )
    services.save_report(report, by=county)
    services.submit_report(report, by=filer)
    services.review_report(report, by=county, accept=False, reason="数据有误")
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_status == 500 and delivery.next_attempt_at
    page.goto("/core/webhooks/deliveries/")
    assert "待发送" in page.locator("table").inner_text()
    browser_session.shot(page, "delivery-log-failed")
    retry_webhooks(delivery.next_attempt_at)
    page.reload()
    assert "已送达" in page.locator("table").inner_text()
    browser_session.shot(page, "delivery-log-delivered")
    assert [r.status for r in webhook_receiver.requests] == [500, 200] and all(
        r.verified for r in webhook_receiver.requests
    )
