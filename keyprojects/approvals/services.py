"""State changes of the approval green channel, one function each (pages, API, importer,
scheduler and tests all call them). Each is atomic, takes the actor as `by=`, refuses a move its
status does not allow (SOURCES) and writes the matter's dated status line (ApprovalEvent).

The clock (working days, core/calendar.py): a matter's clock starts the day it is accepted (the
day itself does not count, as with every deadline here) and runs for its statutory working days.
It pauses the day the department asks for documents (待补正) and resumes the day they come in:
the working days after the pause up to and including the resume day are added to the limit, so
`due = add_working_days(accepted_on, statutory_days + paused_days)` and `remaining_days =
working_days_between(today, due)` (negative once overdue). The daily job refreshes
`remaining_days` for every running matter with one UPDATE per 500 distinct due dates.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from keyprojects.core.calendar import CalendarMissing, working_calendar
from keyprojects.core.context import acting

from . import notifications as notes
from .choices import OPEN, RUNNING, ApprovalMode, ApprovalStatus, EventType
from .models import ApprovalEvent, ApprovalMatter, ApprovalPlan, ProjectApproval, ZoneAssessment

S = ApprovalStatus
SOURCES = {
    "apply": {S.NOT_STARTED},
    "accept": {S.APPLIED},
    "review": {S.ACCEPTED},
    "ask_supplement": {S.ACCEPTED, S.IN_REVIEW},
    "resume": {S.AWAITING_APPLICANT},
    "supplied": {S.APPLIED, S.ACCEPTED, S.IN_REVIEW, S.AWAITING_APPLICANT},
    "approve": {S.ACCEPTED, S.IN_REVIEW},
    "refuse": {S.ACCEPTED, S.IN_REVIEW, S.AWAITING_APPLICANT},
    "withdraw": {S.APPLIED, S.ACCEPTED, S.IN_REVIEW, S.AWAITING_APPLICANT},
}


def available(verb: str):
    if verb == "supplied":
        return lambda a: a.status in SOURCES[verb] and a.mode == ApprovalMode.TOLERANCE and not a.supplied_on
    return lambda a: a.status in SOURCES[verb]


def _today() -> datetime.date:
    return timezone.localdate()


def _lock(approval: ProjectApproval, verb: str) -> ProjectApproval:
    approval = ProjectApproval.objects.select_for_update().select_related("matter", "project").get(pk=approval.pk)
    if approval.status not in SOURCES[verb]:
        raise ValidationError(
            _("Not possible while the matter is “%(status)s”.") % {"status": approval.get_status_display()}
        )
    return approval


def _not_future(on: datetime.date, field: str = "on") -> datetime.date:
    on = on or _today()
    if on > _today():
        raise ValidationError({field: _("The date is in the future.")})
    return on


def _record(approval, type_, by, on, previous="", note="", **data) -> ApprovalEvent:
    return ApprovalEvent.objects.create(
        approval=approval,
        type=type_,
        actor=by if getattr(by, "pk", None) else None,
        on=on,
        previous_status=previous,
        status=approval.status,
        note=note,
        data=data,
    )


def _move(approval, to, by, on, note="", **data) -> None:
    """The new status, the clock set for it, and the dated line with the previous status."""
    previous = approval.status
    approval.status = to
    _set_clock(approval)
    approval.save()
    _record(approval, EventType.STATUS, by, on, previous, note, **data)


# --- the clock ---------------------------------------------------------------------------


def clock_due(approval: ProjectApproval) -> datetime.date | None:
    """The last working day of the statutory limit, the paused working days added; None while
    paused or before acceptance."""
    if approval.accepted_on is None or approval.status not in RUNNING:
        return None
    return working_calendar().add_working_days(approval.accepted_on, approval.statutory_days + approval.paused_days)


def elapsed_days(approval: ProjectApproval, today: datetime.date | None = None) -> int | None:
    """Working days the department has had the matter: from acceptance to its decision, to
    today, or to the start of its pause, less the paused days."""
    if approval.accepted_on is None:
        return None
    end = approval.decided_on or approval.paused_on or today or _today()
    return max(0, working_calendar().working_days_between(approval.accepted_on, end) - approval.paused_days)


def _set_clock(approval: ProjectApproval, today: datetime.date | None = None) -> None:
    """Due date and working days left for the matter's status. A limit that reaches into a year
    whose calendar is not entered yet has no due date until it is (the daily job fills it in):
    a clock is never guessed, and the department's step is never refused for it."""
    try:
        approval.due = clock_due(approval)
    except CalendarMissing:
        approval.due = approval.remaining_days = None
        return
    if approval.due is not None:
        approval.remaining_days = working_calendar().working_days_between(today or _today(), approval.due)
    elif approval.paused and approval.accepted_on:
        approval.remaining_days = approval.statutory_days - elapsed_days(approval)
    elif approval.status not in OPEN:
        approval.remaining_days = None


