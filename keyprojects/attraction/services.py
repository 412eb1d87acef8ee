"""State changes of attraction: one function each, used by the pages, the API, the demo and the
tests. Each is atomic, takes the actor as `by=`, validates before it writes and records the
lead's timeline (LeadEvent) inside."""

import datetime
import os
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from keyprojects.core.context import acting
from keyprojects.enterprises.matching import name_key
from keyprojects.enterprises.models import Enterprise
from keyprojects.enterprises.validators import normalise_credit_code, validate_credit_code
from keyprojects.projects import services as project_services
from keyprojects.projects.choices import AttractionSource, Stage
from keyprojects.projects.models import Project

from . import notifications
from .choices import OPEN_STATUSES, TOP_POSTS, LeadEventType, LeadStatus, Opinion, TripStatus
from .models import Cadre, FundsInPlace, Lead, LeadEvent, TargetEnterprise, Trip, Visit

# --- target enterprises: one per company ------------------------------------------------------


def clean_credit_code(code: str | None) -> str | None:
    """The code as stored (upper case, half-width), checked by its check character; blank → None."""
    code = normalise_credit_code(code or "")
    if not code:
        return None
    try:
        validate_credit_code(code)
    except ValidationError as error:
        raise ValidationError({"credit_code": error.messages}) from error
    return code


def find_target(name: str, credit_code: str | None = None, *, exclude: int | None = None) -> TargetEnterprise | None:
    """The target enterprise that is this company: the same credit code, else the same name
    written another way (full-width, traditional, 有限责任公司 for 有限公司)."""
    others = TargetEnterprise.objects.exclude(pk=exclude) if exclude else TargetEnterprise.objects.all()
    if credit_code:
        found = others.filter(credit_code=credit_code).first()
        if found is not None:
            return found
    key = name_key(name)
    found = others.filter(name_key=key).first() if key else None
    if found is not None and credit_code and found.credit_code and found.credit_code != credit_code:
        return None  # two companies of one name, told apart by their codes
    return found


def library_match(name: str, credit_code: str | None) -> Enterprise | None:
    """The enterprise library's record of this company, by code, else by normalised name."""
    if credit_code:
        found = Enterprise.objects.filter(credit_code=credit_code).first()
        if found is not None:
            return found
    key = name_key(name)
    if not key:
        return None
    # Names are normalised in Python (the library stores them as typed): candidates share the
    # first characters of the core of the name, then the key decides.
    head = name.strip()[:2]
    for pk, other in Enterprise.objects.filter(name__contains=head).values_list("pk", "name")[:500]:
        if name_key(other) == key:
            return Enterprise.objects.get(pk=pk)
    return None


def duplicate_message(found: TargetEnterprise) -> str:
    return _("“%(name)s” is already in the target-enterprise library (same credit code or name).") % {
        "name": found.name
    }


@transaction.atomic
def save_target(target: TargetEnterprise, *, by) -> TargetEnterprise:
    """Add or edit a target enterprise: refused when it is a company the library already has."""
    target.credit_code = clean_credit_code(target.credit_code)
    target.name = (target.name or "").strip()
    found = find_target(target.name, target.credit_code, exclude=target.pk)
    if found is not None:
        raise ValidationError({"name": duplicate_message(found)})
    target.enterprise = library_match(target.name, target.credit_code)
    with acting(by):
        target.save()
    return target


# --- leads --------------------------------------------------------------------------------------


def cadre_of(user) -> Cadre | None:
    return Cadre.objects.filter(user=user).select_related("team").first() if user is not None else None


def _event(lead: Lead, type_: str, by, note: str = "", **data) -> LeadEvent:
    return LeadEvent.objects.create(lead=lead, type=type_, actor=by, note=note, data=data)


def _today() -> datetime.date:
    return timezone.localdate()


def _not_future(on, field="on") -> None:
    if on is None:
        raise ValidationError({field: _("Give the date.")})
    if on > _today():
        raise ValidationError({field: _("The date is in the future.")})


def _from(lead: Lead, allowed, verb_label) -> None:
    if lead.status not in allowed:
        raise ValidationError(
            _("A lead that is “%(status)s” cannot be %(verb)s.")
            % {"status": lead.get_status_display(), "verb": verb_label}
        )


def _touch(lead: Lead, on) -> None:
    if on and (lead.last_activity_on is None or on > lead.last_activity_on):
        lead.last_activity_on = on


