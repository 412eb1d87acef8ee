"""The slip-risk forecast: no leakage from the future (the clock is shifted and later records
added, the features do not move), an honest backtest on a history whose slips come from a
cause with noise, too little history said as such, and a forecast hidden when it does not beat
the lights."""

import math
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from keyprojects.dashboards import forecast
from keyprojects.projects.choices import BaselineStatus, ReportStatus, Stage
from keyprojects.projects.models import Baseline, Milestone, ProgressReport, Project, RiskForecast, RiskModel, YearPlan

pytestmark = pytest.mark.django_db
N = len(forecast.FEATURES)


def first_feature_model(*, beats_lights=True, weight=1.0, card=None):
    """A kept model that reads only how long the next node is past its date, weighted `weight`."""
    return RiskModel.objects.create(
        version=1, trained_at=timezone.now(), as_of=date(2024, 12, 1), card=card or {}, beats_lights=beats_lights,
        parameters={"features": list(forecast.FEATURES), "means": [0.0] * N, "scales": [1.0] * N,
                    "coefficients": [weight] + [0.0] * (N - 1), "intercept": 0.0},
    )  # fmt: skip


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def aware(day):
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 10))


@pytest.fixture
def building(regions):
    project = Project.objects.create(
        name="在建项目",
        region=regions["郾城区"],
        total_investment=80000,
        stage=Stage.STARTED,
        actual_start_date=date(2024, 1, 10),
    )
    for order, (name, planned) in enumerate(
        [("拿地", date(2024, 5, 1)), ("主体封顶", date(2024, 8, 1)), ("设备安装", date(2024, 11, 1))], 1
    ):
        Milestone.objects.create(project=project, name=name, order=order, planned_date=planned)
    YearPlan.objects.create(project=project, year=2024, planned_investment=12000)
    for month in (1, 2, 3):
        ProgressReport.objects.create(
            project=project,
            month=date(2024, month, 1),
            investment=Decimal(1000),
            physical_progress="施工",
            status=ReportStatus.ACCEPTED,
            submitted_at=aware(date(2024, month + 1, 5)),
        )
    return project


def test_features_read_nothing_after_their_day(building, users):
    day = date(2024, 5, 20)
    before = forecast.features(forecast.History.load(), day)
    assert len(before) == 1 and before[0].node == "拿地" and before[0].label is None
    # what happens after the day: land reached, a report filed late for April, a re-plan decided
    Milestone.objects.filter(project=building, name="拿地").update(actual_date=date(2024, 6, 10))
    ProgressReport.objects.create(
        project=building,
        month=date(2024, 4, 1),
        investment=Decimal(5000),
        physical_progress="补报",
        status=ReportStatus.SUBMITTED,
        submitted_at=aware(date(2024, 6, 2)),
    )
    Baseline.objects.create(project=building, number=1, planned_production_date=date(2025, 1, 1), slip_days=0)
    Baseline.objects.create(
        project=building,
        number=2,
        reason="land",
        note="征地",
        status=BaselineStatus.APPROVED,
        planned_production_date=date(2025, 4, 1),
        slip_days=90,
        decided_at=aware(date(2024, 7, 1)),
    )
    after = forecast.features(forecast.History.load(), day)
    assert [r.values for r in after] == [r.values for r in before]
    assert after[0].label is None  # the outcome is not known on the day
    later = forecast.features(forecast.History.load(), day, now=date(2024, 12, 1))
    assert later[0].label == 1  # seen from December: the land node ended 40 days late
    # and on a later day the new records count
    moved = forecast.features(forecast.History.load(), date(2024, 7, 15))[0]
    assert moved.node == "主体封顶" and moved.params["replans"]["n"] == 1