# --- plans -------------------------------------------------------------------------------


def valid_assessment(project, kind: str, day: datetime.date) -> ZoneAssessment | None:
    """The zone's valid assessment of `kind` for a project in it (its region or a zone above)."""
    above = [int(pk) for pk in project.region.path.strip("/").split("/") if pk]
    return (
        ZoneAssessment.objects.filter(
            region_id__in=above, kind=kind, archived_at__isnull=True, valid_from__lte=day, valid_until__gte=day
        )
        .order_by("-valid_until")
        .first()
    )


@transaction.atomic
def create_plan(plan: ApprovalPlan, *, by) -> ApprovalPlan:
    """审批计划 from the template of the project's kind: one matter for each catalogue matter of
    that kind; a matter a valid zone assessment covers is skipped (区域评估复用)."""
    from keyprojects.projects.choices import Stage

    if plan.project.stage == Stage.TERMINATED:
        raise ValidationError({"project": _("The project is terminated.")})
    if ApprovalPlan.objects.filter(project=plan.project).exists():
        raise ValidationError({"project": _("This project already has an approval plan.")})
    today = _today()
    matters = [m for m in ApprovalMatter.objects.filter(archived_at__isnull=True) if plan.kind in (m.kinds or [])]
    if not matters:
        raise ValidationError({"kind": _("The catalogue has no matter for this project kind.")})
    with acting(by):
        plan.full_clean()
        plan.save()
        for matter in matters:
            approval = ProjectApproval(
                plan=plan,
                project=plan.project,
                matter=matter,
                department=matter.department,
                statutory_days=matter.statutory_days,
                mode=ApprovalMode.REGULAR,
            )
            zone = valid_assessment(plan.project, matter.assessment_kind, today) if matter.assessment_kind else None
            if zone is not None:
                approval.mode, approval.status, approval.zone_assessment = ApprovalMode.REGIONAL, S.SKIPPED, zone
                approval.document_number = zone.document_number  # cleared from the start: no day of its own
            approval.save()
            _record(approval, EventType.PLANNED, by, today, "", zone=str(zone) if zone else "")
        refresh_ready(plan)
    return plan


def refresh_ready(plan: ApprovalPlan) -> datetime.date | None:
    """准备开工: the day the last matter construction needs was cleared (approved, covered by a
    zone assessment, or committed under 承诺制 and accepted), or None while one is not."""
    days = []
    for approval in plan.approvals.filter(matter__needed_for_start=True, archived_at__isnull=True):
        if approval.status in (S.APPROVED, S.SKIPPED):
            days.append(approval.decided_on)
        elif approval.mode == ApprovalMode.COMMITMENT and approval.status in RUNNING:
            days.append(approval.accepted_on)
        else:
            days = None
            break
    dated = [d for d in days or () if d]
    ready = max(dated) if dated else (plan.created.date() if days else None)
    if ready != plan.ready_on:
        plan.ready_on = ready
        plan.save(update_fields=["ready_on", "updated"])
    return ready


# --- the verbs ---------------------------------------------------------------------------


