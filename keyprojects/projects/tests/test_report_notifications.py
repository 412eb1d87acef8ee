"""The monthly-report loop tells people (projects/notifications.py): reviewers when a report is
submitted, the submitter and the owner enterprise's users when it is returned or accepted, in
the inbox and by e-mail through a real SMTP server on loopback."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from keyprojects.core.access import Role
from keyprojects.core.notification_models import EmailChoice, Notification, NotificationPreference
from keyprojects.core.testing.fixtures import PASSWORD
from keyprojects.core.testing.pages import in_language
from keyprojects.core.testing.servers import body_of
from keyprojects.enterprises.models import Enterprise
from keyprojects.enterprises.tests.test_enterprises import code
from keyprojects.orgs.models import Membership, User
from keyprojects.projects import notifications, services
from keyprojects.projects.models import ProgressReport

from .factories import make_project, start_project

pytestmark = pytest.mark.django_db


def person(username, *, role, region=None, email=True, **names):
    user = User.objects.create_user(
        username, password=PASSWORD, email=f"{username}@example.org" if email else "", **names
    )
    Membership.objects.create(user=user, role=role, region=region)
    return user


@pytest.fixture
def loop(users, regions):
    """A started project of 郾城区 owned by an enterprise with two users (one of whom files the
    reports); its county's reviewer 李审核, the city's region staff, and another county's."""
    county = users["county_a"]
    project = start_project(make_project(by=county), by=county)
    owner = Enterprise.objects.create(
        name="漯河双汇实业集团有限责任公司", credit_code=code(1), region=regions["郾城区"]
    )
    filer = person("filer", role=Role.ENTERPRISE, first_name="王", last_name="填报")
    colleague = person("colleague", role=Role.ENTERPRISE, first_name="赵", last_name="同事")
    owner.users.set([filer, colleague])
    project.owner = owner
    project.save()
    return {
        "project": project,
        "filer": filer,
        "colleague": colleague,
        "reviewer": person(
            "reviewer", role=Role.REGION_STAFF, region=regions["郾城区"], first_name="李", last_name="审核"
        ),
        "city": person("city_staff", role=Role.REGION_STAFF, region=regions["漯河市"], email=False),
        "other_county": person("wuyang", role=Role.REGION_STAFF, region=regions["舞阳县"]),
        "county": county,
    }


def file_report(loop, month=date(2024, 3, 1)):
    report = ProgressReport(
        project=loop["project"], month=month, investment=Decimal("1200"), physical_progress="主体结构施工"
    )
    services.save_report(report, by=loop["filer"])
    return services.submit_report(report, by=loop["filer"])


def test_reviewers_are_the_region_staff_whose_scope_holds_the_project(loop):
    reviewers = set(notifications.report_reviewers(loop["project"]).values_list("username", flat=True))
    assert reviewers == {"county_a", "reviewer", "city_staff"}  # 郾城区 and the city above it; not 舞阳县


def test_a_submitted_report_tells_its_reviewers_in_the_inbox_and_by_mail(
    loop, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = file_report(loop)
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"county_a", "reviewer", "city_staff"}
    notification = Notification.objects.get(recipient=loop["reviewer"])
    assert notification.url == report.get_absolute_url()
    assert notification.target == report
    assert notification.text == "王 填报 报送了“双汇第三工业园”2024-03 月度进度，请审核。"

    # mail only to those with an address: the reviewer (the fixture's county user has none)
    assert [m.recipients for m in smtp_server.messages] == [["reviewer@example.org"]]
    mail = smtp_server.messages[0]
    assert mail["Subject"].strip() == "【重点项目】王 填报 报送了“双汇第三工业园”2024-03 月度进度，请审核。"
    body = body_of(mail)
    assert "李 审核，您好：" in body and f"/core/inbox/{notification.pk}/" in body and "消息设置" in body


def test_a_returned_report_tells_the_submitter_and_the_enterprise_with_the_reason(
    loop, smtp_server, django_capture_on_commit_callbacks
):
    report = file_report(loop)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.review_report(report, by=loop["reviewer"], accept=False, reason="缺少现场照片")
    told = {n.recipient.username: n for n in Notification.objects.select_related("recipient")}
    assert set(told) == {"filer", "colleague"}
    assert told["filer"].text == "“双汇第三工业园”2024-03 月度进度被 李 审核 退回：缺少现场照片"
    assert sorted(m.recipients[0] for m in smtp_server.messages) == ["colleague@example.org", "filer@example.org"]
    assert "缺少现场照片" in smtp_server.messages[0]["Subject"]


def test_an_accepted_report_tells_the_submitter_and_the_enterprise(loop, django_capture_on_commit_callbacks):
    report = file_report(loop)
    Notification.objects.all().delete()
    NotificationPreference.objects.create(user=loop["colleague"], kind="projects.report_accepted", email="off")
    services.review_report(report, by=loop["reviewer"], accept=True)
    rows = {n.recipient.username: n for n in Notification.objects.select_related("recipient")}
    assert set(rows) == {"filer", "colleague"}
    assert rows["filer"].text == "“双汇第三工业园”2024-03 月度进度已由 李 审核 审核通过。"
    assert rows["colleague"].email == EmailChoice.OFF and rows["filer"].email == EmailChoice.IMMEDIATE


def test_a_review_that_fails_tells_nobody(loop):
    report = file_report(loop)
    Notification.objects.all().delete()
    with pytest.raises(ValidationError), transaction.atomic():
        services.review_report(report, by=loop["filer"], accept=True)  # one's own report: refused
    assert not Notification.objects.exists()


def test_the_inbox_speaks_the_readers_language(loop, client_for):
    file_report(loop)
    client = client_for("county_a")
    chinese = client.get("/core/inbox/").content.decode()
    assert "王 填报 报送了“双汇第三工业园”2024-03 月度进度，请审核。" in chinese and "月度进度待审核" in chinese
    english = in_language(client).get("/core/inbox/").content.decode()
    assert "王 填报 submitted the 2024-03 monthly report of “双汇第三工业园”: please review it." in english
    assert "Monthly report submitted for review" in english