def open_lead_for(target: TargetEnterprise, exclude: int | None = None) -> Lead | None:
    leads = Lead.objects.filter(target=target, archived_at__isnull=True).exclude(status=LeadStatus.DROPPED)
    if exclude:
        leads = leads.exclude(pk=exclude)
    return leads.select_related("owner__user").first()


@transaction.atomic
def create_lead_from(data: dict, *, by) -> Lead:
    """create_lead() from a form's or a serializer's cleaned values (the page, the API): the
    values it takes, blanks left to its defaults."""
    names = create_lead.__kwdefaults__.keys() | {"name", "company", "region", "owner", "found_on", "investment"}
    return create_lead(by=by, **{k: v for k, v in data.items() if k in names and v not in (None, "")})


def create_lead(
    *,
    by,
    name: str,
    company: str,
    credit_code: str | None = None,
    region,
    owner: Cadre,
    found_on: datetime.date,
    investment: Decimal,
    link=None,
    team=None,
    headquarters: str = "",
    source: str = "",
    next_step: str = "",
    next_step_on: datetime.date | None = None,
) -> Lead:
    """A new lead on a target enterprise, found by code or normalised name, or added to the
    library. A company that already has an open lead is shown, not followed twice."""
    _not_future(found_on, "found_on")
    code = clean_credit_code(credit_code)
    target = find_target(company, code)
    if target is not None:
        existing = open_lead_for(target)
        if existing is not None:
            raise ValidationError(
                {
                    "company": _("“%(company)s” is already followed as the lead “%(lead)s” by %(owner)s.")
                    % {"company": target.name, "lead": existing.name, "owner": existing.owner}
                }
            )
    with acting(by):
        if target is None:
            target = save_target(
                TargetEnterprise(name=company, credit_code=code, headquarters=headquarters, link=link, source=source),
                by=by,
            )
        lead = Lead(
            name=name.strip(),
            target=target,
            link=link or target.link,
            region=region,
            owner=owner,
            team=team if team is not None else owner.team,
            found_on=found_on,
            investment=investment,
            next_step=next_step,
            next_step_on=next_step_on,
            last_activity_on=found_on,
        )
        lead.full_clean()
        lead.save()
        _event(lead, LeadEventType.FOUND, by, date=str(found_on))
    return lead


@transaction.atomic
def contact(lead: Lead, *, by, on: datetime.date, note: str = "") -> Lead:
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    _from(lead, [LeadStatus.FOUND], _("marked as contacted"))
    _not_future(on)
    if on < lead.found_on:
        raise ValidationError({"on": _("The date is before the lead was found (%(day)s).") % {"day": lead.found_on}})
    with acting(by):
        lead.status = LeadStatus.CONTACTED
        _touch(lead, on)
        lead.save()
        _event(lead, LeadEventType.CONTACTED, by, note, date=str(on))
    return lead


@transaction.atomic
def record_visit(
    lead: Lead, *, by, kind: str, date: datetime.date, people: str, notes: str = "", trip: Trip | None = None
) -> Visit:
    """拜访 / 来访: a visit is recorded on any open lead; a first one moves it to "visited"."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    _from(lead, OPEN_STATUSES, _("visited"))
    _not_future(date, "date")
    if date < lead.found_on:
        raise ValidationError(
            {"date": _("The visit is dated before the lead was found (%(day)s).") % {"day": lead.found_on}}
        )
    if not (people or "").strip():
        raise ValidationError({"people": _("Say who met.")})
    with acting(by):
        visit = Visit(
            lead=lead, kind=kind, date=date, people=people.strip(), notes=notes, cadre=cadre_of(by), trip=trip
        )
        visit.full_clean()
        visit.save()
        if lead.status in (LeadStatus.FOUND, LeadStatus.CONTACTED):
            lead.status = LeadStatus.VISITED
        _touch(lead, date)
        lead.save()
        _event(lead, LeadEventType.VISIT, by, notes, date=str(date), people=visit.people, kind=kind)
    return visit


@transaction.atomic
def negotiate(lead: Lead, *, by, on: datetime.date, note: str = "") -> Lead:
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    _from(lead, [LeadStatus.VISITED], _("moved to negotiation"))
    _not_future(on)
    with acting(by):
        lead.status = LeadStatus.NEGOTIATING
        _touch(lead, on)
        lead.save()
        _event(lead, LeadEventType.NEGOTIATING, by, note, date=str(on))
    return lead


@transaction.atomic
def evaluate(
    lead: Lead,
    *,
    by,
    on: datetime.date,
    investment: Decimal,
    land_mu: Decimal,
    energy_tce: Decimal,
    tax_per_mu: Decimal,
    output: Decimal,
    jobs: int,
    score: int,
    opinion: str,
    note: str = "",
) -> Lead:
    """项目预估评审: the committee's figures and its scored opinion. A lead not recommended may
    be evaluated again after more negotiation."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    _from(lead, [LeadStatus.NEGOTIATING, LeadStatus.EVALUATED], _("pre-evaluated"))
    _not_future(on)
    if score is None or not 0 <= score <= 100:
        raise ValidationError({"score": _("The score is from 0 to 100.")})
    with acting(by):
        lead.investment = investment
        lead.land_mu, lead.energy_tce, lead.tax_per_mu = land_mu, energy_tce, tax_per_mu
        lead.output, lead.jobs, lead.score, lead.opinion = output, jobs, score, opinion
        lead.evaluated_on = on
        lead.status = LeadStatus.EVALUATED
        _touch(lead, on)
        lead.save()
        _event(lead, LeadEventType.EVALUATED, by, note, date=str(on), score=score, opinion=opinion)
    return lead


