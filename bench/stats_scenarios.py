"""Investment statistics and slip-risk forecast scenarios (issue 19), appended to the request
scenarios; the forecast's daily run and its training are timed by `run_forecast()`.

References, measured in the same run:
- the statistics page (categories, three years, months, by region): the same aggregates called
  directly on every report (`investment.by_year`, `by_month`, `grouped`) with the cache emptied
  first — the bare aggregate without scope, view or template; "after a write" each request
  follows a change-log row on the reports, so its figures are computed afresh;
- the daily forecast over every project under way (features and scoring, and its writes):
  reading the same feature rows with the ORM (`History.load()`, the queries it makes);
- training on five years of history: a target in seconds (≤ 60 s), no reference.
"""

import time
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

from keyprojects.core.models import ObjectChange
from keyprojects.dashboards import forecast, investment
from keyprojects.orgs.models import User
from keyprojects.projects.models import ProgressReport

TRAIN_TARGET_S = 60


class AfterReportWrite:
    """A request preceded by a change-log row on the reports (as every write leaves one)."""

    def __init__(self, request):
        self.request = request
        self.report = ProgressReport.objects.order_by("pk").first()

    def __call__(self):
        from keyprojects.core.models import ChangeAction

        ObjectChange.log_many([(self.report, ChangeAction.UPDATE, {"physical_progress": ["bench", "bench"]})])
        self.request()


def _period():
    last = timezone.localdate().replace(day=1) - timedelta(days=1)
    return last.year, last.month


def scenarios():
    from .scenarios import Request

    admin = User.objects.get(username="bench_city_admin")
    year, month = _period()
    reports = ProgressReport.objects.filter(archived_at__isnull=True, status__in=("submitted", "accepted")).count()
    every = investment.reports_for(admin)

    def bare():
        cache.clear()
        investment.by_year(every, year, month)
        investment.by_month(every, year, month)
        investment.grouped(every, year, month, "region")

    url = f"/dashboards/investment/?month={year}-{month:02d}&by=region"
    return [
        ("investment statistics, by region", Request(admin, url), bare, reports),
        ("investment statistics, by region, after a write", AfterReportWrite(Request(admin, url)), bare, reports, None),
        (
            "API investment statistics",
            Request(admin, f"/api/dashboards/investment/?month={year}-{month:02d}"),
            bare,
            reports,
        ),
    ]


def read_feature_rows(projects):
    """The reference: the rows the features are computed from, read with the bare ORM into lists
    (projects, nodes, original plans, reported reports, year plans, re-plans, problems, approval
    matters, camera activity) — no conversion, no computation."""
    from keyprojects.approvals.models import ProjectApproval
    from keyprojects.monitoring.models import DailyActivity
    from keyprojects.problems.models import Problem
    from keyprojects.projects.choices import REPORTED
    from keyprojects.projects.models import Baseline, Milestone, YearPlan

    projects = projects.filter(archived_at__isnull=True, actual_start_date__isnull=False)
    ids = projects.values("pk")
    found = [
        list(projects.values_list("pk", "stage", "stage_date", "actual_start_date", "actual_production_date",
                                  "total_investment", "field", "in_statistics", "statistics_date")),
        list(Milestone.objects.filter(project_id__in=ids, archived_at__isnull=True)
             .values_list("pk", "project_id", "name", "planned_date", "actual_date")),
        list(Baseline.objects.filter(project_id__in=ids).values_list("project_id", "number", "nodes", "decided_at")),
        list(ProgressReport.objects.filter(project_id__in=ids, archived_at__isnull=True, status__in=REPORTED)
             .values_list("project_id", "month", "investment", "submitted_at")),
        list(YearPlan.objects.filter(project_id__in=ids, archived_at__isnull=True)
             .values_list("project_id", "year", "planned_investment")),
        list(Problem.objects.filter(project_id__in=ids).values_list("project_id", "raised_on", "closed_on")),
        list(ProjectApproval.objects.filter(project_id__in=ids)
             .values_list("project_id", "applied_on", "statutory_days", "decided_on")),
        list(DailyActivity.objects.filter(project_id__in=ids).values_list("project_id", "day", "idle_days")),
    ]  # fmt: skip
    return sum(len(rows) for rows in found)


def _timed(function, *args):
    """(result, wall seconds, CPU seconds of this process): the machine is shared, so the CPU
    seconds of the process are the steadier figure (the database's own work is not in them)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def run_forecast(out=print, repeat=5):
    """The daily forecast against reading its feature rows, and training on five years."""
    from django.db import transaction

    from keyprojects.projects.choices import Stage
    from keyprojects.projects.models import Project

    today = timezone.localdate()
    under_way = Project.objects.filter(stage=Stage.STARTED)  # the projects the daily run reads
    with transaction.atomic():
        started = time.perf_counter(), time.process_time()
        model, counts = forecast.train_model(today)
        trained = time.perf_counter() - started[0], time.process_time() - started[1]
        if model is None:
            out(f"forecast: too little history to train ({counts}); nothing to time")
            transaction.set_rollback(True)
            return None
        reads, dailies = [], []
        for _round in range(repeat):  # interleaved, so that a busy moment weighs on both alike
            rows, wall, cpu = _timed(read_feature_rows, under_way)
            reads.append(wall)
            scored, wall, cpu = _timed(forecast.refresh_forecasts, today, model)
            dailies.append(wall)
        transaction.set_rollback(True)
    backtest = model.card["backtest"]
    read, daily = sorted(reads)[len(reads) // 2], sorted(dailies)[len(dailies) // 2]
    result = {
        "projects under way scored": scored,
        "feature rows read (reference)": rows,
        "read feature rows (bare ORM), median s": round(read, 2),
        "daily forecast (features, scoring, writes), median s": round(daily, 2),
        "ratio": round(daily / read, 2) if read else None,
        "train (load + 12-month backtest + fit) wall s": round(trained[0], 1),
        "train CPU s (this process)": round(trained[1], 1),
        "train target": f"≤ {TRAIN_TARGET_S} s",
        "outcomes": counts,
        "backtest AUC / lights AUC": f"{backtest.get('auc')} / {backtest.get('lights_auc')}",
    }
    out("forecast: " + ", ".join(f"{k} {v}" for k, v in result.items()))
    return result