def test_the_newer_apps_signals_count_only_what_was_known_on_the_day(building, users):
    """Problems, approval matters and the cameras' activity: a problem raised before the day and
    solved after it was open on the day; one raised after it, a camera day after it and a decision
    after it change nothing; seen from later, they count."""
    from keyprojects.monitoring.models import DailyActivity
    from keyprojects.problems.models import Problem

    day = date(2024, 5, 20)
    common = {"project": building, "region": building.region, "raised_by": users["city_admin"],
              "category": "land", "problem_class": "simple", "description": "征地拆迁未完成"}  # fmt: skip
    Problem.objects.create(title="征地", raised_on=date(2024, 4, 20), closed_on=date(2024, 6, 1), **common)
    DailyActivity.objects.create(project=building, day=date(2024, 5, 17), idle_days=8)
    before = forecast.features(forecast.History.load(), day)[0]
    names = list(forecast.FEATURES)
    assert before.values[names.index("open_problems")] == 1
    assert before.params["open_problems"] == {"n": 1, "days": 30}
    assert before.values[names.index("idle_days")] == 8
    # after the day: another problem, a camera day, and the first problem closed on the 21st
    Problem.objects.create(title="用电", raised_on=date(2024, 5, 25), **common)
    DailyActivity.objects.create(project=building, day=date(2024, 5, 20), idle_days=9)
    DailyActivity.objects.create(project=building, day=date(2024, 5, 24), idle_days=0)
    Problem.objects.filter(title="征地").update(closed_on=date(2024, 5, 21))
    after = forecast.features(forecast.History.load(), day)[0]
    assert after.values == before.values
    later = forecast.features(forecast.History.load(), date(2024, 5, 28))[0]
    assert later.params["open_problems"]["n"] == 1 and later.values[names.index("idle_days")] == 0
    # approval matters: past their statutory limit (10 working days ≈ 14 calendar days) on the day,
    # undecided until after it — counted; one decided before the day or applied for after it — not
    history = forecast.History.from_records(
        [{"pk": 1, "stage": Stage.STARTED, "stage_date": None, "actual_start_date": date(2024, 1, 1),
          "actual_production_date": None, "total_investment": 1000, "field": "industry",
          "in_statistics": True, "statistics_date": None}],
        [{"project_id": 1, "name": "开工", "planned": date(2024, 6, 1), "actual_date": None}],
        approvals=[(1, date(2024, 4, 1), 10, date(2024, 6, 1)), (1, date(2024, 4, 1), 10, date(2024, 5, 1)),
                   (1, date(2024, 5, 21), 1, None), (1, date(2024, 5, 10), 10, None)],
    )  # fmt: skip
    row = forecast.features(history, day)[0]
    assert row.params["approvals_overdue"] == {"n": 1}


def test_too_little_history_is_said_not_guessed(building, client_for):
    model, counts = forecast.train_model(date(2024, 12, 1))
    assert model is None and counts["rows"] < forecast.MIN_ROWS
    page = client_for("city_admin").get("/dashboards/forecast/")
    text = page.content.decode()
    assert 'data-testid="forecast-too-little"' in text and f"at least {forecast.MIN_ROWS}" in text


def synthetic(seed=7, projects_count=240):
    """A history in memory whose slips come from a cause — a funding gap shows as months without
    a report before a node — with noise: a gap makes a late node likely, not certain, and any
    node may be late without one."""
    rng = random.Random(seed)
    projects, nodes, reports = [], [], []
    for pk in range(1, projects_count + 1):
        start = date(2020, 1, 1) + timedelta(days=rng.randint(0, 4 * 365))
        projects.append({
            "pk": pk, "stage": Stage.STARTED, "stage_date": start, "actual_start_date": start,
            "actual_production_date": None, "total_investment": Decimal(rng.randint(5000, 500000)),
            "field": "industry", "in_statistics": True, "statistics_date": start,
        })  # fmt: skip
        gap = rng.random() < 0.35
        month = forecast.first_of_month(start)
        stop = forecast.add_months(month, 30)
        gap_from = forecast.add_months(month, rng.randint(3, 12))
        while month < stop:
            if not (gap and gap_from <= month < forecast.add_months(gap_from, 8)):
                reports.append(
                    {"project_id": pk, "month": month, "investment": Decimal(100),
                     "filed": forecast.add_months(month, 1) + timedelta(4)}
                )  # fmt: skip
            month = forecast.add_months(month, 1)
        planned = start
        for order in range(1, 7):
            planned = planned + timedelta(days=120)
            in_gap = gap and gap_from <= planned < forecast.add_months(gap_from, 10)
            late = rng.random() < (0.8 if in_gap else 0.15)
            actual = planned + timedelta(days=rng.randint(35, 120) if late else rng.randint(-20, 25))
            nodes.append({"project_id": pk, "name": f"节点{order}", "order": order, "planned": planned,
                          "actual_date": actual})  # fmt: skip
    return forecast.History.from_records(projects, nodes, reports)


def test_backtest_finds_the_cause_and_beats_the_lights():
    result = forecast.backtest(synthetic(), date(2024, 12, 15), months=6, since=date(2020, 1, 1))
    assert result["trained_months"] == 6
    assert result["auc"] > 0.7 > result["lights_auc"]
    assert result["beats_lights"]
    assert sum(b["n"] for b in result["calibration"]) == result["rows"]


