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
        from django.contrib.contenttypes.models import ContentType

        self.request = request
        self.report = ProgressReport.objects.order_by("pk").first()
        self.content_type = ContentType.objects.get_for_model(ProgressReport)

    def __call__(self):
        ObjectChange.objects.create(
            content_type=self.content_type,
            object_id=self.report.pk,
            object_repr="bench",
            actor="bench",
            action="update",
        )
        self.request()


def _period():
    last = timezone.localdate().replace(day=1) - timedelta(days=1)
    return last.year, last.month


def scenarios():
    from .scenarios import Request

    admin = User.objects.get(username="bench_city_admin")
    year, month = _period()
    reports = ProgressReport.objects.filter(archived_at__isnull=True, status__in=("submitted", "accepted"))
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


def run_forecast(out=print):
    """The daily forecast against reading its feature rows, and training on five years."""
    from django.db import transaction

    today = timezone.localdate()
    started = time.perf_counter()
    history = forecast.History.load()
    read = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        model, counts = forecast.train_model(today)
        trained = time.perf_counter() - started
        if model is None:
            out(f"forecast: too little history to train ({counts}); nothing to time")
            transaction.set_rollback(True)
            return None
        started = time.perf_counter()
        scored = forecast.refresh_forecasts(today, model)
        daily = time.perf_counter() - started
        transaction.set_rollback(True)
    result = {
        "projects under way scored": scored,
        "history projects": len(history.projects),
        "read feature rows (ORM) s": round(read, 2),
        "daily forecast s": round(daily, 2),
        "ratio": round(daily / read, 2) if read else None,
        "train (backtest + fit) s": round(trained, 1),
        "train target": f"≤ {TRAIN_TARGET_S} s",
        "outcomes": counts,
    }
    out("forecast: " + ", ".join(f"{k} {v}" for k, v in result.items()))
    return result
