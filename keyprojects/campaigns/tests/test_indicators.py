"""Each indicator on small hand-made cases: the expected figures are counted by hand in the
comments, never computed by the code under test."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from keyprojects.campaigns import indicators
from keyprojects.campaigns.choices import Batch
from keyprojects.campaigns.indicators import build_indicators, check_indicators, compute, drill, entries_for, summary
from keyprojects.enterprises.models import Enterprise
from keyprojects.projects import services as project_services
from keyprojects.projects.models import ProgressReport, Project, YearPlan
from keyprojects.projects.tests.factories import photo

from .factories import listed, make_phase, project_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(regions):
    return Enterprise.objects.create(
        name="漯河履约食品有限公司", credit_code="914403001922038216", region=regions["郾城区"]
    )


@pytest.fixture
def phases():
    return [make_phase(1, date(2024, 3, 1)), make_phase(2, date(2024, 6, 1)), make_phase(3, date(2024, 9, 1))]


def secure_land(project, day):
    project.milestones.filter(name="拿地").update(actual_date=day)


def test_a_project_in_three_phases_is_three_entries_and_one_project(phases):
    p1, p2, p3 = phases
    rolling = project_at(
        "三期滚动项目",
        signed=date(2024, 2, 1),
        started=date(2024, 5, 1),
        producing=date(2024, 8, 1),
        capacity=date(2024, 9, 20),
    )
    listed(p1, rolling, Batch.SIGN)
    listed(p2, rolling, Batch.START)
    listed(p3, rolling, Batch.PRODUCE)
    stalled = project_at("签约未开工项目", signed=date(2024, 2, 10))
    listed(p1, stalled, Batch.SIGN)
    totals = summary(entries_for())
    # 4 entries (rolling ×3, stalled ×1) but 2 projects; 1 unique project at capacity.
    assert (totals["entries"], totals["projects"], totals["at_capacity"]) == (4, 2, 1)
    assert (totals["sign"], totals["start"], totals["produce"]) == (2, 1, 1)
    figures = compute(entries_for())
    # 开工率: SIGN entries rolling (started) and stalled (signed only) → 1 of 2.
    assert (figures["start"].numerator_entries, figures["start"].denominator_entries) == (1, 2)
    assert figures["start"].rate == Decimal("50.0")
    # 投产率 and 达效率: the one START and the one PRODUCE entry, both achieved.
    assert figures["production"].rate == Decimal("100.0") and figures["capacity"].rate == Decimal("100.0")
    # The rolling project in all three batches counts once among the projects of the campaign.
    by_phase = {label.number: f for _v, label, f in compute(entries_for(), by="phase")}
    assert by_phase[1]["start"].denominator_entries == 2 and by_phase[2]["production"].denominator_entries == 1


def test_performance_rate_counts_owner_and_land_or_started(phases, owner):
    p1 = phases[0]
    performed = project_at("有业主已拿地", signed=date(2024, 2, 1), owner=owner.pk)
    secure_land(performed, date(2024, 2, 20))
    no_land = project_at("有业主未拿地", signed=date(2024, 2, 2), owner=owner.pk)
    no_owner = project_at("无业主已拿地", signed=date(2024, 2, 3))
    secure_land(no_owner, date(2024, 2, 21))
    started = project_at("已开工", signed=date(2024, 1, 5), started=date(2024, 2, 25))
    for project in (performed, no_land, no_owner, started):
        listed(p1, project, Batch.SIGN)
    figures = compute(entries_for())
    # performed (owner + land) and started count; no_land and no_owner do not: 2 of 4.
    assert (figures["performance"].numerator_entries, figures["performance"].denominator_entries) == (2, 4)
    assert figures["performance"].rate == Decimal("50.0")
    # 开工率 over the same entries: only `started` → 1 of 4.
    assert figures["start"].rate == Decimal("25.0")
    numerator, denominator = drill("performance", entries_for())
    assert {e.project.name for e in numerator} == {"有业主已拿地", "已开工"}
    assert denominator.count() == 4


def test_production_and_capacity_rates(phases):
    p1, p2, _p3 = phases
    producing = project_at("已投产", signed=date(2024, 1, 2), started=date(2024, 2, 1), producing=date(2024, 5, 1))
    building = project_at("在建", signed=date(2024, 1, 3), started=date(2024, 2, 2))
    full = project_at(
        "已达效",
        signed=date(2023, 1, 3),
        started=date(2023, 2, 2),
        producing=date(2024, 1, 10),
        capacity=date(2024, 5, 10),
    )
    listed(p1, producing, Batch.START)
    listed(p1, building, Batch.START)
    listed(p1, full, Batch.PRODUCE)
    listed(p2, producing, Batch.PRODUCE)
    figures = compute(entries_for())
    # START entries: producing (yes), building (no) → 1/2. PRODUCE: full (yes), producing (no) → 1/2.
    assert (figures["production"].numerator_entries, figures["production"].denominator_entries) == (1, 2)
    assert (figures["capacity"].numerator_entries, figures["capacity"].denominator_entries) == (1, 2)
    numerator, _denominator = drill("capacity", entries_for())
    assert [e.project.name for e in numerator] == ["已达效"]


def report(project, month, amount, by=None):
    """A month's report as the county files it: saved, then submitted (drafts count nowhere)."""
    draft = project_services.save_report(
        ProgressReport(project=project, month=month, investment=Decimal(amount), physical_progress="主体施工"), by=by
    )
    return project_services.submit_report(draft, by=by)