def test_a_forecast_that_does_not_beat_the_lights_is_not_shown(building, client_for):
    card = {"trained_on": {"rows": 500, "late": 100, "projects": 50}, "backtest": {"trained_months": 0}}
    model = first_feature_model(beats_lights=False, card=card)
    assert forecast.refresh_forecasts(date(2024, 5, 20), model) == 1
    found = RiskForecast.objects.get(project=building)
    assert found.probability > Decimal("0.5") and found.reasons[0]["code"] == "overdue_months"
    page = client_for("city_admin").get("/dashboards/forecast/")
    assert 'data-testid="forecast-hidden"' in page.content.decode()
    detail = client_for("county_a").get(f"/projects/projects/{building.pk}/").content.decode()
    assert "this rating follows the light" in detail and "Probability that node" not in detail
    assert "days past its planned date" in detail


def test_the_api_says_how_much_history_is_needed_then_gives_scoped_forecasts(building, api_for):
    empty = api_for("city_admin").get("/api/dashboards/forecasts/").json()
    assert empty["model"] is None and empty["needed"]["rows"] == forecast.MIN_ROWS
    model = first_feature_model(beats_lights=False)
    forecast.refresh_forecasts(date(2024, 5, 20), model)
    mine = api_for("county_a").get("/api/dashboards/forecasts/").json()
    assert len(mine["forecasts"]) == 1 and mine["forecasts"][0]["probability"] is None  # not beating the lights
    assert mine["forecasts"][0]["reasons"][0]["text"].startswith("node “拿地”")
    assert api_for("county_b").get("/api/dashboards/forecasts/").json()["forecasts"] == []


def test_the_leaders_list_and_the_big_screen_carry_delivery_confidence(building, users, client_for):
    building.leader = users["leader"]
    building.save()
    model = first_feature_model()
    forecast.refresh_forecasts(date(2024, 5, 20), model)
    mine = client_for("leader").get("/projects/mine/").content.decode()
    assert 'data-testid="card-confidence"' in mine and 'data-testid="open-at-risk"' in mine
    screen = client_for("city_admin").get("/dashboards/campaign/screen/").content.decode()
    assert 'data-testid="screen-at-risk"' in screen and "在建项目" in screen


def test_the_weekly_list_tells_each_leader_of_their_low_confidence_projects(building, users, run_jobs):
    from keyprojects.core.notification_models import Notification
    from keyprojects.dashboards.notifications import tell_leaders_at_risk

    building.leader = users["leader"]
    building.save()
    model = first_feature_model(weight=3.0)
    forecast.refresh_forecasts(date(2024, 5, 20), model)
    with run_jobs():
        assert tell_leaders_at_risk() == 1
    told = Notification.objects.get(recipient=users["leader"])
    assert "在建项目" in told.text and told.url == "/dashboards/at-risk/"


def months(earlier, later):
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def one_project_at_a_time(history_records, day, now):
    """The features as first written, one project at a time in Python (the reading the set-based
    frame replaced): the twelve original features, the label and the rule light."""
    from types import SimpleNamespace

    from keyprojects.projects.services import project_lights

    projects, nodes, reports, plans, replans = history_records
    found = {}
    expected = Decimal(day.month - 1) * 100 / 12
    for project in projects:
        pk, start, produced = project["pk"], project["actual_start_date"], project["actual_production_date"]
        if start > day or (produced and produced <= day):
            continue
        if project["stage"] == Stage.TERMINATED and project["stage_date"] and project["stage_date"] <= day:
            continue
        mine = [n for n in nodes if n["project_id"] == pk]
        reached = [n for n in mine if n["actual_date"] and n["actual_date"] <= day]
        upcoming = [n for n in mine if n["planned"] and not (n["actual_date"] and n["actual_date"] <= day)]
        if not upcoming:
            continue
        node = upcoming[0]
        overdue = max(0, (day - node["planned"]).days)
        if overdue > forecast.LATE_DAYS:
            continue
        filed = [r for r in reports if r["project_id"] == pk and r["filed"] <= day]
        done = sum((r["investment"] for r in filed if r["month"].year == day.year and r["month"] < day), Decimal(0))
        plan = plans.get((pk, day.year))
        behind = max(Decimal(0), expected - done * 100 / plan) if plan else Decimal(0)
        last = max((r["month"] for r in filed), default=None)
        without = min(6, months(last, day) - 1) if last else min(6, months(start, day))
        late = sum(1 for n in reached if n["planned"] and (n["actual_date"] - n["planned"]).days > 30)
        land = [n for n in upcoming if n["name"] in forecast.LAND_NODES and n["planned"] < day]
        registered = project["in_statistics"] and (not project["statistics_date"] or project["statistics_date"] <= day)
        values = [
            overdue / 30, 1.0 if 0 <= (node["planned"] - day).days <= 30 else 0.0, float(behind) / 10,
            0.0 if plan else 1.0, float(max(0, without)), float(late),
            max(((day - n["planned"]).days for n in land), default=0) / 30,
            float(sum(1 for p, decided in replans if p == pk and decided <= day)), 0.0 if registered else 1.0,
            math.log10(float(max(project["total_investment"] or Decimal(1), Decimal(1)))),
            1.0 if project["field"] == "industry" else 0.0, (day - start).days / 365,
        ]  # fmt: skip
        actual = node["actual_date"]
        if actual and actual <= node["planned"] + timedelta(30):
            label = 0 if actual <= now else None
        else:
            label = 1 if node["planned"] + timedelta(31) <= now else None
        as_then = SimpleNamespace(stage=Stage.STARTED, planned_start_date=None, in_statistics=registered,
                                  actual_start_date=start)  # fmt: skip
        milestones = [
            SimpleNamespace(name=n["name"], planned_date=n["planned"],
                            actual_date=n["actual_date"] if n["actual_date"] and n["actual_date"] <= day else None)
            for n in mine
        ]  # fmt: skip
        lights = {light for light, _ in project_lights(as_then, day, milestones, plan and SimpleNamespace(
            planned_investment=plan), done)}  # fmt: skip
        light = "red" if "red" in lights else "yellow" if "yellow" in lights else "green"
        found[pk] = (node["name"], values, label, light)
    return found


