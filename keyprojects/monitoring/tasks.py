"""Scheduled work of video dispatch: each scheduler minute queues one pull of the due cameras
(a task: the pool of grabbing threads lives in the worker, not in the scheduler); every day
the activity index and idle runs are settled and old snapshots thinned."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keyprojects.core.compat import task
from keyprojects.core.schedule import every_minute, scheduled


@task()
def pull_snapshots_task():
    from . import services

    return services.pull_due(timezone.now())


@every_minute
def pull_snapshots():
    pull_snapshots_task.enqueue()


@scheduled(
    "monitoring.daily_activity",
    daily="23:50",
    title=_("Settle the day's site activity and idle runs"),
    counts={"sites": _("Sites scored")},
)
def daily_activity(run):
    from . import services

    return {"sites": services.refresh_activity(run.day)}


@scheduled(
    "monitoring.retention",
    daily="02:30",
    title=_("Thin old snapshots to one a day"),
    counts={"removed": _("Snapshots removed")},
)
def retention(run):
    from . import services

    return {"removed": services.thin_snapshots(run.day - datetime.timedelta(days=0))}