def test_funds_in_place_is_completed_over_contracted_for_started_signed_entries(phases):
    p1 = phases[0]
    started = project_at("资金项目", signed=date(2024, 1, 2), started=date(2024, 2, 1), total="10000")
    report(started, date(2024, 2, 1), "1500")
    report(started, date(2024, 3, 1), "1000")
    unstarted = project_at("未开工资金项目", signed=date(2024, 1, 5), total="90000")
    listed(p1, started, Batch.SIGN)
    listed(p1, unstarted, Batch.SIGN)
    Project.objects.filter(pk=started.pk).update(total_investment=20000)  # later edits do not rewrite the list
    funds = compute(entries_for())["funds"]
    # Only the started project's entry: 2500 completed of 10000 contracted at listing = 25%.
    assert (funds.numerator_sum, funds.denominator_sum) == (Decimal("2500"), Decimal("10000"))
    assert funds.rate == Decimal("25.0") and funds.denominator_entries == 1


def test_investment_against_annual_plan_and_schedule(phases):
    p1 = phases[0]
    project = project_at("计划项目", signed=date(2023, 10, 2), started=date(2023, 11, 1), total="50000")
    YearPlan.objects.create(project=project, year=2024, planned_investment=1000)
    report(project, date(2023, 12, 1), "300")  # the year before: not this plan's
    report(project, date(2024, 2, 1), "250")
    report(project, date(2024, 4, 1), "150")
    listed(p1, project, Batch.START)
    unplanned = project_at("无计划项目", signed=date(2024, 1, 2), started=date(2024, 2, 1))
    listed(p1, unplanned, Batch.START)  # no year plan: not in the denominator
    figures = compute(entries_for(), as_of=date(2024, 7, 15))
    plan, schedule = figures["plan"], figures["schedule"]
    # 2024 investment 250 + 150 = 400 of the 1000 plan = 40%.
    assert (plan.numerator_sum, plan.denominator_sum, plan.rate) == (Decimal("400"), Decimal("1000"), Decimal("40.0"))
    # On 15 July six months are complete: 1000 × 6/12 = 500 due; 400 / 500 = 80%.
    assert schedule.denominator_sum == Decimal("500") and schedule.rate == Decimal("80.0")
    assert plan.denominator_entries == 1
    # A later year: the 2024 plan is due whole.
    assert compute(entries_for(), as_of=date(2025, 3, 1))["schedule"].rate == Decimal("40.0")


def test_groups_by_region_tier_field_and_cumulative(phases, regions):
    p1, p2, _p3 = phases
    a = project_at("郾城大项目", signed=date(2024, 1, 2), started=date(2024, 2, 1), total="1200000")
    b = project_at("舞阳小项目", region="舞阳县", signed=date(2024, 1, 3), total="5000", field="services")
    c = project_at("郾城二期签约", signed=date(2024, 4, 3))
    listed(p1, a, Batch.SIGN)
    listed(p1, b, Batch.SIGN)
    listed(p2, c, Batch.SIGN)
    by_region = {str(label): f for _v, label, f in compute(entries_for(), by="region")}
    # 郾城区: a (started) and c (signed) → 1/2; 舞阳县: b (signed) → 0/1.
    assert by_region["郾城区"]["start"].rate == Decimal("50.0") and by_region["舞阳县"]["start"].rate == Decimal("0.0")
    by_tier = {value: f for value, _l, f in compute(entries_for(), by="tier")}
    assert by_tier["100"]["start"].denominator_entries == 1 and by_tier["0"]["start"].denominator_entries == 2
    by_field = {value: f for value, _l, f in compute(entries_for(), by="field")}
    assert by_field["services"]["start"].denominator_entries == 1
    # Cumulative to phase 1 leaves out c; phase 2 alone is c only.
    assert compute(entries_for(upto=1))["start"].denominator_entries == 2
    assert compute(entries_for(phase=p2))["start"].denominator_entries == 1
    assert compute(entries_for(region=regions["舞阳县"]))["start"].denominator_entries == 1