def test_the_set_based_features_read_as_one_project_at_a_time_did():
    """Land nodes late and open, plans, re-plans, late and missing reports, unregistered and
    terminated projects, drawn at random: each day's rows are the ones the per-project reading
    gives (the features, the label as known later, the rule light)."""
    rng = random.Random(11)
    projects, nodes, reports, plans, replans = [], [], [], {}, []
    for pk in range(1, 121):
        start = date(2021, 1, 1) + timedelta(days=rng.randint(0, 900))
        projects.append({
            "pk": pk, "stage": rng.choice([Stage.STARTED] * 5 + [Stage.TERMINATED]),
            "stage_date": start + timedelta(days=rng.randint(30, 700)), "actual_start_date": start,
            "actual_production_date": start + timedelta(days=rng.randint(200, 1200)) if rng.random() < 0.5 else None,
            "total_investment": Decimal(rng.choice([0, 3000, 80000, 1200000])),
            "field": rng.choice(["industry", "services"]), "in_statistics": rng.random() < 0.7,
            "statistics_date": start + timedelta(days=rng.randint(-5, 90)) if rng.random() < 0.8 else None,
        })  # fmt: skip
        planned = start - timedelta(days=rng.randint(0, 60))
        for order, name in enumerate(["拿地", "前期手续", "开工", "主体", "设备", "投产"], 1):
            planned += timedelta(days=rng.randint(20, 160))
            actual = planned + timedelta(days=rng.randint(-30, 150)) if rng.random() < 0.8 else None
            nodes.append({"project_id": pk, "name": name, "order": order,
                          "planned": planned if rng.random() < 0.95 else None, "actual_date": actual})  # fmt: skip
        month = start.replace(day=1)
        while month < date(2024, 6, 1):
            if rng.random() < 0.8:
                reports.append({"project_id": pk, "month": month, "investment": Decimal(rng.randint(0, 900)),
                                "filed": forecast.add_months(month, 1) + timedelta(rng.randint(0, 70))})  # fmt: skip
            month = forecast.add_months(month, 1)
        for year in (2022, 2023, 2024):
            if rng.random() < 0.7:
                plans[pk, year] = Decimal(rng.choice([0, 2000, 6000]))
        if rng.random() < 0.3:
            replans.append((pk, start + timedelta(days=rng.randint(0, 600))))
    history = forecast.History.from_records(projects, nodes, reports, plans, replans)
    records = (projects, nodes, reports, plans, replans)
    checked = 0
    for day in (date(2022, 3, 1), date(2022, 11, 1), date(2023, 6, 1), date(2024, 2, 1)):
        now = date(2024, 6, 1)
        expected = one_project_at_a_time(records, day, now)
        rows = {r.project: r for r in forecast.features(history, day, now=now)}
        assert set(rows) == set(expected)
        for pk, (node, values, label, light) in expected.items():
            row = rows[pk]
            assert (row.node, row.label, row.light) == (node, label, light), pk
            assert row.values[:12] == pytest.approx(values), pk
            checked += 1
    assert checked > 100


def test_the_next_days_run_writes_over_yesterdays_forecast(building):
    model = first_feature_model()
    forecast.refresh_forecasts(date(2024, 4, 10), model)
    first = RiskForecast.objects.get(project=building)
    forecast.refresh_forecasts(date(2024, 5, 20), model)
    then = RiskForecast.objects.get(project=building)
    assert then.pk == first.pk and then.as_of == date(2024, 5, 20) and then.probability > first.probability
    assert then.reasons[0]["code"] == "overdue_months" and then.reasons[0]["days"] == 19
