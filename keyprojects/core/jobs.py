"""Core's own scheduled work: the daily notification digest (a scheduled job with its run row)
and, every minute from the scheduler's tick, the webhook deliveries whose back-off has run out
(queued as a task; a run row a minute would bury the 定时任务 page)."""

from django.utils.translation import gettext_lazy as _

from .schedule import every_minute, scheduled


@scheduled(
    "core.daily_digest",
    daily="17:30",
    title=_("Daily notification digest"),
    counts={"sent": _("Digests sent")},
)
def daily_digest(run):
    """Idempotent per user and day (DailyDigest): a second run sends nothing."""
    from .notifications import send_daily_digests

    return {"sent": send_daily_digests(run.day)}


@every_minute
def retry_webhooks():
    from .notification_tasks import retry_webhooks_task

    retry_webhooks_task.enqueue()
