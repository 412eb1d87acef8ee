"""The demo project library: the counts the campaign builds on, coherent dates and money, lights
that a leader sees red first, and a second run that writes nothing."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from keyprojects.core.models import ObjectChange
from keyprojects.enterprises.demo import seed_enterprises
from keyprojects.orgs.demo import seed_orgs
from keyprojects.projects import demo, services
from keyprojects.projects.choices import LIFECYCLE, REPORTED, STAGE_DATES, Light, Stage
from keyprojects.projects.models import (
    ListMembership,
    Milestone,
    ProgressReport,
    Project,
    ProjectEvent,
    ProjectMember,
    YearPlan,
)

MODELS = [Project, Milestone, ProgressReport, YearPlan, ProjectEvent, ListMembership, ProjectMember, ObjectChange]
ACTUAL = ["actual_sign_date", "actual_start_date", "actual_production_date", "actual_capacity_date"]
PLANNED = ["planned_sign_date", "planned_start_date", "planned_production_date", "planned_capacity_date"]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seeded once for the module (it takes seconds), rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_orgs()
        seed_enterprises()
        today = timezone.localdate()
        demo.seed_projects(today=today)
        yield today
        transaction.set_rollback(True)


def in_order(days):
    days = [day for day in days if day is not None]
    return days == sorted(days)


@pytest.mark.django_db
def test_a_second_run_creates_nothing(seeded):
    before = [model.objects.count() for model in MODELS]
    assert before[0] == sum(demo.stage_counts(seeded).values()) > 1000
    assert demo.seed_projects(today=seeded) == {}
    assert [model.objects.count() for model in MODELS] == before


@pytest.mark.django_db
def test_stage_counts_hold_the_campaign_figures(seeded):
    counts = dict(Project.objects.values_list("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    assert counts == {stage.value: n for stage, n in demo.stage_counts(seeded).items()}
    at_capacity = Project.objects.filter(stage=Stage.AT_CAPACITY)
    assert at_capacity.count() == 523
    # 已建成达效 523 as of the article's date (2024-09-30), all reached from 2019 on
    assert at_capacity.filter(actual_capacity_date__range=(date(2019, 1, 1), date(2024, 9, 30))).count() == 523
    assert not at_capacity.filter(actual_sign_date__lt=date(2019, 1, 1)).exists()
    # Enough candidates for 353 SIGN, 296 START and 117 PRODUCE entries over 2021-07 … 2024-09
    window = (date(2021, 4, 1), date(2024, 9, 30))
    live = Project.objects.exclude(stage=Stage.TERMINATED)
    assert live.filter(actual_sign_date__range=window).count() >= 353 + 50
    assert live.filter(actual_start_date__range=window).count() >= 296 + 50
    assert live.filter(actual_production_date__range=window).count() >= 117 + 50


@pytest.mark.django_db
def test_every_project_is_valid_and_its_dates_never_go_backwards(seeded):
    today = seeded
    projects = list(Project.objects.select_related("region", "parent"))
    codes = [p.code for p in projects if p.code]
    assert len(codes) == len(set(codes)) and len(codes) > 900
    for project in projects:
        project.full_clean()  # codes, industry codes, money
        actual = [getattr(project, name) for name in ACTUAL]
        assert in_order(actual), project
        assert in_order([getattr(project, name) for name in PLANNED]), project
        assert all(day <= today for day in actual if day), project
        reached = LIFECYCLE.index(project.stage) if project.stage in LIFECYCLE else None
        for i, name in enumerate(ACTUAL):
            if reached is not None:  # a date exactly for the stages reached
                assert (getattr(project, name) is not None) == (i + 2 <= reached), (project, name)
        if project.stage in STAGE_DATES:
            assert project.stage_date == getattr(project, STAGE_DATES[project.stage][1])
        if project.stage == Stage.TERMINATED:
            assert project.termination_reason
            assert project.stage_date >= max(day for day in actual + [project.stage_date] if day)
    nodes = defaultdict(list)
    for milestone in Milestone.objects.order_by("project", "order"):
        nodes[milestone.project_id].append(milestone)
    assert len(nodes) == len(projects)
    for project in projects:
        rows = nodes[project.pk]
        assert in_order([m.planned_date for m in rows]) and in_order([m.actual_date for m in rows]), project
        assert all(m.actual_date <= today for m in rows if m.actual_date)
        done = [m.actual_date is not None for m in rows]
        assert done == sorted(done, reverse=True), project  # the nodes reached come first
        if project.stage == Stage.AT_CAPACITY:
            assert all(done)


@pytest.mark.django_db
def test_reports_add_up_start_with_the_build_and_stay_below_the_total(seeded):
    today = seeded
    projects = {p.pk: p for p in Project.objects.filter(reports__isnull=False).distinct()}
    running = defaultdict(Decimal)
    months = defaultdict(list)
    for report in ProgressReport.objects.order_by("project", "month"):
        project = projects[report.project_id]
        # the project counts what its county submitted; a draft shows what it will add
        counted = report.status in REPORTED
        running[project.pk] += report.investment if counted else 0
        months[project.pk].append(report.month)
        assert report.cumulative_investment == running[project.pk] + (0 if counted else report.investment), report
        assert report.month >= project.actual_start_date.replace(day=1), report
        assert report.month < today.replace(day=1), report
        assert report.investment >= 0
    for pk, project in projects.items():
        assert project.cumulative_investment == running[pk] < project.total_investment
        if project.actual_production_date:
            assert months[pk][-1] <= project.actual_production_date
    # every build under way reports, except one started last month that has not filed yet
    last_month = services.first_of_month(today.replace(day=1) - timedelta(days=1))
    started = Project.objects.filter(stage=Stage.STARTED, actual_start_date__lt=last_month)
    assert set(started.values_list("pk", flat=True)) <= set(projects)
    assert YearPlan.objects.filter(project__stage=Stage.STARTED, year=today.year).count() > 100
    assert not YearPlan.objects.filter(year__lt=today.year - 2).exists()
    statuses = set(ProgressReport.objects.values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "accepted", "returned"}
    late, _month = services.late_filers(Project.objects.all(), today)
    assert 5 <= late.count() < Project.objects.filter(stage=Stage.STARTED).count() / 2


@pytest.mark.django_db
def test_lights_are_computed_mixed_and_the_demo_leader_sees_red_first(seeded):
    assert services.refresh_all_lights(seeded) == 0  # stored lights are what the service computes
    active = Project.objects.filter(stage__in=[Stage.SIGNED, Stage.STARTED, Stage.PRODUCING])
    lights = {light: active.filter(light=light).count() for light in Light}
    assert lights[Light.RED] >= 20 and lights[Light.YELLOW] >= 20 and lights[Light.GREEN] > lights[Light.RED]
    for lookup in ("leader__username", "service_officer__username"):
        own = Project.objects.filter(**{lookup: lookup.split("_")[0] if lookup.startswith("leader") else "officer"})
        assert 5 <= own.count() <= 12
        assert {Light.RED, Light.YELLOW} <= set(own.values_list("light", flat=True))
        assert all(p.light_reasons for p in own.exclude(light=Light.GREEN))
    assert ProjectEvent.objects.filter(project__stage=Stage.AT_CAPACITY).count() >= 523 * 4
    assert ProjectEvent.objects.filter(time__year__lt=2024).exists()  # dated when the stage was reached


def test_the_layout_holds_whatever_day_it_is_seeded(db):
    """Built in memory (no writes) for a January and a July: 523 at capacity, dates in order."""
    seed_orgs()
    seed_enterprises()
    for today in (date(2027, 1, 9), date(2027, 7, 20)):
        plans = demo.Builder(today).build()
        assert sum(plan.stage == Stage.AT_CAPACITY for plan in plans) == 523
        for plan in plans:
            v = plan.values
            assert in_order([v.get(name) for name in ACTUAL]) and in_order([v.get(name) for name in PLANNED])
            assert all(month < today.replace(day=1) for month, *_ in plan.reports)
            if plan.reports:
                assert plan.reports[0][0] >= v["actual_start_date"].replace(day=1)


@pytest.mark.django_db
def test_projects_built_before_reporting_began_bring_what_they_completed(seeded):
    built = Project.objects.filter(stage=Stage.AT_CAPACITY, reports__isnull=True)
    assert built.count() > 100
    for project in built:
        assert 0 < project.prior_investment == project.cumulative_investment <= project.total_investment, project
