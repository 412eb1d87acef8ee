"""Scheduled jobs (定时任务): daily and weekly work, declared beside the code it runs.

An app declares a job in its own module and imports that module from its AppConfig.ready():

    # keyprojects/projects/tasks.py
    from keyprojects.core.schedule import scheduled

    @scheduled("projects.refresh_lights", daily="06:00", title=_("Refresh project lights"),
               counts={"changed": _("Projects whose light changed")})
    def refresh_lights(run):
        return {"changed": len(...)}        # counts shown with the run, under the labels above

    # keyprojects/projects/apps.py, ready():
    from . import tasks  # noqa: F401  (registers the scheduled jobs)

`weekly="mon 07:00"` runs once a week. The function gets the `ScheduledRun` (its `day` is the
day, or the Monday of the week, the run is for) and returns a dict of counts, a short message
(str), or None; an exception fails the run and its reason is kept.

How runs happen: `manage.py run_scheduler` wakes every minute and calls `enqueue_due()`, which
claims each job's current period (a day, or an ISO week) once its time has come, by writing a
`ScheduledRun` unique on (job, period, rerun), and queues the `run_scheduled` task through the
django.tasks API (the database worker by default, RQ in production). A second scheduler, a
scheduler restarted within the period, or a task delivered twice finds the period already
claimed or the run already started, and does nothing. A run missed while the scheduler was
stopped is made up for when it starts again, within the same period (not for past periods).

A city administrator may run a job for a given day from the page (`run_now()`): the day's run
if the scheduler has not made it yet, else a numbered re-run, recorded with who asked. A job
whose work sends things (reminders, digests) keeps its own per-item record too, so that a
deliberate re-run sends only what the first run did not.
"""