@transaction.atomic
def sign(lead: Lead, *, by, on: datetime.date, contracted_investment: Decimal, agreement) -> Lead:
    """签约: the agreement file is kept with the lead; only a lead the committee did not reject."""
    from keyprojects.core.uploads import check_evidence

    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    _from(lead, [LeadStatus.EVALUATED], _("signed"))
    if lead.opinion == Opinion.REJECT:
        raise ValidationError(_("The committee did not recommend this lead: evaluate it again before signing."))
    _not_future(on)
    if lead.evaluated_on and on < lead.evaluated_on:
        raise ValidationError({"on": _("The agreement is dated before the pre-evaluation.")})
    if not agreement:
        raise ValidationError({"agreement": _("Upload the signed agreement.")})
    check_evidence(agreement)
    if contracted_investment is None or contracted_investment <= 0:
        raise ValidationError({"contracted_investment": _("Give the contracted investment.")})
    with acting(by):
        lead.agreement.save(os.path.basename(agreement.name), agreement, save=False)
        lead.signed_on = on
        lead.contracted_investment = contracted_investment
        lead.status = LeadStatus.SIGNED
        _touch(lead, on)
        lead.save()
        _event(lead, LeadEventType.SIGNED, by, date=str(on), investment=str(contracted_investment))
    return lead


class HandOverProjectForm(forms.ModelForm):
    """The new project as register_project() saves it: what the lead knows of it."""

    class Meta:
        model = Project
        fields = [
            "name",
            "region",
            "owner",
            "industry_code",
            "attraction_source",
            "total_investment",
            "planned_sign_date",
        ]


@transaction.atomic
def hand_over(lead: Lead, *, by) -> Project:
    """移交: the signed lead becomes a Project in the library, registered and moved to SIGNED on
    the agreement's date with the agreement as its evidence, the lead linked to it (its timeline
    stays on the lead, shown on the project's page)."""
    lead = Lead.objects.select_for_update().select_related("target", "region").get(pk=lead.pk)
    _from(lead, [LeadStatus.SIGNED], _("handed over"))
    if not lead.agreement or not lead.signed_on:
        raise ValidationError(
            {"agreement": _("A lead is handed over with its signed agreement: upload it when signing.")}
        )
    target = lead.target
    with acting(by):
        owner = target.enterprise
        if owner is None:
            owner = Enterprise(name=target.name, credit_code=target.credit_code, region=lead.region)
            owner.full_clean()
            owner.save()
            target.enterprise = owner
            target.save()
        form = HandOverProjectForm(
            data={
                "name": lead.name,
                "region": lead.region.pk,
                "owner": owner.pk,
                "industry_code": target.industry or "",
                "attraction_source": AttractionSource.OUT_OF_PROVINCE,
                "total_investment": lead.contracted_investment,
                "planned_sign_date": lead.signed_on,
            }
        )
        if not form.is_valid():
            raise ValidationError(form.errors)
        project = project_services.register_project(form, by=by)
        with lead.agreement.open("rb") as handle:
            evidence = File(handle, name=os.path.basename(lead.agreement.name))
            project = project_services.advance_stage(
                project,
                to=Stage.SIGNED,
                on=lead.signed_on,
                by=by,
                evidence=evidence,
                note=_("Handed over from the attraction lead “%(lead)s”.") % {"lead": lead.name},
            )
        lead.project = project
        lead.status = LeadStatus.HANDED_OVER
        _touch(lead, _today())
        lead.save()
        _event(lead, LeadEventType.HANDED_OVER, by, project=project.name, project_id=project.pk)
    return project