def _check_mode(approval: ProjectApproval, mode: str) -> None:
    if mode == ApprovalMode.REGIONAL:
        raise ValidationError({"mode": _("A zone assessment is reused when the plan is made, not applied for.")})
    if mode not in (approval.matter.allowed_modes or []):
        raise ValidationError(
            {
                "mode": _("“%(matter)s” cannot be handled as %(mode)s; allowed: %(allowed)s.")
                % {
                    "matter": approval.matter,
                    "mode": ApprovalMode(mode).label,
                    "allowed": approval.matter.get_allowed_modes_display(),
                }
            }
        )


def _check_tolerance(approval, missing_documents: str, supplement_deadline, on) -> None:
    errors = {}
    if not (missing_documents or "").strip():
        errors["missing_documents"] = _("List the missing documents of a 容缺 matter.")
    if supplement_deadline is None:
        errors["supplement_deadline"] = _("Give the deadline to supply the missing documents.")
    elif on and supplement_deadline <= on:
        errors["supplement_deadline"] = _("The supplement deadline must be after the application.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def apply_for(
    approval: ProjectApproval,
    *,
    by,
    on: datetime.date | None = None,
    mode: str = ApprovalMode.REGULAR,
    missing_documents: str = "",
    supplement_deadline: datetime.date | None = None,
) -> ProjectApproval:
    """已申请: the enterprise applies, in a mode the catalogue allows for the matter; a 容缺
    application lists its missing documents and their deadline."""
    approval = _lock(approval, "apply")
    on = _not_future(on)
    _check_mode(approval, mode)
    if mode == ApprovalMode.TOLERANCE:
        _check_tolerance(approval, missing_documents, supplement_deadline, on)
    with acting(by):
        approval.mode, approval.applied_on = mode, on
        approval.missing_documents = missing_documents if mode == ApprovalMode.TOLERANCE else ""
        approval.supplement_deadline = supplement_deadline if mode == ApprovalMode.TOLERANCE else None
        _move(approval, S.APPLIED, by, on, mode=mode)
        notes.tell(notes.department_people(approval), notes.APPLIED, approval, by=by)
    return approval


@transaction.atomic
def accept(approval: ProjectApproval, *, by, on: datetime.date | None = None) -> ProjectApproval:
    """已受理: the clock starts."""
    approval = _lock(approval, "accept")
    on = _not_future(on)
    if approval.applied_on and on < approval.applied_on:
        raise ValidationError(
            {"on": _("Acceptance cannot be before the application (%(day)s).") % {"day": approval.applied_on}}
        )
    with acting(by):
        approval.accepted_on = on
        _move(approval, S.ACCEPTED, by, on)
        refresh_ready(approval.plan)
    return approval


@transaction.atomic
def review(approval: ProjectApproval, *, by, on: datetime.date | None = None) -> ProjectApproval:
    """审查中."""
    approval = _lock(approval, "review")
    on = _not_future(on)
    with acting(by):
        _move(approval, S.IN_REVIEW, by, on)
    return approval


@transaction.atomic
def ask_supplement(approval: ProjectApproval, *, by, note: str, on: datetime.date | None = None) -> ProjectApproval:
    """待补正: the department asks the applicant for documents; the clock pauses from `on`."""
    approval = _lock(approval, "ask_supplement")
    on = _not_future(on)
    if not (note or "").strip():
        raise ValidationError({"note": _("Say which documents are needed.")})
    if on < approval.accepted_on:
        raise ValidationError({"on": _("The date is before the acceptance.")})
    with acting(by):
        approval.paused_on = on
        _move(approval, S.AWAITING_APPLICANT, by, on, note)
        notes.tell(notes.applicant_people(approval), notes.SUPPLEMENT, approval, by=by, note=note)
    return approval


