"""Scheduled jobs: declared beside their code, claimed once per day or week, run through the
django.tasks API, and shown with their outcome to city administrators and auditors."""

import datetime
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from keyprojects.core.models import JobStatus
from keyprojects.core.schedule import JOBS, ScheduledRun, enqueue_due, execute, run_now, scheduled
from keyprojects.core.testing.cases import assert_matrix
from keyprojects.projects.choices import Light
from keyprojects.projects.models import Project
from keyprojects.projects.tests.factories import make_project

pytestmark = pytest.mark.django_db


def at(day, hour, minute=0):
    """An aware time in Shanghai."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def test_jobs():
    """Jobs declared for one test, then taken out of the registry again."""
    before = dict(JOBS)
    calls = []

    @scheduled("tests.count", daily="00:00", title="计数任务", counts={"seen": "已看到"})
    def count(run):
        calls.append((run.job, run.period, run.rerun))
        return {"seen": sum(1 for call in calls if call[0] == "tests.count")}

    @scheduled("tests.broken", daily="05:30", title="出错任务")
    def broken(run):
        raise RuntimeError("摄像头平台无响应")

    @scheduled("tests.weekly", weekly="mon 07:00", title="每周任务")
    def weekly(run):
        calls.append((run.job, run.period, run.rerun))
        return "本周已处理"

    yield calls
    JOBS.clear()
    JOBS.update(before)


def test_the_light_refresh_is_declared_by_the_projects_app():
    job = JOBS["projects.refresh_lights"]
    assert job.schedule.at == datetime.time(6, 0) and job.schedule.weekday is None
    assert str(job.title) == "刷新项目亮灯"


def test_a_daily_job_is_queued_once_its_time_comes_and_only_once(users, django_capture_on_commit_callbacks):
    project = make_project(by=users["county_a"], planned_start_date="2020-01-01")
    Project.objects.filter(pk=project.pk).update(light=Light.GREEN, light_reasons=[])
    today = timezone.localdate()
    # Other apps' jobs (earlier ones, and weekly ones caught up) may come at any time: this one's are watched.
    assert "projects.refresh_lights" not in [r.job for r in enqueue_due(at(today, 5, 59))]  # not yet 06:00
    with django_capture_on_commit_callbacks(execute=True):
        runs = enqueue_due(at(today, 6, 0))
    lights = "projects.refresh_lights"
    assert [(r.job, r.period) for r in runs if r.job == lights] == [(lights, today.isoformat())]
    run = ScheduledRun.objects.get(job=lights)
    assert run.status == JobStatus.DONE and run.counts == {"changed": 1} and run.task_id
    assert run.started and run.finished and run.due == at(today, 6, 0) and run.requested_by is None
    assert Project.objects.get(pk=project.pk).light == Light.RED
    assert run.outcome() == [("亮灯发生变化的项目", 1)]

    Project.objects.filter(pk=project.pk).update(light=Light.GREEN, light_reasons=[])
    with django_capture_on_commit_callbacks(execute=True):
        later = enqueue_due(at(today, 6, 1)) + enqueue_due(at(today, 23, 59))  # other jobs' times come too
    assert [r for r in later if r.job == "projects.refresh_lights"] == []
    assert ScheduledRun.objects.filter(job="projects.refresh_lights").count() == 1
    assert Project.objects.get(pk=project.pk).light == Light.GREEN  # nothing ran a second time


def test_a_run_delivered_twice_runs_once(test_jobs, django_capture_on_commit_callbacks):
    [run] = [r for r in enqueue_due(at(date(2026, 12, 4), 8)) if r.job == "tests.count"]
    assert execute(run.pk) == JobStatus.DONE
    finished = ScheduledRun.objects.get(pk=run.pk).finished
    assert execute(run.pk) == "skipped"
    assert test_jobs == [("tests.count", "2026-12-04", 0)]
    assert ScheduledRun.objects.get(pk=run.pk).finished == finished


def test_a_failing_job_is_recorded_with_its_reason_and_the_others_still_run(
    test_jobs, django_capture_on_commit_callbacks, client_for
):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_due(at(date(2026, 12, 4), 6))
    broken = ScheduledRun.objects.get(job="tests.broken")
    assert broken.status == JobStatus.FAILED and broken.message == "摄像头平台无响应"
    assert "RuntimeError" in broken.error and broken.finished
    assert ScheduledRun.objects.get(job="tests.count").status == JobStatus.DONE
    page = client_for("auditor").get(f"/core/schedule/runs/{broken.pk}/").content.decode()
    assert "失败" in page and "摄像头平台无响应" in page and "RuntimeError" in page


def test_a_weekly_job_runs_once_a_week_from_its_day(test_jobs, django_capture_on_commit_callbacks):
    monday = date(2026, 11, 30)  # ISO week 49
    with django_capture_on_commit_callbacks(execute=True):
        assert "tests.weekly" not in {r.job for r in enqueue_due(at(monday, 6, 59))}
        assert "tests.weekly" in {r.job for r in enqueue_due(at(monday, 7, 0))}
        assert "tests.weekly" not in {r.job for r in enqueue_due(at(monday + datetime.timedelta(days=4), 9))}
        assert "tests.weekly" in {r.job for r in enqueue_due(at(monday + datetime.timedelta(days=7), 7))}
    runs = ScheduledRun.objects.filter(job="tests.weekly").order_by("day")
    assert [(r.period, r.day, r.message) for r in runs] == [
        ("2026-W49", monday, "本周已处理"),
        ("2026-W50", monday + datetime.timedelta(days=7), "本周已处理"),
    ]


def test_run_now_takes_the_days_run_or_records_a_rerun(test_jobs, users, django_capture_on_commit_callbacks):
    admin = users["city_admin"]
    with django_capture_on_commit_callbacks(execute=True):
        first = run_now("tests.count", date(2026, 12, 1), by=admin)  # not run that day: this is its run
        assert "tests.count" not in {r.job for r in enqueue_due(at(date(2026, 12, 1), 9))}  # the day is taken
        again = run_now("tests.count", date(2026, 12, 1), by=admin)
    assert (first.rerun, first.requested_by, again.rerun, again.requested_by) == (0, admin, 1, admin)
    assert [call for call in test_jobs if call[1] == "2026-12-01"] == [
        ("tests.count", "2026-12-01", 0),
        ("tests.count", "2026-12-01", 1),
    ]


def test_the_scheduler_command_queues_what_is_due_once(test_jobs, django_capture_on_commit_callbacks):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_scheduler", "--once", stdout=out)
    today = timezone.localdate().isoformat()
    assert f"Queued tests.count for {today}." in out.getvalue()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_scheduler", "--once", stdout=(second := StringIO()))
    assert "tests.count" not in second.getvalue()
    assert ScheduledRun.objects.filter(job="tests.count").count() == 1


# --- the page -------------------------------------------------------------------------------------

ROLES = ["city_admin", "county_a", "department", "leader", "enterprise", "dispatcher", "auditor", "anonymous"]
MATRIX = {
    "page": [200, 403, 403, 403, 403, 403, 200, 302],
    "run detail": [200, 404, 404, 404, 404, 404, 200, 302],
    "run now form shown": [True, False, False, False, False, False, False, False],
    "run now": [302, 403, 403, 403, 403, 403, 403, 302],
}


def test_city_admins_and_auditors_see_the_runs_and_only_admins_run_a_job(
    test_jobs, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = enqueue_due(at(date(2026, 12, 3), 8))[0]

    def check(row, role):
        client = client_for(role)
        match row:
            case "page":
                return client.get("/core/schedule/").status_code
            case "run detail":
                return client.get(f"/core/schedule/runs/{run.pk}/").status_code
            case "run now form shown":
                response = client.get("/core/schedule/")
                return response.status_code == 200 and 'data-testid="run-now"' in response.content.decode()
            case "run now":
                return client.post("/core/schedule/run/", {"job": "tests.count", "day": "2026-12-02"}).status_code

    assert_matrix(MATRIX, ROLES, check)
    assert ScheduledRun.objects.filter(period="2026-12-02").count() == 1  # the admin's, nobody else's


def test_the_page_lists_each_job_with_its_last_run_and_next_due_time(
    test_jobs, client_for, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_due()  # today's runs, whatever the hour (tests.count is due at 00:00)
    client = client_for("city_admin")
    page = client.get("/core/schedule/")
    rows = {row["job"].name: row for row in page.context["jobs"]}
    today = timezone.localdate()
    count = rows["tests.count"]
    assert count["last"].status == JobStatus.DONE and count["last"].period == today.isoformat()
    assert count["next_due"] == at(today + datetime.timedelta(days=1), 0)
    html = page.content.decode()
    assert "定时任务" in html and "计数任务" in html and "每天 00:00" in html and "每周星期一 07:00" in html
    assert "已看到: 1" in html  # the run's outcome under the job's own label

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/core/schedule/run/", {"job": "tests.count", "day": today.isoformat()})
    assert response.status_code == 302
    rerun = ScheduledRun.objects.get(job="tests.count", rerun=1)
    assert rerun.requested_by == users["city_admin"] and rerun.counts == {"seen": 2}
    assert "重新运行 1" in client.get("/core/schedule/?job=tests.count").content.decode()


def test_running_a_job_for_a_future_day_or_an_unknown_job_is_refused(test_jobs, client_for):
    client = client_for("city_admin")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post("/core/schedule/run/", {"job": "tests.count", "day": tomorrow.isoformat()})
    assert response.status_code == 400
    assert "定时任务只能为今天或以前的日期运行" in response.content.decode()
    response = client.post("/core/schedule/run/", {"job": "tests.nothing", "day": "2026-12-01"})
    assert response.status_code == 400 and "invalid-feedback" in response.content.decode()
    response = client.post("/core/schedule/run/", {"job": "tests.count", "day": "昨天"})
    assert response.status_code == 400
    assert not ScheduledRun.objects.exists()


def test_a_run_the_queue_cannot_take_fails_visibly(test_jobs, settings, django_capture_on_commit_callbacks):
    """Redis away: the run is failed with the reason instead of holding its day with nobody to run it."""
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0", "DEFAULT_TIMEOUT": 5}}  # nothing listens there
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_due(at(date(2026, 12, 4), 8))
    run = ScheduledRun.objects.get(job="tests.count")
    assert run.status == JobStatus.FAILED and run.finished and not run.task_id
    assert run.message.startswith("任务队列未接收本次运行") and "Connection" in run.error
    assert test_jobs == []