import datetime
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .access import Action, RestrictedQuerySet, Role, Scope
from .context import acting
from .models import JobStatus

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = (_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday"))


@dataclass(frozen=True)
class Schedule:
    """When a job is due: every day at `at`, or every week on `weekday` (0 = Monday) at `at`,
    in the site's time zone (Asia/Shanghai)."""

    at: datetime.time
    weekday: int | None = None

    @classmethod
    def parse(cls, daily: str | None = None, weekly: str | None = None) -> "Schedule":
        if bool(daily) == bool(weekly):
            raise ImproperlyConfigured("A scheduled job is either daily='HH:MM' or weekly='mon HH:MM'.")
        if daily:
            return cls(at=datetime.time.fromisoformat(daily))
        day, _sep, at = weekly.strip().partition(" ")
        if day.lower() not in WEEKDAYS:
            raise ImproperlyConfigured(f"weekly={weekly!r}: start with one of {', '.join(WEEKDAYS)}")
        return cls(at=datetime.time.fromisoformat(at.strip()), weekday=WEEKDAYS.index(day.lower()))

    def period(self, day: datetime.date) -> tuple[str, datetime.date]:
        """The period `day` falls in: its key ("2026-12-04", "2026-W49") and first day."""
        if self.weekday is None:
            return day.isoformat(), day
        year, week, weekday = day.isocalendar()
        return f"{year}-W{week:02d}", day - datetime.timedelta(days=weekday - 1)

    def due(self, start: datetime.date) -> datetime.datetime:
        """When the period starting on `start` is due, as an aware time."""
        day = start + datetime.timedelta(days=self.weekday or 0)
        return timezone.make_aware(datetime.datetime.combine(day, self.at))

    def next_period(self, start: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=1 if self.weekday is None else 7)

    def __str__(self):
        at = self.at.strftime("%H:%M")
        if self.weekday is None:
            return _("Every day at %(time)s") % {"time": at}
        return _("Every %(weekday)s at %(time)s") % {"weekday": WEEKDAY_NAMES[self.weekday], "time": at}


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    title: str
    schedule: Schedule
    fn: Callable
    counts: dict  # count key -> label

    def current(self, now: datetime.datetime) -> tuple[str, datetime.date, datetime.datetime]:
        """The period `now` falls in: key, first day, and when it is due."""
        key, start = self.schedule.period(timezone.localtime(now).date())
        return key, start, self.schedule.due(start)


JOBS: dict[str, ScheduledJob] = {}
FREQUENT: list[Callable[[], None]] = []  # queued by every tick of the scheduler, no run row


def every_minute(fn: Callable[[], None]) -> Callable[[], None]:
    """Work the scheduler queues at each of its minutes (retrying webhooks): it must only
    enqueue a task, and be harmless when run twice."""
    if fn not in FREQUENT:
        FREQUENT.append(fn)
    return fn


def scheduled(name: str, *, daily: str | None = None, weekly: str | None = None, title=None, counts=None):
    """Declare `fn(run) -> dict of counts | str | None` as a scheduled job (see the module
    docstring). `name` is "<app>.<what>", unique; `title` is what the page shows."""
    schedule = Schedule.parse(daily, weekly)

    def register(fn):
        if name in JOBS and JOBS[name].fn is not fn:
            raise ImproperlyConfigured(f"Two scheduled jobs are named {name!r}.")
        JOBS[name] = ScheduledJob(name, title or name, schedule, fn, dict(counts or {}))
        return fn

    return register


class ScheduledRun(models.Model):
    """定时任务运行记录: one run of a scheduled job for one day or week, with its outcome."""

    job = models.CharField(_("job"), max_length=100, db_index=True)
    period = models.CharField(_("period"), max_length=20)
    day = models.DateField(_("day"), help_text=_("The day, or the first day of the week, the run is for."))
    rerun = models.PositiveSmallIntegerField(_("re-run"), default=0)  # 0: the period's own run
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    due = models.DateTimeField(_("due"), null=True, blank=True)
    created = models.DateTimeField(_("queued at"), auto_now_add=True)
    started = models.DateTimeField(_("started"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    task_id = models.CharField(_("task id"), max_length=64, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope = Scope()  # the city-wide roles reach every run, no other role any
    rights = {
        Action.VIEW: frozenset({Role.CITY_ADMIN, Role.AUDITOR}),
        Action.ADD: frozenset(),  # runs are written by the scheduler and by "run"
        Action.CHANGE: frozenset(),
        Action.ARCHIVE: frozenset(),
        "run": frozenset({Role.CITY_ADMIN}),  # run a job for a day (run_now), recorded with who asked
    }

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [models.UniqueConstraint(fields=["job", "period", "rerun"], name="scheduledrun_once_per_period")]
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")

    def __str__(self):
        return f"{self.title} {self.period}" + (f" #{self.rerun}" if self.rerun else "")

    @property
    def declared(self) -> ScheduledJob | None:
        return JOBS.get(self.job)

    @property
    def title(self):
        declared = self.declared
        return declared.title if declared else self.job

    def outcome(self) -> list[tuple[str, object]]:
        """The counts under the labels the job declared, in the reader's language."""
        labels = self.declared.counts if self.declared else {}
        return [(str(labels.get(key, key)), value) for key, value in self.counts.items()]


def enqueue_due(now: datetime.datetime | None = None) -> list[ScheduledRun]:
    """Claim and queue every job whose current period is due and not yet claimed: what the
    scheduler does each minute. Returns the runs it queued (none when another process did)."""
    now = now or timezone.now()
    queued = []
    for job in JOBS.values():
        key, start, due = job.current(now)
        if now < due:
            continue
        run = _claim(job, key, start, due=due)
        if run is not None:
            queued.append(run)
    return queued


def run_now(name: str, day: datetime.date, *, by) -> ScheduledRun:
    """A city administrator runs a job for `day` (recorded with who asked): the day's own run if
    the scheduler has not claimed it yet, else the next re-run of that period."""
    job = JOBS.get(name)
    if job is None:
        raise ValidationError(_("No scheduled job is called “%(name)s”.") % {"name": name})
    if day > timezone.localdate():
        raise ValidationError(_("A job runs for today or an earlier day, not for %(day)s.") % {"day": day})
    key, start = job.schedule.period(day)
    for _attempt in range(5):  # another administrator may take the same number at the same moment
        last = ScheduledRun.objects.filter(job=name, period=key).aggregate(last=Max("rerun"))["last"]
        run = _claim(job, key, start, rerun=0 if last is None else last + 1, by=by)
        if run is not None:
            return run
    raise ValidationError(_("The job is being started by someone else; try again."))


def _claim(job: ScheduledJob, key, start, *, rerun=0, due=None, by=None) -> ScheduledRun | None:
    """Write the run, or find its period taken (the unique constraint decides, atomically);
    queue it once the claim is committed."""
    try:
        with transaction.atomic():
            run = ScheduledRun.objects.create(
                job=job.name, period=key, day=start, rerun=rerun, due=due, requested_by=by
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: _enqueue(run))
    return run


def _enqueue(run: ScheduledRun) -> None:
    """Queue a claimed run. A queue that cannot take it (Redis away) fails the run where the
    administrator sees it, rather than leaving the period claimed by a run nobody will start."""
    from .tasks import run_scheduled  # the task module is not loaded with the models

    try:
        result = run_scheduled.enqueue(run.pk)
    except Exception as error:
        ScheduledRun.objects.filter(pk=run.pk, status=JobStatus.QUEUED).update(
            status=JobStatus.FAILED,
            message=str(_("The task queue did not take the run: %(error)s") % {"error": error})[:2000],
            error=traceback.format_exc()[-4000:],
            finished=timezone.now(),
        )
        return
    run.task_id = str(result.id)[:64]
    ScheduledRun.objects.filter(pk=run.pk).update(task_id=run.task_id)


def execute(run_id: int) -> str:
    """Run one claimed run (the `run_scheduled` task). A run already started, as by a task
    delivered twice, is left alone."""
    if not ScheduledRun.objects.filter(pk=run_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started=timezone.now()
    ):
        return "skipped"
    run = ScheduledRun.objects.select_related("requested_by").get(pk=run_id)
    job = JOBS.get(run.job)
    with acting(run.requested_by, f"run-{run.pk}"), translation.override(settings.LANGUAGE_CODE):
        try:
            if job is None:
                raise ImproperlyConfigured(f"No scheduled job is called {run.job!r} in this process.")
            result = job.fn(run)
        except Exception as error:  # kept with the run for the administrator; the worker goes on
            run.status = JobStatus.FAILED
            run.message = str(getattr(error, "message", "") or "; ".join(getattr(error, "messages", [])) or error)
            run.error = traceback.format_exc()[-4000:]
        else:
            run.status = JobStatus.DONE
            if isinstance(result, dict):
                run.counts = result
            elif result is not None:
                run.message = str(result)
    run.finished = timezone.now()
    run.save(update_fields=["status", "message", "error", "counts", "finished"])
    return run.status


def job_rows(now: datetime.datetime | None = None) -> list[dict]:
    """Each declared job with its last run and when it is next due, for the page."""
    now = now or timezone.now()
    jobs = sorted(JOBS.values(), key=lambda j: j.name)
    if not jobs:
        return []
    current = {job.name: job.current(now) for job in jobs}
    # Three queries however many jobs: the newest run of each, and which current periods are taken.
    newest = ScheduledRun.objects.filter(job__in=list(JOBS)).values("job").annotate(newest=Max("pk")).values("newest")
    latest = {run.job: run for run in ScheduledRun.objects.filter(pk__in=newest).select_related("requested_by")}
    taken = Q()
    for name, (key, _start, _due) in current.items():
        taken |= Q(job=name, period=key)
    claimed = set(ScheduledRun.objects.filter(taken).values_list("job", flat=True))
    rows = []
    for job in jobs:
        key, start, due = current[job.name]
        next_due = job.schedule.due(job.schedule.next_period(start)) if job.name in claimed else due
        waiting = job.name not in claimed and due <= now
        rows.append({"job": job, "last": latest.get(job.name), "next_due": next_due, "waiting": waiting})
    return rows
