"""Background jobs on the django.tasks API: one task runs any registered job kind, records
progress the user watches, and binds the job's user as the actor of every write."""

import traceback

from django.db import transaction
from django.urls import get_resolver
from django.utils import timezone, translation

from keyprojects.core.compat import task

from .context import acting
from .models import Job, JobStatus

JOB_KINDS = {}


def job_kind(name):
    """Register `fn(job) -> result dict` as the work behind jobs of this kind."""

    def register(fn):
        JOB_KINDS[name] = fn
        return fn

    return register


def start_job(kind, *, title, by, params=None, file=None):
    """Create the job row and queue it once the surrounding transaction commits."""
    job = Job.objects.create(
        kind=kind,
        title=str(title),
        created_by=by,
        params={"language": translation.get_language(), **(params or {})},
    )
    if file is not None:
        job.file.save(file.name, file, save=True)
    transaction.on_commit(lambda: _enqueue(job))
    return job


def _enqueue(job):
    result = run_job.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])


def report_progress(job, done, total, message=""):
    """Visible at once to the page polling the job (it is not inside the job's transaction)."""
    Job.objects.filter(pk=job.pk).update(done=done, total=total, message=message)


@task()
def run_job(job_id):
    # Job kinds and page declarations register when the apps' views import; a worker that
    # skipped the system checks has not loaded the URLconf that imports them.
    get_resolver().url_patterns  # noqa: B018 (the access loads the URLconf)
    job = Job.objects.select_related("created_by").get(pk=job_id)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    with acting(job.created_by, f"job-{job.pk}"), translation.override(job.params.get("language")):
        try:
            result = JOB_KINDS[job.kind](job)
        except Exception as error:  # the user sees the reason; the worker keeps going
            job.refresh_from_db()
            job.status = JobStatus.FAILED
            job.message = getattr(error, "message", None) or "; ".join(getattr(error, "messages", [])) or str(error)
            job.result = {**job.result, "traceback": traceback.format_exc()[-4000:]}
        else:
            job.refresh_from_db()
            job.status = JobStatus.DONE
            job.result = {**job.result, **(result or {})}
        job.finished = timezone.now()
        job.save()
    return job.status


@task()
def run_scheduled(run_id):
    """One run of a scheduled job (core/schedule.py), claimed before it was queued."""
    from .schedule import execute

    return execute(run_id)
