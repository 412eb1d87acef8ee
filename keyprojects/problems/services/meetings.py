"""The weekly meeting (周例会): numbering, the agenda built from what is late, minutes, and
decisions (议定事项) followed until the office closes them."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from keyprojects.core.calendar import working_calendar
from keyprojects.core.context import acting

from .. import notifications as notes
from ..choices import ActionType, Level
from ..models import Problem
from . import _record, _required, _today, overdue_days

AGENDA_PROBLEMS = 100  # at most, the most overdue first
AGENDA_PROJECTS = 30


@transaction.atomic
def create_meeting(meeting, *, by):
    """A new meeting gets the next number (第N次)."""
    from django.db.models import Max

    from ..models import Meeting

    with acting(by):
        if not meeting.pk:
            meeting.number = (Meeting.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        meeting.save()
    return meeting


@transaction.atomic
def build_agenda(meeting, *, by):
    """The agenda from what is late: problems escalated to the meeting or overdue (the most
    overdue first), red-light projects, and every decision of an earlier meeting not yet closed;
    what is already on it stays as edited, nothing is added twice."""
    from django.db.models import Q

    from keyprojects.projects.choices import Light
    from keyprojects.projects.models import Project

    from ..choices import OPEN, DecisionStatus, ItemKind, MeetingStatus
    from ..models import AgendaItem, Decision, Meeting

    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("The meeting was held; its agenda is kept as it was."))
    items = AgendaItem.objects.filter(meeting=meeting, archived_at__isnull=True)
    have = {
        ItemKind.PROBLEM: set(items.values_list("problem_id", flat=True)),
        ItemKind.PROJECT: set(items.values_list("project_id", flat=True)),
        ItemKind.DECISION: set(items.values_list("decision_id", flat=True)),
    }
    order = (items.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    new = []
    problems = (
        Problem.objects.filter(archived_at__isnull=True, status__in=OPEN)
        .filter(Q(escalation__gte=Level.MEETING) | Q(overdue_days__gt=0))
        .exclude(pk__in=have[ItemKind.PROBLEM] - {None})
        .select_related("lead_department")
        .order_by("-escalation", "-overdue_days", "pk")[:AGENDA_PROBLEMS]
    )
    for problem in problems:
        text = f"{problem.title}（{problem.lead_department or problem.region}，逾期{problem.overdue_days}个工作日）"
        new.append(AgendaItem(meeting=meeting, kind=ItemKind.PROBLEM, problem=problem, text=text[:300]))
    decisions = (
        Decision.objects.filter(archived_at__isnull=True, meeting__number__lt=meeting.number)
        .exclude(status=DecisionStatus.CLOSED)
        .exclude(pk__in=have[ItemKind.DECISION] - {None})
        .select_related("owner_department", "meeting")
    )
    for decision in decisions:
        text = f"跟踪{decision.meeting}议定事项：{decision.text}（{decision.owner_department}）"
        new.append(AgendaItem(meeting=meeting, kind=ItemKind.DECISION, decision=decision, text=text[:300]))
    projects = (
        Project.objects.filter(archived_at__isnull=True, light=Light.RED)
        .exclude(pk__in=have[ItemKind.PROJECT] - {None})
        .select_related("region")
        .order_by("-total_investment", "pk")[:AGENDA_PROJECTS]
    )
    for project in projects:
        new.append(
            AgendaItem(meeting=meeting, kind=ItemKind.PROJECT, project=project, text=f"{project.name}（亮红灯）")
        )
    for i, item in enumerate(new):
        item.order = order + i
    with acting(by):
        AgendaItem.objects.bulk_create(new)
    return meeting


@transaction.atomic
def hold_meeting(meeting, *, by, minutes: str):
    """The meeting was held: its minutes are recorded and its agenda is kept as it was."""
    from ..choices import MeetingStatus
    from ..models import Meeting

    minutes = _required(minutes, "minutes", _("Write the minutes."))
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    with acting(by):
        meeting.minutes = minutes
        meeting.status = MeetingStatus.HELD
        meeting.save()
    return meeting


def _decision_line(decision, type_, by, note="", **data):
    from ..models import DecisionEvent

    return DecisionEvent.objects.create(decision=decision, type=type_, actor=by, note=note, data=data)


@transaction.atomic
def add_decision(meeting, *, by, text: str, owner_department, deadline: datetime.date, problems=(), projects=()):
    """议定事项: a decision with its owner department and deadline (not before the meeting),
    linked to problems and projects; the department is told."""
    from ..choices import DecisionEventType
    from ..models import Decision

    text = _required(text, "text", _("Write what was decided."))
    if owner_department is None:
        raise ValidationError({"owner_department": _("Choose the department that owns the decision.")})
    if deadline is None or deadline < meeting.date:
        raise ValidationError({"deadline": _("The deadline cannot be before the meeting.")})
    with acting(by):
        decision = Decision.objects.create(
            meeting=meeting, text=text, owner_department=owner_department, deadline=deadline
        )
        decision.problems.set(problems)
        decision.projects.set(projects)
        decision.overdue_days = overdue_days(deadline, _today())
        if decision.overdue_days:
            decision.save(update_fields=["overdue_days"])
        _decision_line(decision, DecisionEventType.DECIDED, by, text)
        for problem in problems:
            _record(problem, ActionType.COMMENT, by, f"{meeting}议定：{text}")
        params = {"meeting": str(meeting), "decision": text[:60], "due": deadline.isoformat()}
        notes.notify(notes.owner_people(decision), notes.DECIDED_FOR, target=decision, actor=by, params=params)
    return meeting


def _lock_decision(decision, allowed, message):
    from ..models import Decision

    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status not in allowed:
        raise ValidationError(message)
    return decision


@transaction.atomic
def report_decision(decision, *, by, report: str):
    """The owner department reports the decision carried out; the office confirms it."""
    from ..choices import DecisionEventType, DecisionStatus

    report = _required(report, "report", _("Say what was done."))
    decision = _lock_decision(decision, {DecisionStatus.OPEN}, _("Only an open decision can be reported done."))
    with acting(by):
        decision.status, decision.report, decision.reported_on = DecisionStatus.DONE, report, _today()
        decision.overdue_days = 0
        decision.save()
        _decision_line(decision, DecisionEventType.REPORTED, by, report)
        params = {"decision": decision.text[:60]}
        notes.notify(notes.coordination_people(), notes.DECISION_REPORTED, target=decision, actor=by, params=params)
    return decision


@transaction.atomic
def close_decision(decision, *, by):
    """The office confirms a decision reported done and closes it; an open one cannot be closed."""
    from ..choices import DecisionEventType, DecisionStatus

    decision = _lock_decision(
        decision, {DecisionStatus.DONE}, _("The department has not reported the decision done: it cannot be closed.")
    )
    with acting(by):
        decision.status, decision.closed_on = DecisionStatus.CLOSED, _today()
        decision.save()
        _decision_line(decision, DecisionEventType.CLOSED, by)
    return decision


@transaction.atomic
def send_back_decision(decision, *, by, note: str):
    from ..choices import DecisionEventType, DecisionStatus

    note = _required(note, "note", _("Say what is still missing."))
    decision = _lock_decision(decision, {DecisionStatus.DONE}, _("Only a decision reported done can be sent back."))
    with acting(by):
        decision.status, decision.reported_on = DecisionStatus.OPEN, None
        decision.overdue_days = overdue_days(decision.deadline, _today())
        decision.save()
        _decision_line(decision, DecisionEventType.SENT_BACK, by, note)
        params = {"decision": decision.text[:60], "note": note}
        notes.notify(notes.owner_people(decision), notes.DECISION_SENT_BACK, target=decision, actor=by, params=params)
    return decision


def mark_overdue_decisions(today: datetime.date) -> int:
    """Working days overdue of open decisions, set-based as for problems (one UPDATE per 500
    distinct deadlines); returns how many are overdue."""
    from django.db.models import Case, IntegerField, Value, When

    from ..choices import DecisionStatus
    from ..models import Decision

    calendar = working_calendar()
    live = Decision.objects.filter(archived_at__isnull=True, status=DecisionStatus.OPEN)
    live.filter(overdue_days__gt=0, deadline__gte=today).update(overdue_days=0)
    late = live.filter(deadline__lt=today)
    dates = sorted(set(late.values_list("deadline", flat=True)))
    for start in range(0, len(dates), 500):
        chunk = dates[start : start + 500]
        days = Case(
            *[When(deadline=d, then=Value(calendar.working_days_between(d, today))) for d in chunk],
            output_field=IntegerField(),
        )
        late.filter(deadline__in=chunk).update(overdue_days=days)
    return late.count()
