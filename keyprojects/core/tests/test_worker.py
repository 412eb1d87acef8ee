"""The real worker path: a job queued through `start_job` is picked up by the worker a
deployment runs (`db_worker`, or an RQ worker on Redis), in another process, on the same
database; the job's user is the actor of every row it writes."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from keyprojects.core.models import Job, JobStatus, ObjectChange
from keyprojects.core.tasks import start_job
from keyprojects.core.testing.cases import upload, xlsx_bytes
from keyprojects.orgs.models import Contact, Membership, User

BASE_DIR = Path(django_settings.BASE_DIR)
ROWS = [
    ["姓名", "职务", "联系电话", "所属区域"],
    ["工人甲", "专员", "13900000101", "郾城区"],
    ["工人乙", "科长", "13900000102", "郾城区"],
]

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def database_url():
    """The URL of the test database this process uses, for a subprocess to open."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "KEYPROJECTS_TASKS_IMMEDIATE"}}
    env.update(
        DATABASE_URL=database_url(),
        MEDIA_ROOT=str(django_settings.MEDIA_ROOT),
        KEYPROJECTS_VAR=str(django_settings.VAR_DIR),
        DJANGO_SETTINGS_MODULE="keyprojects.settings",
        **extra,
    )
    return env


def run(*args, env):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def county_user():
    from keyprojects.orgs.models import Region

    user = User.objects.create_user("worker_county", password="unused-password-123")
    Membership.objects.create(user=user, role="region_staff", region=Region.objects.get(name="郾城区"))
    return user


def start_import(user, commit):
    """A contacts import queued the way the import page queues it."""
    return start_job(
        "core.import",
        title="导入联系人",
        by=user,
        params={"model": "orgs.Contact", "commit": commit},
        file=upload("联系人.xlsx", xlsx_bytes(ROWS, "联系人台账")),
    )


def assert_imported_by(job, user):
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, (job.message, job.result.get("traceback"))
    assert job.result["committed"] is True and job.result["creates"] == 2
    contacts = Contact.objects.filter(name__in=["工人甲", "工人乙"])
    assert contacts.count() == 2
    for contact in contacts:
        change = ObjectChange.for_object(contact).get()
        assert (change.action, change.user, change.actor) == ("create", user, user.username)
        assert change.request_id == f"job-{job.pk}"


def test_db_worker_subprocess_runs_the_queued_import(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    from django_tasks_db.models import DBTaskResult

    user = county_user()
    job = start_import(user, commit=True)  # autocommit: on_commit queues it at once
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.task_id
    assert DBTaskResult.objects.filter(id=job.task_id).exists()

    run("db_worker", "--batch", "--no-reload", "--no-startup-delay", env=worker_env())

    assert_imported_by(job, user)
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_TEST_URL")
    if not url:
        pytest.skip("REDIS_TEST_URL is not set (CI sets redis://127.0.0.1:6379/15)")
    import redis

    connection = redis.Redis.from_url(url)
    connection.flushdb()
    yield url
    connection.flushdb()


def test_rq_worker_on_redis_runs_the_queued_import(settings, redis_url):
    settings.RQ_QUEUES = {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": 600}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    user = county_user()
    job = start_import(user, commit=True)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.task_id

    # django-tasks-rq needs its own job class in the worker (its README): the command production runs.
    run("rqworker", "default", "--burst", "--job-class", "django_tasks_rq.Job", env=worker_env(REDIS_URL=redis_url))

    assert_imported_by(job, user)
    assert Job.objects.get(pk=job.pk).finished is not None


def test_tests_run_tasks_in_process_even_when_an_app_built_the_backend_at_start_up():
    """A module defining a task, imported from an AppConfig.ready(), builds the task backend
    before conftest switches it; the switch must still win (else jobs queue silently)."""
    from keyprojects.core.compat import task_backends

    assert type(task_backends["default"]).__name__ == "ImmediateBackend"