@transaction.atomic
def drop(lead: Lead, *, by, reason: str) -> Lead:
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    _from(lead, OPEN_STATUSES, _("dropped"))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for dropping the lead.")})
    with acting(by):
        lead.status = LeadStatus.DROPPED
        lead.drop_reason = reason.strip()[:200]
        lead.save()
        _event(lead, LeadEventType.DROPPED, by, reason=lead.drop_reason)
    return lead


# --- stale leads ------------------------------------------------------------------------------


def stale_days() -> int:
    from django.conf import settings

    return getattr(settings, "KEYPROJECTS_STALE_LEAD_DAYS", 15)


def stale_cutoff(today: datetime.date, days: int) -> datetime.date:
    """The latest day from which `today` is `days` working days on: a lead whose last activity is
    on or before it is stale."""
    from keyprojects.core.calendar import is_working_day

    day, counted = today, 0
    while counted < days:
        if is_working_day(day):
            counted += 1
        day -= datetime.timedelta(days=1)
    return day


def stale_leads(queryset=None, today: datetime.date | None = None):
    today = today or _today()
    queryset = queryset if queryset is not None else Lead.objects.all()
    cutoff = stale_cutoff(today, stale_days())
    return queryset.filter(status__in=OPEN_STATUSES, archived_at__isnull=True, last_activity_on__lte=cutoff)


def remind_stale_leads(today: datetime.date | None = None) -> int:
    """The working-day job: each stale lead's owner is told once per period of silence (a new
    activity starts a new one), however often the job runs. Nothing on a day off."""
    from keyprojects.core.calendar import is_working_day
    from keyprojects.core.notifications import Notification

    today = today or _today()
    if not is_working_day(today):
        return 0
    told = set(Notification.objects.filter(kind=notifications.LEAD_STALE.key).values_list("target_id", "params__since"))
    count = 0
    days = stale_days()
    for lead in stale_leads(today=today).select_related("owner__user").iterator(chunk_size=500):
        since = lead.last_activity_on.isoformat()
        if (lead.pk, since) in told:
            continue
        params = {"lead": lead.name, "since": since, "days": days}
        count += len(notifications.notify([lead.owner.user], notifications.LEAD_STALE, target=lead, params=params))
    return count


# --- trips --------------------------------------------------------------------------------------


@transaction.atomic
def report_trip(trip: Trip, *, by) -> Trip:
    """外出招商报备: before the trip starts, or after with the reason it was reported late."""
    today = _today()
    errors = {}
    if trip.start_on and trip.end_on and trip.end_on < trip.start_on:
        errors["end_on"] = _("The trip ends before it starts.")
    if trip.pk is None and trip.start_on and trip.start_on < today and not (trip.late_reason or "").strip():
        errors["late_reason"] = _("The trip started on %(day)s: say why it is reported late.") % {"day": trip.start_on}
    if errors:
        raise ValidationError(errors)
    with acting(by):
        if trip.pk is None:
            trip.reported_on = today
            trip.region = trip.cadre.region
        elif trip.status != TripStatus.REPORTED:
            raise ValidationError(_("A decided trip does not change; report a new one."))
        trip.full_clean()
        trip.save()
        if trip.status == TripStatus.REPORTED:
            notifications.trip_reported(trip, by)
    return trip


def approver_problem(trip: Trip, by) -> str | None:
    """党政一把手外出: a county's secretary and head are approved by the city, others by their county."""
    from keyprojects.core.access import CITY_WIDE, roles

    if by.is_superuser or roles(by) & CITY_WIDE:
        return None
    if trip.cadre.post in TOP_POSTS:
        return _("A trip of a county's party secretary or head is approved by the city.")
    if trip.cadre.user_id == by.pk:
        return _("A trip is approved by someone other than the traveller.")
    return None


@transaction.atomic
def decide_trip(trip: Trip, *, by, approve: bool, note: str = "") -> Trip:
    trip = Trip.objects.select_for_update().select_related("cadre").get(pk=trip.pk)
    if trip.status != TripStatus.REPORTED:
        raise ValidationError(_("This trip is already decided."))
    problem = approver_problem(trip, by)
    if problem:
        raise ValidationError(problem)
    if not approve and not (note or "").strip():
        raise ValidationError({"note": _("Give the reason for rejecting the trip.")})
    with acting(by):
        trip.status = TripStatus.APPROVED if approve else TripStatus.REJECTED
        trip.decided_by = by
        trip.decision_note = (note or "").strip()[:200]
        trip.save()
        notifications.trip_decided(trip, by)
    return trip