@transaction.atomic
def resume(approval: ProjectApproval, *, by, on: datetime.date | None = None) -> ProjectApproval:
    """补正 received: the clock resumes, the paused working days added to the limit."""
    approval = _lock(approval, "resume")
    on = _not_future(on)
    if on < approval.paused_on:
        raise ValidationError({"on": _("The documents cannot come in before they were asked for.")})
    paused = working_calendar().working_days_between(approval.paused_on, on)
    with acting(by):
        approval.paused_days += paused
        approval.paused_on = None
        _move(approval, S.IN_REVIEW, by, on, paused=paused)
    return approval


@transaction.atomic
def supplied(approval: ProjectApproval, *, by, on: datetime.date | None = None) -> ProjectApproval:
    """容缺: the missing documents came in before their deadline."""
    approval = _lock(approval, "supplied")
    on = _not_future(on)
    if approval.mode != ApprovalMode.TOLERANCE:
        raise ValidationError(_("Only a 容缺 matter has documents to supply."))
    with acting(by):
        approval.supplied_on = on
        approval.save()
        _record(approval, EventType.SUPPLIED, by, on, approval.status)
    return approval


def _decide(approval, to, by, on, note="", document_number="", file=None) -> ProjectApproval:
    on = _not_future(on)
    if approval.applied_on and on < approval.applied_on:
        raise ValidationError(
            {"on": _("The decision cannot be before the application (%(day)s).") % {"day": approval.applied_on}}
        )
    if approval.accepted_on and on < approval.accepted_on:
        raise ValidationError(
            {"on": _("The decision cannot be before the acceptance (%(day)s).") % {"day": approval.accepted_on}}
        )
    with acting(by):
        if approval.paused_on:  # refused while waiting for the applicant: the pause ends today
            approval.paused_days += working_calendar().working_days_between(approval.paused_on, on)
            approval.paused_on = None
        approval.decided_on = on
        approval.working_days = elapsed_days(approval) if approval.accepted_on else None
        if document_number:
            approval.document_number = document_number
        if file:
            approval.file = file
        _move(approval, to, by, on, note)
        refresh_ready(approval.plan)
        notes.tell(
            notes.applicant_people(approval), notes.DECIDED, approval, by=by, status=approval.get_status_display()
        )
    return approval


@transaction.atomic
def approve(
    approval: ProjectApproval,
    *,
    by,
    on: datetime.date | None = None,
    document_number: str = "",
    file=None,
    note: str = "",
) -> ProjectApproval:
    """已批准, with its 文号 and the file (a 预审批 opinion is not binding: it approves nothing)."""
    approval = _lock(approval, "approve")
    if not (document_number or "").strip():
        raise ValidationError({"document_number": _("Give the approval's document number (文号).")})
    return _decide(approval, S.APPROVED, by, on, note, document_number, file)


@transaction.atomic
def refuse(approval: ProjectApproval, *, by, note: str, on: datetime.date | None = None) -> ProjectApproval:
    """不予批准, with the reason."""
    approval = _lock(approval, "refuse")
    if not (note or "").strip():
        raise ValidationError({"note": _("Give the reason.")})
    return _decide(approval, S.REFUSED, by, on, note)


@transaction.atomic
def withdraw(approval: ProjectApproval, *, by, note: str = "", on: datetime.date | None = None) -> ProjectApproval:
    """撤回 by the applicant."""
    approval = _lock(approval, "withdraw")
    return _decide(approval, S.WITHDRAWN, by, on, note)


# --- the daily job -----------------------------------------------------------------------