def test_an_empty_denominator_has_no_rate_rather_than_zero(phases):
    figure = compute(entries_for())["capacity"]
    assert figure.denominator_entries == 0 and figure.rate is None


def test_a_definition_naming_an_unknown_field_is_refused_at_load():
    bad = [{"key": "typo", "label": "typo", "denominator": {"batch": "sign"}, "numerator": {"project__stgae": "x"}}]
    with pytest.raises(ImproperlyConfigured, match="typo.*numerator.*stgae"):
        build_indicators(bad)
    with override_settings(KEYPROJECTS_CAMPAIGN_INDICATORS=bad):
        errors = check_indicators()
    assert [e.id for e in errors] == ["campaigns.E001"] and "stgae" in errors[0].msg
    unknown_value = [
        {"key": "sums", "denominator": {}, "numerator_value": "no_such_field", "denominator_value": "total_investment"}
    ]
    with pytest.raises(ImproperlyConfigured, match="no_such_field"):
        build_indicators(unknown_value)
    assert check_indicators() == []


def test_a_configured_definition_replaces_the_default(phases, owner):
    p1 = phases[0]
    with_owner = project_at("有业主", signed=date(2024, 2, 1), owner=owner.pk)
    without = project_at("无业主", signed=date(2024, 2, 2))
    listed(p1, with_owner, Batch.SIGN)
    listed(p1, without, Batch.SIGN)
    local = [
        {
            "key": "performance",
            "label": "履约率",
            "description": "企业注册即履约",
            "denominator": {"batch": "sign"},
            "numerator": {"project__owner__isnull": False},
        }
    ]
    figures = compute(entries_for(), indicators=build_indicators(local))
    assert (
        figures["performance"].rate == Decimal("50.0")
        and figures["performance"].indicator.description == "企业注册即履约"
    )


def test_indicators_cost_the_same_queries_for_3_and_30_entries(regions):
    phase = make_phase(1, date(2024, 6, 1))
    counter = iter(range(100))

    def add(n):
        for _ in range(n):
            i = next(counter)
            project = Project.objects.create(
                name=f"项目{i}",
                region=regions["郾城区" if i % 2 else "舞阳县"],
                total_investment=1000 + i,
                stage="started",
                actual_sign_date=date(2024, 1, 1),
                actual_start_date=date(2024, 2, 1),
            )
            YearPlan.objects.create(project=project, year=2024, planned_investment=100)
            listed(phase, project, Batch.SIGN if i % 3 else Batch.START)

    def measure():
        cache.clear()  # both from nothing: after a write only the touched parts are read again
        with CaptureQueriesContext(connection) as captured:
            compute(entries_for())
            for by in indicators.GROUPS:
                rows = compute(entries_for(), by=by)
            summary(entries_for())
        return len(captured.captured_queries), rows

    add(3)
    few, rows = measure()
    add(27)
    many, rows = measure()
    assert sum(f["start"].denominator_entries + f["production"].denominator_entries for _v, _l, f in rows) == 30
    assert few == many


def test_figures_read_again_come_from_the_cache_and_follow_every_write(phases):
    """The dashboard and the indicators page are read far more often than the campaign changes:
    a second read runs no aggregate over the entries, and a stage change shows at once."""
    project = project_at("缓存验证项目", signed=date(2024, 2, 1))
    listed(phases[0], project, Batch.SIGN)
    assert compute(entries_for())["start"].numerator_entries == 0
    with CaptureQueriesContext(connection) as queries:
        assert compute(entries_for())["start"].numerator_entries == 0
    assert not [q for q in queries.captured_queries if 'FROM "campaigns_batchentry"' in q["sql"]]
    project_services.advance_stage(project, to="started", on=date(2024, 3, 1), by=None, evidence=photo())
    assert compute(entries_for())["start"].numerator_entries == 1  # 开工率 follows at once
    secure_land(project, date(2024, 3, 2))  # a write through QuerySet.update is seen as well
    assert summary(entries_for())["entries"] == 1
