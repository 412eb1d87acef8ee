"""The demo's investment history: four years of monthly reports under the demo projects, so the
statistics page has three years of growth for every category; no project's completed investment
changes; the bureau's figures are there; a second run writes nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from keyprojects.dashboards import investment
from keyprojects.enterprises.demo import seed_enterprises
from keyprojects.orgs.demo import seed_orgs
from keyprojects.orgs.models import User
from keyprojects.projects import demo
from keyprojects.projects.choices import BaselineStatus, InvestmentCategory, ReplanReason
from keyprojects.projects.demo_statistics import seed_statistics
from keyprojects.projects.models import Baseline, OfficialFigure, Project


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        seed_orgs()
        seed_enterprises()
        today = timezone.localdate()
        demo.seed_projects(today=today)
        before = dict(Project.objects.values_list("pk", "cumulative_investment"))
        counts = seed_statistics(today=today)
        yield today, before, counts
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_three_years_of_growth_for_every_category(seeded):
    today, _before, counts = seeded
    assert counts["history reports"] > 1000 and counts["private projects"] > 100
    last = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    admin = User.objects.filter(is_superuser=True).first() or User.objects.get(username="cityadmin")
    years = investment.by_year(investment.reports_for(admin), last.year, last.month)
    assert len(years) == 3
    for row in years:
        for category in InvestmentCategory.values:
            assert row.figures[category].growth is not None, (row.label, category)
        assert Decimal(0) < row.emerging_share < Decimal(100)
    # A city's growth, not the −57 % of a pipeline that stopped at the article's date.
    assert all(Decimal(-15) <= row.figures[InvestmentCategory.TOTAL].growth <= Decimal(45) for row in years), [
        (row.label, row.figures[InvestmentCategory.TOTAL].growth) for row in years
    ]


@pytest.mark.django_db
def test_completed_investment_is_unchanged_and_a_second_run_writes_nothing(seeded):
    today, before, _counts = seeded
    for project in Project.objects.filter(reports__month__lt=today.replace(year=today.year - 2)).distinct()[:200]:
        reported = sum(r.investment for r in project.reports.filter(status__in=("submitted", "accepted")))
        assert project.prior_investment + reported == before[project.pk]
    assert OfficialFigure.objects.count() == 6
    again = seed_statistics(today=today)
    assert set(again.values()) == {0}, again


@pytest.mark.django_db
def test_baselines_with_reasoned_replans_and_some_waiting_for_the_county(seeded):
    _today, _before, counts = seeded
    assert counts["re-plans"] >= 20 and counts["waiting"] >= 1
    replans = Baseline.objects.filter(number__gt=1)
    assert not replans.filter(reason=ReplanReason.FIRST).exists()
    assert replans.filter(reason=ReplanReason.LAND).exists() and replans.exclude(reason=ReplanReason.LAND).exists()
    for replan in replans.filter(status=BaselineStatus.APPROVED)[:50]:
        first = replan.project.baselines.get(number=1)
        assert (replan.planned_production_date - first.planned_production_date).days == replan.slip_days > 0
        assert replan.project.planned_production_date == replan.planned_production_date  # the plan today


@pytest.mark.django_db
def test_the_demo_forecast_has_its_backtest_beside_the_lights(seeded):
    from keyprojects.dashboards.demo import seed_forecast
    from keyprojects.projects.models import RiskForecast, RiskModel

    today, _before, _counts = seeded
    assert seed_forecast(today=today)["scored"] > 20
    model = RiskModel.objects.get()
    test = model.card["backtest"]
    assert test["trained_months"] >= 6 and test["auc"] is not None and test["lights_precision"] is not None
    assert len(test["calibration"]) == 5
    assert RiskForecast.objects.filter(reasons__isnull=False).exists()
    assert seed_forecast(today=today) == {}


@pytest.mark.django_db
def test_slips_come_from_causes_and_leave_what_happened_alone(seeded):
    from keyprojects.projects.models import Milestone

    late_land = Milestone.objects.filter(name__in=("拿地", "前期手续"), actual_date__isnull=False)
    delayed = [m for m in late_land if (m.actual_date - m.planned_date).days >= 45]
    assert 0.2 < len(delayed) / late_land.count() < 0.5  # about a third drew a land delay
    open_nodes = Milestone.objects.filter(actual_date__isnull=True, planned_date__isnull=False)
    for node in open_nodes.select_related("project")[:200]:
        reached = node.project.milestones.filter(actual_date__isnull=False, order__lt=node.order)
        assert all(m.planned_date <= node.planned_date for m in reached)  # the open node, and its light, kept
