"""The campaign's rules, through the services and their pages."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from keyprojects.campaigns import services
from keyprojects.campaigns.choices import Batch, PhaseEventType, PhaseStatus
from keyprojects.campaigns.models import BatchEntry, Phase, PhaseEvent
from keyprojects.projects import services as project_services
from keyprojects.projects.choices import Stage
from keyprojects.projects.models import Project, YearPlan

from .factories import listed, make_phase, project_at

pytestmark = pytest.mark.django_db


def test_listing_copies_the_figures_and_keeps_them_when_the_project_changes(regions):
    phase = make_phase(1, date(2024, 6, 1))
    project = project_at("冻结项目", signed=date(2024, 5, 1), total="80000")
    YearPlan.objects.create(project=project, year=2024, planned_investment=12000)
    YearPlan.objects.create(project=project, year=2025, planned_investment=99999)
    entry = listed(phase, project, Batch.SIGN)
    Project.objects.filter(pk=project.pk).update(total_investment=1, region=regions["舞阳县"], stage=Stage.STARTED)
    entry.refresh_from_db()
    assert (entry.total_investment, entry.planned_investment) == (80000, 12000)
    assert entry.stage == Stage.SIGNED and entry.region == regions["郾城区"]


def test_a_project_without_a_year_plan_is_listed_with_zero_planned(regions):
    entry = listed(make_phase(1, date(2024, 6, 1)), project_at("无计划", signed=date(2024, 5, 1)), Batch.SIGN)
    assert entry.planned_investment == 0


def test_a_terminated_project_is_refused(users):
    phase = make_phase(1, date(2024, 6, 1))
    project = project_at("终止项目", signed=date(2024, 5, 1))
    project_services.advance_stage(project, to=Stage.TERMINATED, on=date(2024, 5, 20), by=None, reason="企业撤资")
    project.refresh_from_db()
    with pytest.raises(ValidationError, match="terminated"):
        services.add_entry(phase, project, Batch.SIGN, by=users["city_admin"])
    assert not BatchEntry.objects.exists()


def test_a_project_is_listed_once_per_batch_type_over_the_campaign(users):
    first, second = make_phase(1, date(2024, 3, 1)), make_phase(2, date(2024, 6, 1))
    project = project_at("重复项目", signed=date(2024, 2, 1), started=date(2024, 5, 1))
    listed(first, project, Batch.SIGN)
    with pytest.raises(ValidationError, match="already listed in the Signing batch of 第一期"):
        services.add_entry(second, project, Batch.SIGN, by=users["city_admin"])
    listed(second, project, Batch.START)  # another batch type is fine
    assert BatchEntry.objects.count() == 2


def test_the_once_per_batch_rule_is_configurable():
    first, second = make_phase(1, date(2024, 3, 1)), make_phase(2, date(2024, 6, 1))
    project = project_at("可重复项目", signed=date(2024, 2, 1))
    listed(first, project, Batch.SIGN)
    with override_settings(KEYPROJECTS_CAMPAIGN_ONCE_PER_BATCH=False):
        listed(second, project, Batch.SIGN)
        with pytest.raises(ValidationError, match="already listed"):
            listed(second, project, Batch.SIGN)  # never twice in one phase
    assert BatchEntry.objects.filter(project=project).count() == 2


def test_a_phase_dated_on_or_before_the_previous_one_is_refused(client_for):
    make_phase(1, date(2024, 6, 1))
    with pytest.raises(ValidationError, match="after the date of 第一期"):
        make_phase(2, date(2024, 6, 1))
    client = client_for("city_admin")
    response = client.post("/campaigns/phases/add/", {"number": 2, "date": "2024.5", "title": "第二期"})
    assert response.status_code == 400 and response.context["form"].has_error("date")
    assert Phase.objects.count() == 1
    response = client.post("/campaigns/phases/add/", {"number": 2, "date": "2024年9月", "title": "第二期"})
    assert response.status_code == 302 and Phase.objects.get(number=2).date == date(2024, 9, 1)
    # Counties read phases but do not create them.
    assert client_for("county_a").post("/campaigns/phases/add/", {"number": 3, "date": "2024-12-01"}).status_code == 403


def test_readiness_lists_every_failing_entry_with_its_reason():
    phase = make_phase(1, date(2024, 6, 1))
    ready = project_at("已开工", signed=date(2024, 3, 1), started=date(2024, 5, 1))
    only_signed = project_at("只签约", signed=date(2024, 3, 2))
    started_late = project_at("期后开工", signed=date(2024, 3, 3), started=date(2024, 6, 5))
    listed(phase, ready, Batch.START)
    listed(phase, only_signed, Batch.START)
    listed(phase, started_late, Batch.START)
    listed(phase, ready, Batch.SIGN)
    failures = {f.entry.project.name: f.reason for f in services.readiness(phase)}
    assert set(failures) == {"只签约", "期后开工"}
    assert "needs it Started" in failures["只签约"]
    assert "2024-06-05" in failures["期后开工"] and "after the phase date" in failures["期后开工"]


def test_locking_with_failing_entries_is_refused_then_an_admin_override_is_recorded(users, client_for):
    phase = make_phase(1, date(2024, 6, 1))
    listed(phase, project_at("未开工", signed=date(2024, 3, 2)), Batch.START)
    with pytest.raises(ValidationError, match="1 entries do not meet"):
        services.lock_phase(phase, by=users["city_admin"])
    with pytest.raises(ValidationError, match="Only a city administrator"):
        services.lock_phase(phase, by=users["auditor"], override_reason="市领导同意先行锁定")
    phase.refresh_from_db()
    assert phase.status == PhaseStatus.PLANNING
    assert not phase.events.exclude(type=PhaseEventType.ENTRY_ADDED).exists()
    client = client_for("city_admin")
    response = client.post(f"/campaigns/phases/{phase.pk}/lock/", {"override_reason": ""})
    assert response.status_code == 400 and "1 entries do not meet" in response.content.decode()
    response = client.post(f"/campaigns/phases/{phase.pk}/lock/", {"override_reason": "市领导同意先行锁定，月底前开工"})
    assert response.status_code == 302
    phase.refresh_from_db()
    assert phase.status == PhaseStatus.LOCKED and phase.override_reason == "市领导同意先行锁定，月底前开工"
    event = PhaseEvent.objects.exclude(type=PhaseEventType.ENTRY_ADDED).get(phase=phase)
    assert event.type == PhaseEventType.LOCK_OVERRIDDEN and event.actor == users["city_admin"]
    assert event.data["failing"][0]["project"] == "未开工"
    assert "市领导同意先行锁定" in client.get(phase.get_absolute_url()).content.decode()


def test_a_clean_list_locks_without_reason_and_is_then_held(users, client_for):
    phase = make_phase(1, date(2024, 6, 1))
    listed(phase, project_at("合格", signed=date(2024, 3, 2)), Batch.SIGN)
    with pytest.raises(ValidationError, match="before marking it held"):
        services.mark_held(phase, by=users["city_admin"])
    assert client_for("county_a").post(f"/campaigns/phases/{phase.pk}/lock/").status_code == 403
    response = client_for("city_admin").post(f"/campaigns/phases/{phase.pk}/lock/")
    assert response.status_code == 302, response.context["form"].errors
    assert client_for("city_admin").post(f"/campaigns/phases/{phase.pk}/held/").status_code == 302
    phase.refresh_from_db()
    assert phase.status == PhaseStatus.HELD
    assert list(phase.events.exclude(type=PhaseEventType.ENTRY_ADDED).values_list("type", flat=True)) == [
        PhaseEventType.HELD,
        PhaseEventType.LOCKED,
    ]
    with pytest.raises(ValidationError, match="locked"):
        listed(phase, project_at("锁定后", signed=date(2024, 3, 3)), Batch.SIGN)


def test_an_entry_of_a_locked_list_is_neither_archived_nor_restored(users, client_for, api_for):
    phase = make_phase(1, date(2024, 6, 1))
    entry = listed(phase, project_at("锁定名单项目", signed=date(2024, 3, 2)), Batch.SIGN)
    dropped = listed(phase, project_at("锁定前撤下", signed=date(2024, 3, 3)), Batch.SIGN)
    client = client_for("city_admin")
    assert client.post(f"/campaigns/entries/{dropped.pk}/archive/").status_code == 302  # still planning: allowed
    services.lock_phase(phase, by=users["city_admin"])
    response = client.post(f"/campaigns/entries/{entry.pk}/archive/", follow=True)
    assert "is locked; entries can no longer change" in response.content.decode()
    assert api_for("city_admin").delete(f"/api/campaigns/entries/{entry.pk}/").status_code == 400
    client.post(f"/campaigns/entries/{dropped.pk}/archive/")  # restoring would change the list too
    entry.refresh_from_db(), dropped.refresh_from_db()
    assert entry.archived_at is None and dropped.archived_at is not None


def test_an_empty_list_does_not_lock(users):
    with pytest.raises(ValidationError, match="nothing to lock"):
        services.lock_phase(make_phase(1, date(2024, 6, 1)), by=users["city_admin"])


def test_candidates_are_proposed_since_the_previous_phase(users, client_for):
    first, second = make_phase(1, date(2024, 3, 1)), make_phase(2, date(2024, 6, 1))
    old_sign = project_at("上期前签约", signed=date(2024, 2, 1))
    new_sign = project_at("本期签约", signed=date(2024, 4, 10))
    after = project_at("期后签约", signed=date(2024, 6, 10))
    new_start = project_at("本期开工", signed=date(2024, 1, 10), started=date(2024, 5, 2))
    converted = project_at(
        "上期开工已投产", signed=date(2023, 12, 1), started=date(2024, 1, 15), producing=date(2024, 5, 20)
    )
    never_listed = project_at(
        "未入列已投产", signed=date(2023, 12, 2), started=date(2024, 1, 16), producing=date(2024, 5, 21)
    )
    listed(first, converted, Batch.START)
    listed(first, old_sign, Batch.SIGN)
    proposal = services.propose_candidates(second)
    assert proposal.since == date(2024, 3, 1)
    assert {p.name for p in proposal.sign} == {"本期签约"}
    assert {p.name for p in proposal.start} == {"本期开工"}
    assert {p.name for p in proposal.produce} == {"上期开工已投产"}
    assert after not in proposal.sign and never_listed not in proposal.produce and new_start in proposal.start
    response = client_for("city_admin").post(
        f"/campaigns/phases/{second.pk}/candidates/", {"pick": [f"sign:{new_sign.pk}", f"produce:{converted.pk}"]}
    )
    assert response.status_code == 302
    assert set(second.entries.values_list("project__name", "batch")) == {
        ("本期签约", "sign"),
        ("上期开工已投产", "produce"),
    }
    assert PhaseEvent.objects.get(phase=second, type=PhaseEventType.CANDIDATES_ACCEPTED).data["counts"]["sign"] == 1
    remaining = services.propose_candidates(second)
    assert not remaining.sign.exists() and not remaining.produce.exists() and remaining.start.count() == 1
    services.accept_candidates(second, by=users["city_admin"])
    assert second.entries.count() == 3
    with pytest.raises(ValidationError, match="not candidates"):
        services.accept_candidates(second, by=users["city_admin"], picks=[("sign", after.pk)])
    assert services.readiness(second) == []
