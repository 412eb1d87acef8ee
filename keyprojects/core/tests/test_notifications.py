"""Notifications end to end with real parts: rows in the real database, mail through a real
SMTP server on loopback, webhooks to a real HTTP receiver that checks the signature."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from keyprojects.core import notifications, webhooks
from keyprojects.core.models import ObjectChange
from keyprojects.core.notification_models import (
    DailyDigest,
    EmailChoice,
    Notification,
    NotificationPreference,
    WebhookDelivery,
    WebhookEndpoint,
)
from keyprojects.core.notification_tasks import send_daily_digests_task
from keyprojects.core.testing.servers import body_of, free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def kind():
    """A kind of this test's own, gone again after it."""
    declared = notifications.register_kind(
        "tests.poke", label="Poke", text="%(actor)s poked you about %(thing)s.", email=EmailChoice.IMMEDIATE
    )
    yield declared
    notifications.KINDS.pop(declared.key, None)


@pytest.fixture
def people(users):
    """Three users with addresses, named so that mails are easy to tell apart."""
    for key in ("county_a", "county_b", "enterprise"):
        users[key].email = f"{key}@example.org"
        users[key].save()
    return users


def poke(recipients, *, by=None, thing="the report", **kwargs):
    return notifications.notify(recipients, "tests.poke", actor=by, params={"thing": thing}, **kwargs)


# --- writing -------------------------------------------------------------------------------------


def test_notify_tells_each_active_user_once_and_never_the_actor(kind, people):
    inactive = people["county_b"]
    inactive.is_active = False
    inactive.save()
    rows = poke(
        [people["county_a"], people["county_a"], people["enterprise"], inactive, people["leader"], None],
        by=people["leader"],
    )
    assert sorted(n.recipient.username for n in rows) == ["county_a", "enterprise"]
    assert Notification.objects.count() == 2
    stored = Notification.objects.get(recipient=people["county_a"])
    # language-neutral: the kind and its parameters, the words are made when read
    assert stored.kind == "tests.poke" and stored.params == {"thing": "the report", "actor": "leader"}
    assert stored.text == "leader poked you about the report."


def test_notify_refuses_a_kind_no_app_declared(people):
    with pytest.raises(ValueError, match="Unknown notification kind"):
        notifications.notify([people["county_a"]], "tests.nobody_declared_this")


