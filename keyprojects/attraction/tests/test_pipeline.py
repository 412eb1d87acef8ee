"""The lead pipeline through its services: each verb, its refusals, deduplication and the
hand-over into the project library (and the next phase's 签约一批)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from keyprojects.campaigns import services as campaign_services
from keyprojects.campaigns.tests.factories import make_phase
from keyprojects.enterprises.models import Enterprise
from keyprojects.projects.choices import Stage
from keyprojects.projects.models import ProjectEvent

from .. import services
from ..choices import LeadStatus, Opinion
from ..models import Lead, LeadEvent, TargetEnterprise
from .factories import agreement, cadre, food_chain, lead, signed_lead

pytestmark = pytest.mark.django_db
CODE = "91411100MA44P0A22D"


@pytest.fixture
def owner(db, regions):
    return cadre("zhang", name="张明")


def test_a_company_with_an_open_lead_is_shown_not_followed_twice(owner, users):
    first = lead(owner, by=users["county_a"], company="漯河冷链物流有限责任公司")
    with pytest.raises(ValidationError) as refused:
        lead(owner, by=users["county_a"], company="漯河冷鏈物流有限公司", name="另一个项目")  # traditional, short form
    assert "漯河冷链物流有限责任公司" in str(refused.value) and first.name in str(refused.value)
    assert Lead.objects.count() == 1 and TargetEnterprise.objects.count() == 1


def test_a_duplicate_by_credit_code_is_refused_whatever_the_name(owner, users):
    lead(owner, by=users["county_a"], company="甲公司", code=CODE)
    with pytest.raises(ValidationError):
        lead(owner, by=users["county_a"], company="乙公司", code=CODE.lower())
    assert Lead.objects.count() == 1


def test_a_dropped_lead_lets_the_company_be_followed_again(owner, users):
    first = lead(owner, by=users["county_a"])
    services.drop(first, by=users["county_a"], reason="企业投资意向转移")
    again = lead(owner, by=users["county_a"], name="二次洽谈")
    assert again.target_id == first.target_id


def test_a_bad_credit_code_is_refused_before_anything_is_written(owner, users):
    with pytest.raises(ValidationError) as refused:
        lead(owner, by=users["county_a"], code="91411100MA44P0A22X")
    assert "credit_code" in refused.value.message_dict
    assert not TargetEnterprise.objects.exists()


def test_a_target_is_matched_to_the_enterprise_library_by_name(owner, users, regions):
    known = Enterprise.objects.create(name="漯河市卫龙食品有限公司", region=regions["郾城区"])
    found = lead(owner, by=users["county_a"], company="漯河市衛龍食品有限責任公司")
    assert found.target.enterprise == known


def test_the_pipeline_hands_a_signed_lead_over_as_a_signed_project(owner, users):
    chain, links = food_chain()
    signed = signed_lead(owner, by=users["county_a"], evaluator=users["city_admin"], link=links["冷链物流"])
    assert signed.status == LeadStatus.SIGNED and signed.agreement
    project = services.hand_over(signed, by=users["county_a"])
    signed.refresh_from_db()
    assert signed.status == LeadStatus.HANDED_OVER and signed.project == project
    assert project.stage == Stage.SIGNED and project.actual_sign_date == date(2026, 4, 15)
    assert project.total_investment == Decimal("60000") and project.region == owner.region
    assert project.owner.name == "漯河冷链物流有限公司"
    event = ProjectEvent.objects.get(project=project, to_stage=Stage.SIGNED)
    assert event.evidence and signed.name in event.note
    types = list(LeadEvent.objects.filter(lead=signed).order_by("time", "pk").values_list("type", flat=True))
    assert types == ["found", "contacted", "visit", "negotiating", "evaluated", "signed", "handed_over"]
    # 签约一批: the next phase proposes it
    phase = make_phase(1, date(2026, 5, 1))
    assert project in campaign_services.propose_candidates(phase).sign


def test_a_visit_dated_before_the_lead_was_found_is_refused(owner, users):
    found = lead(owner, by=users["county_a"], on=date(2026, 3, 2))
    with pytest.raises(ValidationError) as refused:
        services.record_visit(found, by=users["county_a"], kind="outgoing", date=date(2026, 3, 1), people="张三")
    assert "date" in refused.value.message_dict
    found.refresh_from_db()
    assert found.status == LeadStatus.FOUND and not found.visits.exists()


def test_verbs_out_of_order_are_refused(owner, users):
    found = lead(owner, by=users["county_a"])
    with pytest.raises(ValidationError):
        services.negotiate(found, by=users["county_a"], on=date(2026, 3, 5))
    with pytest.raises(ValidationError):
        services.hand_over(found, by=users["county_a"])
    services.drop(found, by=users["county_a"], reason="无意向")
    with pytest.raises(ValidationError):
        services.contact(found, by=users["county_a"], on=date(2026, 3, 5))


def test_a_hand_over_without_a_signed_agreement_file_is_refused(owner, users):
    signed = signed_lead(owner, by=users["county_a"], evaluator=users["city_admin"])
    Lead.objects.filter(pk=signed.pk).update(agreement="")
    with pytest.raises(ValidationError) as refused:
        services.hand_over(signed, by=users["county_a"])
    assert "agreement" in refused.value.message_dict
    signed.refresh_from_db()
    assert signed.project is None and signed.status == LeadStatus.SIGNED


def test_signing_needs_the_agreement_and_a_committee_that_did_not_reject(owner, users):
    found = lead(owner, by=users["county_a"])
    services.record_visit(found, by=users["county_a"], kind="incoming", date=date(2026, 3, 4), people="王总")
    services.negotiate(found, by=users["county_a"], on=date(2026, 3, 6))
    figures = dict(
        investment=Decimal(1),
        land_mu=Decimal(1),
        energy_tce=Decimal(1),
        tax_per_mu=Decimal(1),
        output=Decimal(1),
        jobs=1,
    )
    services.evaluate(found, by=users["city_admin"], on=date(2026, 3, 9), score=40, opinion=Opinion.REJECT, **figures)
    with pytest.raises(ValidationError):
        services.sign(
            found, by=users["county_a"], on=date(2026, 3, 10), contracted_investment=Decimal(1), agreement=agreement()
        )
    services.evaluate(
        found, by=users["city_admin"], on=date(2026, 3, 12), score=80, opinion=Opinion.RECOMMEND, **figures
    )
    with pytest.raises(ValidationError) as refused:
        services.sign(
            found, by=users["county_a"], on=date(2026, 3, 13), contracted_investment=Decimal(1), agreement=None
        )
    assert "agreement" in refused.value.message_dict


def test_a_stale_lead_tells_its_owner_once_on_a_working_day(owner, users):
    from keyprojects.core.notifications import Notification

    found = lead(owner, by=users["county_a"], on=date(2026, 3, 2))
    monday = date(2026, 4, 13)
    assert services.remind_stale_leads(monday) == 1
    assert services.remind_stale_leads(monday + timedelta(days=1)) == 0  # told once per silence
    note = Notification.objects.get(recipient=owner.user)
    assert found.name in note.params["lead"]
    assert services.remind_stale_leads(date(2026, 4, 18)) == 0  # a Saturday: no job
    fresh = lead(owner, by=users["county_a"], company="新企业", on=date(2026, 4, 10))
    assert not services.stale_leads(today=monday).filter(pk=fresh.pk).exists()


def test_the_stale_lead_job_is_scheduled_on_working_days(owner, users, run_jobs):
    from keyprojects.core.schedule import ScheduledRun, run_now

    lead(owner, by=users["county_a"], on=date(2026, 3, 2))
    with run_jobs():
        run = run_now("attraction.remind_stale_leads", date(2026, 4, 13), by=users["city_admin"])
    run = ScheduledRun.objects.get(pk=run.pk)
    assert run.status == "done" and run.counts.get("told") == 1, (run.status, run.counts, run.error)
