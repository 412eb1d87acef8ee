"""The demo campaign: the seed's figures come out of the data, every entry meets its batch's rule,
projects roll from batch to batch, and a second run writes nothing."""

from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command
from django.db import transaction

from keyprojects.campaigns import demo, indicators, services
from keyprojects.campaigns.choices import Batch, PhaseStatus
from keyprojects.campaigns.models import BatchEntry, Phase, PhaseEvent
from keyprojects.projects.choices import Stage
from keyprojects.projects.models import Project


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The whole seed_demo once for the module, rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_seed_figures_come_out_of_the_data(seeded):
    totals = indicators.summary(indicators.entries_for())
    assert totals["phases"] == 13
    assert totals["entries"] == 766
    assert (totals["sign"], totals["start"], totals["produce"]) == (353, 296, 117)
    # 已建成达效: unique listed projects now at capacity — every project at capacity is listed
    assert totals["at_capacity"] == 523 == Project.objects.filter(stage=Stage.AT_CAPACITY).count()
    assert totals["projects"] < totals["entries"]  # projects roll: fewer projects than entries


@pytest.mark.django_db
def test_thirteen_held_phases_from_2021_07_to_2024_09(seeded):
    phases = list(Phase.objects.order_by("number"))
    assert [p.number for p in phases] == list(range(1, 14))
    assert phases[0].date >= date(2021, 7, 1) and phases[-1].date <= date(2024, 9, 30)
    assert all(a.date < b.date for a, b in zip(phases, phases[1:], strict=False))
    assert {p.status for p in phases} == {PhaseStatus.HELD}
    assert phases[12].title == "漯河市第十三期“三个一批”项目建设活动"
    assert all(p.venue for p in phases)
    # Locked by the rule, never by override
    assert not PhaseEvent.objects.filter(type="lock_overridden").exists()
    assert PhaseEvent.objects.filter(type="held").count() == 13


@pytest.mark.django_db
def test_every_entry_meets_its_batch_rule_on_its_phase_date(seeded):
    for phase in Phase.objects.all():
        assert services.readiness(phase) == [], phase
    assert not BatchEntry.objects.filter(project__stage=Stage.TERMINATED).exists()


@pytest.mark.django_db
def test_projects_roll_from_batch_to_batch(seeded):
    listed = {}
    for project, batch, number in BatchEntry.objects.values_list("project", "batch", "phase__number"):
        listed.setdefault(project, {})[batch] = number
    # every production-batch entry follows a starting-batch entry of an earlier phase
    produce = [b for b in listed.values() if Batch.PRODUCE in b]
    assert len(produce) == 117
    assert all(Batch.START in b and b[Batch.START] < b[Batch.PRODUCE] for b in produce)
    rolled = [b for b in listed.values() if Batch.SIGN in b and Batch.START in b]
    assert all(b[Batch.SIGN] < b[Batch.START] for b in rolled)
    assert len(rolled) >= 50
    assert sum(len(b) == 3 for b in listed.values()) >= 10
    # Entries spread over the phases, none empty
    per_phase = Counter(number for b in listed.values() for number in b.values())
    assert set(per_phase) == set(range(1, 14)) and min(per_phase.values()) >= 20


@pytest.mark.django_db
def test_frozen_stage_is_the_stage_on_the_phase_date(seeded):
    entry = BatchEntry.objects.filter(batch=Batch.SIGN, project__stage=Stage.AT_CAPACITY).select_related("project")
    entry = entry.order_by("phase__number", "pk").first()
    assert entry.stage == services.stage_on(entry.project, entry.phase.date)
    assert entry.stage != Stage.AT_CAPACITY


@pytest.mark.django_db
def test_a_second_run_creates_nothing(seeded):
    before = (Phase.objects.count(), BatchEntry.objects.count(), PhaseEvent.objects.count())
    assert demo.seed_campaign() == {}
    assert (Phase.objects.count(), BatchEntry.objects.count(), PhaseEvent.objects.count()) == before