def approve_trip(trip: Trip, *, by, note: str = "") -> Trip:
    return decide_trip(trip, by=by, approve=True, note=note)


def reject_trip(trip: Trip, *, by, reason: str) -> Trip:
    return decide_trip(trip, by=by, approve=False, note=reason)


@transaction.atomic
def record_trip_visit(
    trip: Trip,
    *,
    by,
    date: datetime.date,
    people: str,
    notes: str = "",
    company: str,
    credit_code: str | None = None,
    lead_name: str = "",
    link=None,
    investment: Decimal | None = None,
    lead: Lead | None = None,
) -> Visit:
    """A visit made on an approved trip: on an existing lead, or creating the lead it found."""
    if trip.status not in (TripStatus.APPROVED, TripStatus.DONE):
        raise ValidationError(_("Visits are recorded on an approved trip."))
    if date and not trip.start_on <= date <= trip.end_on:
        raise ValidationError({"date": _("The visit is not within the trip's dates.")})
    if lead is None:
        lead = create_lead(
            by=by,
            name=lead_name or company,
            company=company,
            credit_code=credit_code,
            region=trip.region,
            owner=trip.cadre,
            found_on=date,
            investment=investment or Decimal(0),
            link=link,
            source=_("trip to %(place)s") % {"place": trip.destination},
        )
    return record_visit(lead, by=by, kind="outgoing", date=date, people=people, notes=notes, trip=trip)


@transaction.atomic
def conclude_trip(trip: Trip, *, by, outcome: str) -> Trip:
    trip = Trip.objects.select_for_update().get(pk=trip.pk)
    if trip.status != TripStatus.APPROVED:
        raise ValidationError(_("The outcome is recorded for an approved trip."))
    if trip.start_on > _today():
        raise ValidationError(_("The trip has not started yet."))
    if not (outcome or "").strip():
        raise ValidationError({"outcome": _("Say what the trip achieved.")})
    with acting(by):
        trip.outcome = outcome.strip()
        trip.status = TripStatus.DONE
        trip.save()
    return trip


def travelling(queryset, day: datetime.date | None = None):
    """Who is away (approved or reported trips) in the week of `day`, Monday to Sunday."""
    day = day or _today()
    monday = day - datetime.timedelta(days=day.weekday())
    sunday = monday + datetime.timedelta(days=6)
    return queryset.filter(
        archived_at__isnull=True,
        status__in=[TripStatus.REPORTED, TripStatus.APPROVED, TripStatus.DONE],
        start_on__lte=sunday,
        end_on__gte=monday,
    ).order_by("start_on", "pk")


# --- funds in place ---------------------------------------------------------------------------


def contracted(project: Project) -> Decimal | None:
    lead = Lead.objects.filter(project=project).only("contracted_investment").first()
    if lead is not None and lead.contracted_investment:
        return lead.contracted_investment
    return project.total_investment


@transaction.atomic
def record_funds(funds: FundsInPlace, *, by) -> FundsInPlace:
    """到位资金 of a month: the project must be signed; more than its contracted investment in all
    needs a note saying why."""
    from keyprojects.projects.choices import SIGNED_OR_LATER

    errors = {}
    project = funds.project
    if funds.month:
        funds.month = funds.month.replace(day=1)
        if funds.month > _today():
            errors["month"] = _("The month is in the future.")
    if project.stage not in SIGNED_OR_LATER:
        errors["project"] = _("Funds arrive for a signed project.")
    limit = contracted(project)
    earlier = (
        FundsInPlace.objects.filter(project=project, archived_at__isnull=True)
        .exclude(pk=funds.pk)
        .aggregate(total=Sum("amount"))["total"]
        or 0
    )
    if limit is not None and funds.amount is not None and earlier + funds.amount > limit and not funds.note.strip():
        errors["note"] = _(
            "Funds in place would reach %(total)s (10k yuan), above the contracted %(limit)s: add a note saying why."
        ) % {"total": earlier + funds.amount, "limit": limit}
    if errors:
        raise ValidationError(errors)
    with acting(by):
        funds.full_clean()
        funds.save()
    return funds
