"""The daily light refresh under the real worker: the scheduler's claim queues it through the
django.tasks API into the database queue, `db_worker` runs it in another process, and the run
shows with its outcome; the same day claimed, queued or delivered again does nothing."""

import datetime

import pytest
from django.utils import timezone

from keyprojects.core.models import JobStatus
from keyprojects.core.schedule import ScheduledRun, enqueue_due
from keyprojects.core.tests.test_worker import county_user, redis_url, run, worker_env  # noqa: F401 (fixture)
from keyprojects.projects.choices import Light
from keyprojects.projects.models import Project
from keyprojects.projects.tests.factories import make_project

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
LIGHTS = "projects.refresh_lights"


def jobs(runs):
    return {run.job for run in runs}


def test_the_daily_light_refresh_runs_under_the_worker_once_per_day(settings, client_for):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    from django_tasks_db.models import DBTaskResult

    from keyprojects.core.tasks import run_scheduled

    project = make_project(by=county_user(), planned_start_date="2020-01-01")  # never started: red by now
    Project.objects.filter(pk=project.pk).update(light=Light.GREEN, light_reasons=[])
    seven = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(7)))

    first = enqueue_due(seven)  # other apps' jobs due by then are queued beside it
    [claimed] = [r for r in first if r.job == LIGHTS]  # autocommit: queued at once
    claimed.refresh_from_db()
    assert claimed.status == JobStatus.QUEUED and DBTaskResult.objects.filter(id=claimed.task_id).exists()
    assert LIGHTS not in jobs(enqueue_due(seven + datetime.timedelta(minutes=1)))  # the day is claimed
    assert DBTaskResult.objects.filter(task_path__endswith="run_scheduled").count() == len(first)  # none twice

    run("db_worker", "--batch", "--no-reload", "--no-startup-delay", env=worker_env())

    done = ScheduledRun.objects.get(job=LIGHTS)
    assert done.status == JobStatus.DONE, (done.message, done.error)
    assert done.counts == {"changed": 1} and done.started <= done.finished
    assert Project.objects.get(pk=project.pk).light == Light.RED
    assert DBTaskResult.objects.get(id=done.task_id).status == "SUCCESSFUL"

    # The same day again: the scheduler finds it claimed, and a task delivered twice finds it run.
    Project.objects.filter(pk=project.pk).update(light=Light.GREEN, light_reasons=[])
    assert LIGHTS not in jobs(enqueue_due(seven + datetime.timedelta(hours=12)))
    run_scheduled.enqueue(done.pk)
    run("db_worker", "--batch", "--no-reload", "--no-startup-delay", env=worker_env())
    assert ScheduledRun.objects.filter(job=LIGHTS).get().finished == done.finished
    assert Project.objects.get(pk=project.pk).light == Light.GREEN  # nothing ran the second time

    page = client_for("city_admin").get("/core/schedule/").content.decode()
    assert "刷新项目亮灯" in page and "亮灯发生变化的项目: 1" in page and "已完成" in page


def test_the_daily_light_refresh_runs_under_an_rq_worker(settings, redis_url):  # noqa: F811 (the fixture)
    """Production: the same claim, queued on Redis and run by the RQ worker."""
    settings.RQ_QUEUES = {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": 600}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    project = make_project(by=county_user(), planned_start_date="2020-01-01")
    Project.objects.filter(pk=project.pk).update(light=Light.GREEN, light_reasons=[])
    seven = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(7)))
    assert LIGHTS in jobs(enqueue_due(seven))
    assert LIGHTS not in jobs(enqueue_due(seven))

    run("rqworker", "default", "--burst", "--job-class", "django_tasks_rq.Job", env=worker_env(REDIS_URL=redis_url))

    done = ScheduledRun.objects.get(job=LIGHTS)
    assert done.status == JobStatus.DONE and done.counts == {"changed": 1}, (done.message, done.error)
    assert Project.objects.get(pk=project.pk).light == Light.RED
