"""The real delivery path: notify() in a committed write queues the mail and the webhook in the
database queue, and nothing is sent until the worker a deployment runs (`db_worker`, another
process) picks them up; it sends through the real SMTP server and to the real receiver."""

import pytest

from keyprojects.core.notification_models import Notification, WebhookDelivery, WebhookEndpoint
from keyprojects.core.notifications import notify
from keyprojects.core.testing.servers import body_of
from keyprojects.core.tests.test_worker import run, worker_env
from keyprojects.orgs.models import Membership, Region, User

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_mail_and_webhook_go_from_the_db_worker_never_from_the_write(settings, smtp_server, webhook_receiver):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.KEYPROJECTS_SITE_URL = "https://keyprojects.example.org"  # the web process and the worker alike
    from django_tasks_db.models import DBTaskResult

    reviewer = User.objects.create_user("worker_reviewer", password="unused-password-123", email="r@example.org")
    Membership.objects.create(user=reviewer, role="region_staff", region=Region.objects.get(name="郾城区"))
    WebhookEndpoint.objects.create(name="短信网关", url=webhook_receiver.url, secret=webhook_receiver.secret)

    notify(
        [reviewer],
        "projects.report_submitted",
        params={"actor": "王 填报", "project": "双汇第三工业园", "month": "2024-03"},
        url="/projects/reports/1/",
    )  # autocommit: committed at once, its on_commit queues the tasks
    assert DBTaskResult.objects.count() == 2  # the mail and the webhook's first attempt
    assert smtp_server.messages == [] and webhook_receiver.requests == []  # nothing sent by the write

    env = worker_env(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(settings.EMAIL_PORT),
        SITE_URL="https://keyprojects.example.org",
    )
    run("db_worker", "--batch", "--no-reload", "--no-startup-delay", env=env)

    assert [m.recipients for m in smtp_server.messages] == [["r@example.org"]]
    mail = smtp_server.messages[0]
    assert mail["Subject"].strip() == "【重点项目】王 填报 报送了“双汇第三工业园”2024-03 月度进度，请审核。"
    notification = Notification.objects.get()
    assert f"https://keyprojects.example.org/core/inbox/{notification.pk}/" in body_of(mail)
    assert notification.emailed_at is not None
    delivery = WebhookDelivery.objects.get()
    assert delivery.delivered_at is not None and delivery.last_status == 200
    assert webhook_receiver.requests[0].verified
    assert webhook_receiver.requests[0].json["url"] == "https://keyprojects.example.org/projects/reports/1/"
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
