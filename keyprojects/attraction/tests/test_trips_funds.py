"""Trips reported in advance and approved by the right level; funds in place against the
contracted investment."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from keyprojects.core.notifications import Notification

from .. import services
from ..choices import FundSource, LeadStatus, Post, TripStatus
from ..models import FundsInPlace, Lead, Trip
from .factories import cadre, food_chain, signed_lead

pytestmark = pytest.mark.django_db


def trip(traveller, start, **extra):
    values = dict(
        destination="上海", whom="某食品集团", purpose="洽谈冷链项目", start_on=start, end_on=start + timedelta(days=2)
    )
    return Trip(cadre=traveller, **{**values, **extra})


@pytest.fixture
def deputy(db, regions):
    return cadre("deputy", post=Post.ATTRACTION_DEPUTY, name="李副县长")


def test_a_trip_reported_after_it_started_needs_a_late_reason(deputy, users):
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.report_trip(trip(deputy, yesterday), by=deputy.user)
    assert "late_reason" in refused.value.message_dict and not Trip.objects.exists()
    reported = services.report_trip(trip(deputy, yesterday, late_reason="临时接到企业邀约"), by=deputy.user)
    assert reported.status == TripStatus.REPORTED and reported.region == deputy.region


def test_the_county_approves_its_deputy_and_is_told_of_the_report(deputy, users):
    reported = services.report_trip(trip(deputy, timezone.localdate() + timedelta(days=3)), by=deputy.user)
    assert Notification.objects.filter(recipient=users["county_a"], kind="attraction.trip_reported").exists()
    approved = services.approve_trip(reported, by=users["county_a"])
    assert approved.status == TripStatus.APPROVED and approved.decided_by == users["county_a"]
    assert Notification.objects.filter(recipient=deputy.user, kind="attraction.trip_decided").exists()


def test_a_county_secretarys_trip_is_approved_by_the_city_not_the_county(users, regions):
    secretary = cadre("secretary", post=Post.SECRETARY, name="王书记")
    reported = services.report_trip(trip(secretary, timezone.localdate() + timedelta(days=3)), by=secretary.user)
    with pytest.raises(ValidationError) as refused:
        services.approve_trip(reported, by=users["county_a"])
    assert "city" in str(refused.value) or "市" in str(refused.value)
    assert services.approve_trip(reported, by=users["city_admin"]).status == TripStatus.APPROVED


def test_a_rejection_needs_a_reason_and_a_decided_trip_is_not_decided_again(deputy, users):
    reported = services.report_trip(trip(deputy, timezone.localdate() + timedelta(days=3)), by=deputy.user)
    with pytest.raises(ValidationError):
        services.reject_trip(reported, by=users["county_a"], reason=" ")
    services.reject_trip(reported, by=users["county_a"], reason="与会议冲突")
    with pytest.raises(ValidationError):
        services.approve_trip(reported, by=users["city_admin"])


def test_a_visit_on_a_trip_creates_the_lead_on_a_chain_gap(deputy, users):
    _chain, links = food_chain()
    start = timezone.localdate() - timedelta(days=2)
    approved = services.approve_trip(
        services.report_trip(trip(deputy, start, late_reason="补报"), by=deputy.user), by=users["county_a"]
    )
    visit = services.record_trip_visit(
        approved,
        by=deputy.user,
        date=start,
        people="李副县长、某冷链王总",
        company="上海某冷链物流有限公司",
        lead_name="冷链物流园项目",
        link=links["冷链物流"],
        investment=Decimal("80000"),
    )
    lead = visit.lead
    assert lead.link.gap == "fill" and lead.owner == deputy and lead.status == LeadStatus.VISITED
    assert visit.trip == approved and lead.target.source
    with pytest.raises(ValidationError):  # outside the trip's dates
        services.record_trip_visit(
            approved, by=deputy.user, date=start - timedelta(days=5), people="甲", company="另一家公司"
        )
    done = services.conclude_trip(approved, by=deputy.user, outcome="拜访一家，新增线索一条")
    assert done.status == TripStatus.DONE


def test_who_is_travelling_this_week(deputy, users):
    today = timezone.localdate()
    away = services.report_trip(
        trip(deputy, today + timedelta(days=1), end_on=today + timedelta(days=1)), by=deputy.user
    )
    services.report_trip(trip(deputy, today + timedelta(days=30)), by=deputy.user)
    monday = today - timedelta(days=today.weekday())
    week = services.travelling(Trip.objects.all(), monday + timedelta(days=6 if today.weekday() == 6 else 0))
    assert (away in week) == (today.weekday() < 6)


def test_funds_above_the_contracted_amount_need_a_note(deputy, users):
    signed = signed_lead(deputy, by=users["county_a"], evaluator=users["city_admin"])
    project = services.hand_over(signed, by=users["county_a"])
    month = date(2026, 5, 1)
    services.record_funds(
        FundsInPlace(project=project, month=month, source=FundSource.OUT_OF_PROVINCE, amount=Decimal("50000")),
        by=users["county_a"],
    )
    over = FundsInPlace(project=project, month=date(2026, 6, 1), source=FundSource.FOREIGN, amount=Decimal("20000"))
    with pytest.raises(ValidationError) as refused:
        services.record_funds(over, by=users["county_a"])
    assert "note" in refused.value.message_dict and FundsInPlace.objects.count() == 1
    over.note = "企业追加投资，补充协议已签"
    services.record_funds(over, by=users["county_a"])
    assert FundsInPlace.objects.count() == 2


def test_funds_arrive_only_for_a_signed_project(deputy, users):
    from keyprojects.projects.tests.factories import make_project

    planned = make_project(by=users["county_a"])
    with pytest.raises(ValidationError) as refused:
        services.record_funds(
            FundsInPlace(project=planned, month=date(2026, 5, 1), source=FundSource.FOREIGN, amount=Decimal(1)),
            by=users["county_a"],
        )
    assert "project" in refused.value.message_dict
    assert not Lead.objects.exists()
