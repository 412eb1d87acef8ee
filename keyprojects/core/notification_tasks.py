"""The background tasks of notifications, on the django.tasks API (core/compat.py).

Kept apart from core/notifications.py, which every app imports at start-up: a module that
defines a task sets up the task backends when it is imported, and start-up is too early for
the tests' immediate backend (conftest.py) to have replaced the configured one.

For the scheduler: `send_daily_digests_task` once a day (after the working day ends, e.g.
17:30 Asia/Shanghai; it takes an ISO date and defaults to today), `retry_webhooks_task` every
minute or so. Both are idempotent."""

from datetime import date

from django.utils import timezone

from .compat import task


@task()
def send_notification_emails_task(ids: list[int]) -> int:
    """Immediate mails for these notifications, queued once their write commits."""
    from .notifications import send_notification_emails

    return send_notification_emails(ids)


@task()
def send_daily_digests_task(day: str | None = None) -> int:
    """The daily job: the digest for `day` (ISO date), today in Asia/Shanghai by default."""
    from .notifications import send_daily_digests

    return send_daily_digests(date.fromisoformat(day) if day else timezone.localdate())


@task()
def deliver_webhook_task(delivery_id: int) -> bool | None:
    """A webhook delivery's first attempt, right after the write commits."""
    from .webhooks import attempt

    return attempt(delivery_id)


@task()
def retry_webhooks_task() -> dict[str, int]:
    """The frequent job: webhook deliveries whose back-off has run out are tried again."""
    from .webhooks import retry_webhooks

    return retry_webhooks()