def test_a_rolled_back_write_leaves_no_notification_and_sends_nothing(
    kind, people, smtp_server, webhook_receiver, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(name="短信网关", url=webhook_receiver.url, secret=webhook_receiver.secret)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            poke([people["county_a"]], by=people["enterprise"])
            raise RuntimeError("the write failed")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert smtp_server.messages == [] and webhook_receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_the_link_goes_to_the_target_or_the_given_address(kind, people):
    endpoint = WebhookEndpoint.objects.create(name="网关", url=f"http://127.0.0.1:{free_port()}/", secret="x" * 20)
    on_target = poke([people["county_a"]], target=endpoint)[0]
    assert on_target.url == endpoint.get_absolute_url() and on_target.target == endpoint
    given = poke([people["county_a"]], url="/projects/mine/")[0]
    assert given.url == "/projects/mine/" and given.target is None


# --- e-mail --------------------------------------------------------------------------------------


def test_an_immediate_mail_is_sent_after_the_commit_through_smtp(
    kind, people, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            rows = poke([people["county_a"], people["leader"]], by=people["enterprise"])
        assert smtp_server.messages == []  # nothing inside the request's transaction
    assert len(smtp_server.messages) == 1  # the leader has no address: inbox only
    message = smtp_server.messages[0]
    assert message.recipients == ["county_a@example.org"]
    assert "enterprise poked you about the report." in message["Subject"]
    body = body_of(message)
    assert f"/core/inbox/{rows[0].pk}/" in body and "/core/inbox/settings/" in body
    sent = Notification.objects.get(recipient=people["county_a"])
    assert sent.emailed_at is not None
    assert Notification.objects.get(recipient=people["leader"]).email == EmailChoice.OFF


def test_the_user_setting_decides_each_kind(kind, people, smtp_server, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=people["county_a"], kind="tests.poke", email=EmailChoice.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        poke([people["county_a"], people["county_b"]], by=people["enterprise"])
    assert [m.recipients for m in smtp_server.messages] == [["county_b@example.org"]]
    assert Notification.objects.filter(recipient=people["county_a"]).exists()  # still in the inbox


def test_a_failing_mail_server_never_breaks_the_write_and_the_mail_waits_for_the_digest(
    kind, people, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2  # nobody listens
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            endpoint = WebhookEndpoint.objects.create(
                name="写入", url=f"http://127.0.0.1:{free_port()}/", secret="s" * 20
            )
            poke([people["county_a"]], by=people["enterprise"], target=endpoint)
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
    notification = Notification.objects.get()
    assert notification.emailed_at is None and notification.email == EmailChoice.DAILY


def test_the_daily_digest_sends_one_mail_per_user_and_a_second_run_sends_nothing(
    kind, people, smtp_server, django_capture_on_commit_callbacks
):
    for user in (people["county_a"], people["county_b"]):
        NotificationPreference.objects.create(user=user, kind="tests.poke", email=EmailChoice.DAILY)
    day = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        poke([people["county_a"], people["county_b"]], by=people["enterprise"], thing="三月月报")
        poke([people["county_a"]], by=people["enterprise"], thing="四月月报")
    assert smtp_server.messages == []  # nothing immediate

    assert notifications.send_daily_digests(day) == 2
    mails = {m.recipients[0]: m for m in smtp_server.messages}
    assert set(mails) == {"county_a@example.org", "county_b@example.org"}
    body = body_of(mails["county_a@example.org"])
    assert "三月月报" in body and "四月月报" in body
    assert day.isoformat() in mails["county_a@example.org"]["Subject"]

    poke([people["county_a"]], by=people["enterprise"], thing="五月月报")  # later the same day
    assert notifications.send_daily_digests(day) == 0
    assert len(smtp_server.messages) == 2
    assert DailyDigest.objects.filter(day=day).count() == 2
    # what came after the day's digest goes into the next day's
    assert notifications.send_daily_digests(day + timedelta(days=1)) == 1
    assert "五月月报" in body_of(smtp_server.messages[-1])


def test_the_digest_task_runs_for_a_given_day(kind, people, smtp_server):
    NotificationPreference.objects.create(user=people["county_a"], kind="tests.poke", email=EmailChoice.DAILY)
    poke([people["county_a"]], by=people["enterprise"])
    day = timezone.localdate().isoformat()
    result = send_daily_digests_task.enqueue(day)
    assert result.return_value == 1
    assert send_daily_digests_task.enqueue(day).return_value == 0


# --- webhooks ------------------------------------------------------------------------------------


def test_a_webhook_is_signed_retried_with_back_off_and_logged(
    kind, people, settings, webhook_receiver, client_for, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_RETRY_SECONDS = 60
    endpoint = WebhookEndpoint.objects.create(name="短信网关", url=webhook_receiver.url, secret=webhook_receiver.secret)
    webhook_receiver.answers = [500, 200]
    people["county_a"].phone = "13900000001"
    people["county_a"].save()
    with django_capture_on_commit_callbacks(execute=True):
        rows = poke([people["county_a"], people["county_b"]], by=people["enterprise"], url="/projects/mine/")
    assert len(rows) == 2

    delivery = WebhookDelivery.objects.get()  # one event, one delivery, every recipient in it
    assert delivery.endpoint == endpoint and delivery.attempts == 1
    assert delivery.last_status == 500 and delivery.delivered_at is None
    wait = delivery.next_attempt_at - delivery.last_attempt_at
    assert wait == timedelta(seconds=60)

    assert webhooks.retry_webhooks(delivery.last_attempt_at + timedelta(seconds=30))["attempted"] == 0  # not due
    later = delivery.last_attempt_at + timedelta(seconds=61)
    assert webhooks.retry_webhooks(later) == {"attempted": 1, "delivered": 1, "failed": 0}
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.last_status == 200 and delivery.delivered_at == later
    assert delivery.next_attempt_at is None
    assert webhooks.retry_webhooks(later + timedelta(hours=1))["attempted"] == 0  # delivered: never again

    first, second = webhook_receiver.requests
    assert first.verified and second.verified and [first.status, second.status] == [500, 200]
    assert first.body == second.body  # the same bytes, the same event id, for the receiver to drop repeats
    event = second.json
    assert event["kind"] == "tests.poke" and event["text"] == "enterprise poked you about the report."
    assert event["url"].endswith("/projects/mine/")
    assert {r["username"]: r["phone"] for r in event["recipients"]} == {"county_a": "13900000001", "county_b": ""}
    assert second.headers["x-keyprojects-kind"] == "tests.poke"

    page = client_for("city_admin").get("/core/webhooks/deliveries/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "短信网关" in html and "200" in html
    assert client_for("county_a").get("/core/webhooks/deliveries/").status_code == 403


def test_the_wait_doubles_after_each_failure_until_it_gives_up(kind, people, settings, webhook_receiver):
    settings.WEBHOOK_RETRY_SECONDS, settings.WEBHOOK_MAX_ATTEMPTS = 10, 3
    WebhookEndpoint.objects.create(name="网关", url=webhook_receiver.url, secret=webhook_receiver.secret)
    webhook_receiver.answers = [503, 503, 503, 200]
    poke([people["county_a"]], by=people["enterprise"])
    webhooks.queue_webhooks(list(Notification.objects.values_list("pk", flat=True)), "tests.poke")  # 1st attempt
    delivery = WebhookDelivery.objects.get()
    waits = []
    while delivery.next_attempt_at is not None:
        waits.append((delivery.next_attempt_at - delivery.last_attempt_at).total_seconds())
        webhooks.retry_webhooks(delivery.next_attempt_at)
        delivery.refresh_from_db()
    assert waits == [10, 20]
    assert delivery.attempts == 3 and delivery.delivered_at is None and delivery.status == "failed"
    assert len(webhook_receiver.requests) == 3


def test_an_unreachable_webhook_never_blocks_the_write(kind, people, django_capture_on_commit_callbacks):
    WebhookEndpoint.objects.create(name="断线", url=f"http://127.0.0.1:{free_port()}/hook", secret="s" * 20)
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            poke([people["county_a"]], by=people["enterprise"])
    assert Notification.objects.count() == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 1 and delivery.last_status is None and "refused" in delivery.last_error.lower()
    assert delivery.next_attempt_at is not None


def test_a_webhook_only_gets_its_kinds(kind, people, webhook_receiver, django_capture_on_commit_callbacks):
    WebhookEndpoint.objects.create(
        name="只要别的", url=webhook_receiver.url, secret=webhook_receiver.secret, kinds=["projects.report_accepted"]
    )
    WebhookEndpoint.objects.create(name="停用", url=webhook_receiver.url, secret=webhook_receiver.secret, active=False)
    with django_capture_on_commit_callbacks(execute=True):
        poke([people["county_a"]], by=people["enterprise"])
    assert not WebhookDelivery.objects.exists() and webhook_receiver.requests == []


def test_the_webhook_secret_is_never_shown_nor_written_to_the_change_log(client_for, kind):
    admin = client_for("city_admin")
    secret = "very-secret-shared-with-the-gateway"
    response = admin.post(
        "/core/webhooks/add/",
        {
            "name": "政务微信",
            "url": "http://127.0.0.1:9/hook",
            "secret": secret,
            "kinds": ["tests.poke"],
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret == secret and endpoint.kinds == ["tests.poke"]
    for url in (
        endpoint.get_absolute_url(),
        f"/core/webhooks/{endpoint.pk}/edit/",
        f"/core/webhooks/{endpoint.pk}/history/",
    ):
        page = admin.get(url)
        assert page.status_code == 200 and secret not in page.content.decode()
    # left empty on edit, the secret stays; a new one replaces it; the log never holds either
    edit = admin.get(f"/core/webhooks/{endpoint.pk}/edit/").context["form"].initial
    admin.post(f"/core/webhooks/{endpoint.pk}/edit/", {**_form_data(endpoint, edit), "secret": ""})
    endpoint.refresh_from_db()
    assert endpoint.secret == secret
    admin.post(
        f"/core/webhooks/{endpoint.pk}/edit/", {**_form_data(endpoint, {}), "secret": "another-long-secret-value"}
    )
    endpoint.refresh_from_db()
    assert endpoint.secret == "another-long-secret-value"
    changes = [c.changes for c in ObjectChange.for_object(endpoint)]
    assert all(c.get("secret", ["***", "***"]) == ["***", "***"] for c in changes) and len(changes) == 2
    assert secret not in str(changes) and "another-long-secret-value" not in str(changes)


def _form_data(endpoint, initial):
    return {
        "name": endpoint.name,
        "url": endpoint.url,
        "kinds": endpoint.kinds,
        "active": "on" if endpoint.active else "",
        "loaded_version": initial.get("loaded_version", ""),
    }


def test_a_new_webhook_needs_a_secret_and_only_the_city_administrator_adds_one(client_for):
    response = client_for("city_admin").post("/core/webhooks/add/", {"name": "网关", "url": "http://127.0.0.1:9/"})
    assert response.status_code == 400 and "请填写与网关共享的密钥" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()
    for role in ("county_a", "auditor", "enterprise"):
        assert client_for(role).get("/core/webhooks/add/").status_code == 403


# --- inbox ---------------------------------------------------------------------------------------


def test_the_inbox_lists_unread_first_and_opening_one_marks_it_read(kind, people, client_for):
    older = poke([people["county_a"]], by=people["enterprise"], thing="旧事", url="/projects/mine/")[0]
    newer = poke([people["county_a"]], by=people["enterprise"], thing="新事")[0]
    Notification.objects.filter(pk=newer.pk).update(read_at=timezone.now())
    client = client_for("county_a")
    page = client.get("/core/inbox/")
    shown = [n.pk for n in page.context["page"].object_list]
    assert shown == [older.pk, newer.pk]  # unread first, though older
    assert page.context["unread"] == 1

    response = client.get(f"/core/inbox/{older.pk}/")
    assert response.status_code == 302 and response["Location"] == "/projects/mine/"
    older.refresh_from_db()
    assert older.read_at is not None


def test_a_user_sees_only_their_own_notifications(kind, people, client_for):
    theirs = poke([people["county_b"]], by=people["enterprise"])[0]
    client = client_for("county_a")
    assert client.get(f"/core/inbox/{theirs.pk}/").status_code == 404
    assert list(client.get("/core/inbox/").context["page"].object_list) == []
    assert client_for("city_admin").get(f"/core/inbox/{theirs.pk}/").status_code == 404  # no role reads inboxes
    people["auditor"].is_superuser = True  # nor does a superuser, who sees every row elsewhere
    people["auditor"].save()
    superuser = client_for("auditor")
    assert superuser.get(f"/core/inbox/{theirs.pk}/").status_code == 404
    assert list(superuser.get("/core/inbox/").context["page"].object_list) == []
    client.post("/core/inbox/read-all/")
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_and_paging(kind, people, client_for):
    for n in range(25):
        poke([people["county_a"]], by=people["enterprise"], thing=f"事项{n}")
    client = client_for("county_a")
    first = client.get("/core/inbox/")
    assert len(first.context["page"].object_list) == 20
    assert len(client.get("/core/inbox/?page=2").context["page"].object_list) == 5
    assert 'data-testid="unread-badge">25<' in first.content.decode()
    assert client.get("/core/inbox/read-all/").status_code == 405
    response = client.post("/core/inbox/read-all/", follow=True)
    assert "已将 25 条消息标为已读" in response.content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert 'data-testid="unread-badge"' not in response.content.decode()


def test_the_unread_badge_costs_one_indexed_query_whatever_the_count(kind, people, client_for):
    client = client_for("county_a")

    def badge_queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/")
        assert response.status_code == 200
        return [q["sql"] for q in captured.captured_queries if "core_notification" in q["sql"]], response

    poke([people["county_a"]], by=people["enterprise"])
    queries, response = badge_queries()
    assert len(queries) == 1 and 'data-testid="unread-badge">1<' in response.content.decode()
    for n in range(30):
        poke([people["county_a"]], by=people["enterprise"], thing=str(n))
    queries, response = badge_queries()
    assert len(queries) == 1 and 'data-testid="unread-badge">31<' in response.content.decode()
    if connection.vendor == "sqlite":  # the planner's choice on a real table (PostgreSQL scans tiny tables)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + queries[0])
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "USING" in plan and "INDEX" in plan and "SCAN core_notification" not in plan, plan


def test_the_settings_page_lists_every_kind_with_its_default_and_saves_a_choice(kind, people, client_for):
    client = client_for("county_a")
    page = client.get("/core/inbox/settings/")
    assert page.status_code == 200
    form = page.context["form"]
    assert form["tests.poke"].value() == EmailChoice.IMMEDIATE
    assert "消息设置" in page.content.decode()
    response = client.post("/core/inbox/settings/", {**_all_defaults(form), "tests.poke": "daily"})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=people["county_a"], kind="tests.poke").email == "daily"
    assert NotificationPreference.objects.count() == 1  # the kinds left as they were keep following their default
    rows = poke([people["county_a"]], by=people["enterprise"])
    assert rows[0].email == EmailChoice.DAILY


def test_a_bad_setting_is_refused_in_the_users_language_and_nothing_is_written(kind, people, client_for):
    client = client_for("county_a")
    form = client.get("/core/inbox/settings/").context["form"]
    response = client.post("/core/inbox/settings/", {**_all_defaults(form), "tests.poke": "hourly"})
    assert response.status_code == 400
    assert "选择一个有效的选项" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_a_user_without_an_address_is_told_no_mail_comes(kind, people, client_for):
    page = client_for("leader").get("/core/inbox/settings/")
    assert 'data-testid="no-email"' in page.content.decode()


def _all_defaults(form):
    return {name: field.initial for name, field in form.fields.items()}