def system_user():
    """The account the daily job raises problems as (a problem names who raised it)."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username="green-channel", defaults={"first_name": "审批绿色通道", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def refresh_clocks(today: datetime.date) -> int:
    """Working days left for every running matter, set-based: one UPDATE per 500 distinct due
    dates (a CASE, each date counted once on the calendar), never a query per matter."""
    from django.db.models import Case, IntegerField, Value, When

    calendar = working_calendar()
    live = ProjectApproval.objects.filter(archived_at__isnull=True, status__in=RUNNING)
    # the few clocks whose limit reached into a year entered since: their due date, one by one
    for approval in live.filter(due__isnull=True, accepted_on__isnull=False).select_related("matter")[:1000]:
        _set_clock(approval, today)
        if approval.due is not None:
            approval.save(update_fields=["due", "remaining_days", "updated"])
    running = live.filter(due__isnull=False)
    dates = sorted(set(running.values_list("due", flat=True).distinct()))
    changed = 0
    for start in range(0, len(dates), 500):
        chunk = []
        for d in dates[start : start + 500]:
            try:
                chunk.append((d, calendar.working_days_between(today, d)))
            except CalendarMissing:
                continue
        if not chunk:
            continue
        days = Case(*[When(due=d, then=Value(n)) for d, n in chunk], output_field=IntegerField())
        # remaining_days is derived daily and kept out of the change log (log_exclude): the bare
        # UPDATE, not LoggedQuerySet.update(), which reads every row before and after to log it.
        changed += models.QuerySet.update(running.filter(due__in=[d for d, _n in chunk]), remaining_days=days)
    return changed


def terminate_missed(today: datetime.date) -> int:
    """容缺: a matter whose missing documents did not come by their deadline is terminated, and
    the department, the applicant and the county are told."""
    missed = ProjectApproval.objects.filter(
        archived_at__isnull=True,
        status__in=OPEN - {S.NOT_STARTED},
        mode=ApprovalMode.TOLERANCE,
        supplied_on__isnull=True,
        supplement_deadline__lt=today,
    ).select_related("matter", "project__region", "project__owner", "plan")
    count = 0
    for approval in missed:
        with transaction.atomic(), acting(None, "approvals.daily"):
            previous = approval.status
            approval.status, approval.decided_on = S.TERMINATED, today
            approval.due, approval.remaining_days, approval.paused_on = None, None, None
            approval.save()
            _record(
                approval, EventType.TERMINATED, None, today, previous, deadline=approval.supplement_deadline.isoformat()
            )
            refresh_ready(approval.plan)
            notes.tell(
                notes.everyone(approval),
                notes.TERMINATED,
                approval,
                by=None,
                deadline=approval.supplement_deadline.isoformat(),
            )
        count += 1
    return count


def raise_overdue(today: datetime.date) -> int:
    """An overdue matter raises one problem (审批手续) for its department through the problem
    ledger, assigned to the department; the intake key (matter and due date) makes a second run
    write nothing."""
    from keyprojects.problems import services as problems
    from keyprojects.problems.choices import Category, Source
    from keyprojects.problems.models import Problem

    late = ProjectApproval.objects.filter(
        archived_at__isnull=True, status__in=RUNNING, remaining_days__lt=0, due__isnull=False
    ).select_related("matter", "project", "department")
    keys = {f"approval-overdue-{a.pk}-{a.due.isoformat()}": a for a in late}
    if not keys:
        return 0
    known = set(Problem.objects.filter(intake_key__in=list(keys)).values_list("intake_key", flat=True))
    by = system_user()
    raised = 0
    for key, approval in keys.items():
        if key in known:
            continue
        days = -approval.remaining_days
        with transaction.atomic():
            problem = Problem(
                title=(_("Approval overdue: %(matter)s") % {"matter": approval.matter})[:100],
                description=_(
                    "“%(approval)s” was accepted on %(accepted)s and is %(days)s working days past its "
                    "statutory limit of %(limit)s working days (due %(due)s)."
                )
                % {
                    "approval": approval,
                    "accepted": approval.accepted_on,
                    "days": days,
                    "limit": approval.statutory_days,
                    "due": approval.due,
                },
                category=Category.APPROVALS,
                source=Source.PLATFORM,
                project=approval.project,
                raised_on=today,
            )
            problem = problems.raise_problem(problem, by=by, intake_key=key)
            if approval.department_id:
                problems.assign_problem(problem, by=by, problem_class="simple", lead_department=approval.department)
            _record(approval, EventType.OVERDUE, None, today, approval.status, days=days, problem=problem.pk)
            notes.tell(notes.department_people(approval), notes.OVERDUE, approval, by=None, days=days)
        raised += 1
    return raised
