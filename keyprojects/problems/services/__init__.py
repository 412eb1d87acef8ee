"""State changes of the problem ledger: one function each, used by the pages, the API, the
importer, the scheduler and the tests alike. Each is atomic, takes the actor as `by=`, checks the
problem's status against the verb before it writes (SOURCES), writes its timeline line
(ProblemAction) and tells whoever must act next (notifications.py).

Deadlines follow the 13710 rule (DeadlineRule, else choices.DEFAULT_DAYS) on the working-day
calendar, counted from the day the problem was raised: assign within 1 working day, first
progress within 3, a simple problem solved within 7, a complex one within 30. `due` is the
deadline the problem is judged by now (to assign, to first progress, to solve); the clock stops
while the raiser is asked (returned, resolution proposed) and once the problem is done.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from keyprojects.core.calendar import deadline, working_calendar
from keyprojects.core.context import acting
from keyprojects.core.uploads import check_evidence

from .. import notifications as notes
from ..choices import CATEGORY_OFFICE, DEFAULT_DAYS, DEFAULT_OFFICE, DONE, ActionType, Level, Source, Status
from ..models import DeadlineRule, Problem, ProblemAction

S = Status
# verb -> the statuses it may start from (anything else is refused with the problem's status named)
SOURCES = {
    "accept": {S.SUBMITTED},
    "return": {S.SUBMITTED, S.ACCEPTED},
    "resubmit": {S.RETURNED},
    "assign": {S.SUBMITTED, S.ACCEPTED},
    "start": {S.ASSIGNED},
    "comment": set(S) - DONE,
    "propose": {S.ASSIGNED, S.IN_PROGRESS},
    "confirm": {S.PROPOSED},
    "close": {S.CONFIRMED},
    "escalate": {S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.UNRESOLVABLE_PENDING},
    "deadline": {S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.UNRESOLVABLE_PENDING},
    "transfer": set(S) - {S.CLOSED},
    "unresolvable": {S.ASSIGNED, S.IN_PROGRESS},
    "approve": {S.UNRESOLVABLE_PENDING},
    "reopen": {S.CLOSED, S.UNRESOLVABLE},
    "instruct": set(S) - DONE,
}


def available(verb: str):
    """For a Verb's `available`: whether the problem's status lets the verb apply."""
    return lambda problem: problem.status in SOURCES[verb]


def _lock(problem: Problem, verb: str) -> Problem:
    """The problem read again under a row lock, and refused if its status does not allow `verb`."""
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if problem.status not in SOURCES[verb]:
        if problem.status == S.CLOSED:
            raise ValidationError(_("This problem is closed (销号); reopen it first."))
        raise ValidationError(
            _("Not possible while the problem is “%(status)s”.") % {"status": problem.get_status_display()}
        )
    return problem


def _today() -> datetime.date:
    return timezone.localdate()


def _record(problem, type_, by, note="", evidence=None, **data) -> ProblemAction:
    action = ProblemAction(problem=problem, type=type_, actor=by, note=note, data=data)
    if evidence:
        check_evidence(evidence)
        action.evidence.save(evidence.name, evidence, save=False)
    action.save()
    return action


def _required(value, field, message):
    if not (value or "").strip():
        raise ValidationError({field: message})
    return value.strip()


# --- deadlines ---------------------------------------------------------------------------


def rule_days(category: str, problem_class: str) -> tuple[int, int, int]:
    """(assign, first progress, solve) working days: the category's rule, else every category's
    rule for the class, else the 13710 defaults."""
    rules = {(r.category, r.problem_class): r for r in DeadlineRule.objects.filter(archived_at__isnull=True)}
    rule = rules.get((category, problem_class)) or rules.get(("", problem_class))
    if rule is None:
        return DEFAULT_DAYS[problem_class]
    return rule.assign_days, rule.progress_days, rule.resolve_days


def set_deadlines(problem: Problem, *, resolve_due: datetime.date | None = None) -> None:
    """The three deadlines from the raise day and the rule of the problem's category and class;
    `resolve_due` overrides the solving deadline (never before the raise day)."""
    assign, progress, resolve = rule_days(problem.category, problem.problem_class)
    if resolve_due is not None and resolve_due < problem.raised_on:
        raise ValidationError({"resolve_due": _("A deadline cannot be before the day the problem was raised.")})
    problem.assign_due = deadline(problem.raised_on, assign)
    problem.progress_due = deadline(problem.raised_on, progress)
    problem.resolve_due = resolve_due or deadline(problem.raised_on, resolve)


def current_due(problem: Problem) -> datetime.date | None:
    """The deadline that applies in the problem's status (None: the clock stops)."""
    if problem.status in {S.SUBMITTED, S.ACCEPTED}:
        return problem.assign_due
    if problem.status == S.ASSIGNED:
        return min(problem.progress_due, problem.resolve_due)
    if problem.status in {S.IN_PROGRESS, S.UNRESOLVABLE_PENDING}:
        return problem.resolve_due
    return None


def _set_status(problem: Problem, status: str, today=None) -> None:
    problem.status = status
    problem.due = current_due(problem)
    problem.overdue_days = overdue_days(problem.due, today or _today())


def overdue_days(due, today) -> int:
    if due is None or due >= today:
        return 0
    return working_calendar().working_days_between(due, today)


# --- raising -----------------------------------------------------------------------------


@transaction.atomic
def raise_problem(problem: Problem, *, by, evidence=None, intake_key: str | None = None) -> Problem:
    """Write a new problem (an unsaved instance: a form's, the API's, the importer's), completing
    what it leaves out: the enterprise from the project's owner, the region from either, the
    office from the category; the 13710 deadlines from the raise day. An intake key already
    used is refused: the same request sent twice writes one problem."""
    if intake_key and Problem.objects.filter(intake_key=intake_key).exists():
        raise ValidationError({"intake_key": _("A problem with this intake key was already received.")})
    today = _today()
    problem.raised_on = problem.raised_on or today
    if problem.raised_on > today:
        raise ValidationError({"raised_on": _("The raise date is in the future.")})
    if problem.project_id and not problem.enterprise_id:
        problem.enterprise_id = problem.project.owner_id
    if not problem.region_id:
        source = problem.project or problem.enterprise
        if source is None:
            raise ValidationError({"region": _("Name the project, the enterprise or the region of the problem.")})
        problem.region_id = source.region_id
    if not problem.office_id:
        from keyprojects.orgs.models import Office

        kind = CATEGORY_OFFICE.get(problem.category, DEFAULT_OFFICE)
        problem.office = Office.objects.filter(kind=kind).first()
    problem.raised_by = by
    problem.intake_key = intake_key or None
    set_deadlines(problem)
    _set_status(problem, S.SUBMITTED, today)
    with acting(by):
        problem.full_clean(exclude=["raised_by"])
        problem.save()
        _record(problem, ActionType.RAISED, by, problem.description, evidence, category=problem.category)
        notes.tell([*notes.office_people(problem), *notes.region_people(problem)], notes.SUBMITTED, problem, by=by)
    return problem


@transaction.atomic
def edit_problem(problem: Problem, *, by) -> Problem:
    """Save an edited problem (the form's instance); a closed problem is not edited."""
    before = Problem.objects.get(pk=problem.pk)
    if before.status in DONE:
        raise ValidationError(_("This problem is closed (销号); reopen it first."))
    if problem.raised_on != before.raised_on:
        raise ValidationError({"raised_on": _("The raise date stays as raised: the deadlines count from it.")})
    with acting(by):
        problem.save()
        _record(problem, ActionType.EDITED, by)
    return problem


# --- intake and assignment ---------------------------------------------------------------


@transaction.atomic
def accept_problem(problem: Problem, *, by) -> Problem:
    """受理: the office or county takes the problem in."""
    problem = _lock(problem, "accept")
    with acting(by):
        _set_status(problem, S.ACCEPTED)
        problem.save()
        _record(problem, ActionType.ACCEPTED, by)
    return problem


@transaction.atomic
def return_problem(problem: Problem, *, by, note: str) -> Problem:
    """退回补充: sent back to the raiser for more information; the clock stops."""
    note = _required(note, "note", _("Say what information is missing."))
    problem = _lock(problem, "return")
    with acting(by):
        _set_status(problem, S.RETURNED)
        problem.save()
        _record(problem, ActionType.RETURNED, by, note)
        notes.tell(notes.raiser_people(problem), notes.RETURNED, problem, by=by, note=note)
    return problem


@transaction.atomic
def resubmit_problem(problem: Problem, *, by, note: str, evidence=None) -> Problem:
    """The raiser supplies what was missing; the problem waits for assignment again, within the
    assign time counted from today."""
    note = _required(note, "note", _("Add the missing information."))
    problem = _lock(problem, "resubmit")
    _check_raiser(problem, by)
    with acting(by):
        assign, _progress, _resolve = rule_days(problem.category, problem.problem_class)
        problem.assign_due = deadline(_today(), assign)
        _set_status(problem, S.SUBMITTED)
        problem.save()
        _record(problem, ActionType.RESUBMITTED, by, note, evidence)
        notes.tell([*notes.office_people(problem), *notes.region_people(problem)], notes.SUBMITTED, problem, by=by)
    return problem


def _check_department(problem, department, by) -> None:
    """A county assigns within the problem's region (its own departments or the city's above it);
    the offices and the city assign to any department."""
    from keyprojects.core.access import CITY_WIDE, memberships

    if by is None or by.is_superuser:
        return
    if any(m.role in CITY_WIDE or m.office_id for m in memberships(by)):
        return
    if not problem.region.path.startswith(department.region.path):
        raise ValidationError(
            {
                "lead_department": _(
                    "%(department)s is outside the problem's region; only the four offices assign there."
                )
                % {"department": department}
            }
        )


@transaction.atomic
def assign_problem(
    problem: Problem,
    *,
    by,
    problem_class: str,
    lead_department,
    co_departments=(),
    office=None,
    resolve_due: datetime.date | None = None,
    note: str = "",
) -> Problem:
    """交办: class (which sets the deadlines), lead department, co-departments and the office
    that follows it; an explicit solving deadline may replace the rule's."""
    problem = _lock(problem, "assign")
    if lead_department is None:
        raise ValidationError({"lead_department": _("Choose the lead department.")})
    co_departments = [d for d in co_departments if d.pk != lead_department.pk]
    for department in [lead_department, *co_departments]:
        _check_department(problem, department, by)
    problem.problem_class = problem_class
    set_deadlines(problem, resolve_due=resolve_due)
    with acting(by):
        problem.lead_department = lead_department
        if office is not None:
            problem.office = office
        problem.assigned_on = _today()
        _set_status(problem, S.ASSIGNED)
        problem.save()
        problem.co_departments.set(co_departments)
        _record(
            problem,
            ActionType.ASSIGNED,
            by,
            note,
            department=str(lead_department),
            due=problem.resolve_due.isoformat(),
        )
        notes.tell(notes.department_people(problem), notes.ASSIGNED, problem, by=by, due=str(problem.resolve_due))
    return problem


# --- working it --------------------------------------------------------------------------


@transaction.atomic
def start_problem(problem: Problem, *, by, note: str, evidence=None) -> Problem:
    """首次进展: the department reports its first progress; the solving deadline applies from now."""
    note = _required(note, "note", _("Say what has been done so far."))
    problem = _lock(problem, "start")
    with acting(by):
        problem.progress_on = _today()
        _set_status(problem, S.IN_PROGRESS)
        problem.save()
        _record(problem, ActionType.STARTED, by, note, evidence)
        notes.tell(notes.raiser_people(problem), notes.PROGRESS, problem, by=by, note=note)
    return problem


@transaction.atomic
def comment(problem: Problem, *, by, note: str, evidence=None) -> Problem:
    """A comment or a file on the timeline; it changes nothing else."""
    note = _required(note, "note", _("Write the comment."))
    problem = _lock(problem, "comment")
    with acting(by):
        _record(problem, ActionType.COMMENT, by, note, evidence)
    return problem


@transaction.atomic
def propose_resolution(problem: Problem, *, by, resolution: str, evidence=None) -> Problem:
    """办结: the department says the problem is solved, with what was done and its evidence; the
    raiser is asked to confirm."""
    resolution = _required(resolution, "resolution", _("Say how the problem was solved."))
    problem = _lock(problem, "propose")
    with acting(by):
        problem.resolution = resolution
        problem.proposed_on = _today()
        problem.progress_on = problem.progress_on or problem.proposed_on
        _set_status(problem, S.PROPOSED)
        problem.save()
        _record(problem, ActionType.PROPOSED, by, resolution, evidence)
        notes.tell(notes.raiser_people(problem), notes.PROPOSED, problem, by=by)
    return problem


def _check_raiser(problem: Problem, by) -> None:
    if by is None or by.pk == problem.raised_by_id:
        return
    if problem.enterprise_id and problem.enterprise.users.filter(pk=by.pk).exists():
        return
    raise ValidationError(_("Only whoever raised this problem, or its enterprise, may do this."))


@transaction.atomic
def confirm_resolution(problem: Problem, *, by, satisfied: bool, note: str = "") -> Problem:
    """The raiser's answer: satisfied (the office may close it) or not, with why (back to the
    department, the solving deadline running again)."""
    problem = _lock(problem, "confirm")
    _check_raiser(problem, by)
    if not satisfied:
        note = _required(note, "note", _("Say why you are not satisfied."))
    with acting(by):
        problem.satisfied = satisfied
        _set_status(problem, S.CONFIRMED if satisfied else S.IN_PROGRESS)
        problem.save()
        _record(problem, ActionType.SATISFIED if satisfied else ActionType.NOT_SATISFIED, by, note)
        if satisfied:
            notes.tell(notes.office_people(problem), notes.SATISFIED, problem, by=by)
        else:
            notes.tell(notes.department_people(problem), notes.NOT_SATISFIED, problem, by=by, note=note)
    return problem


@transaction.atomic
def close_problem(problem: Problem, *, by, note: str = "") -> Problem:
    """销号: the office strikes off a problem its raiser confirmed, recording whether it was
    solved on time and in how many working days."""
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if problem.status == S.PROPOSED:
        raise ValidationError(_("The raiser has not confirmed the resolution yet: it cannot be closed."))
    problem = _lock(problem, "close")
    today = _today()
    with acting(by):
        problem.closed_on = today
        solved = problem.proposed_on or today
        problem.on_time = problem.resolve_due is None or solved <= problem.resolve_due
        problem.working_days = max(0, working_calendar().working_days_between(problem.raised_on, today))
        _set_status(problem, S.CLOSED, today)
        problem.save()
        _record(problem, ActionType.CLOSED, by, note)
        notes.tell([*notes.raiser_people(problem), *notes.department_people(problem)], notes.CLOSED, problem, by=by)
    return problem


# --- supervision -------------------------------------------------------------------------


@transaction.atomic
def escalate_problem(problem: Problem, *, by, note: str, level: int | None = None) -> Problem:
    """督办: raise the problem to the next level (or to `level`), by hand."""
    note = _required(note, "note", _("Say why the problem is escalated."))
    problem = _lock(problem, "escalate")
    level = int(level) if level else problem.escalation + 1
    if level <= problem.escalation or level > Level.CITY:
        raise ValidationError({"level": _("Choose a level above the current one.")})
    with acting(by):
        problem.escalation = level
        problem.save()
        _record(problem, ActionType.ESCALATED, by, note, level=level)
        notes.tell(
            notes.level_people(problem, level),
            notes.ESCALATED,
            problem,
            by=by,
            level=str(Level(level).label),
            note=note,
        )
    return problem


@transaction.atomic
def change_deadline(problem: Problem, *, by, due: datetime.date, note: str) -> Problem:
    """Move the solving deadline, with the reason, on the timeline."""
    note = _required(note, "note", _("Say why the deadline moves."))
    problem = _lock(problem, "deadline")
    if due is None:
        raise ValidationError({"due": _("Give the new deadline.")})
    if due < problem.raised_on:
        raise ValidationError({"due": _("A deadline cannot be before the day the problem was raised.")})
    old = problem.resolve_due
    with acting(by):
        problem.resolve_due = due
        _set_status(problem, problem.status)
        problem.save()
        _record(problem, ActionType.DEADLINE, by, note, old=old.isoformat() if old else "", new=due.isoformat())
    return problem


@transaction.atomic
def transfer_problem(problem: Problem, *, by, note: str) -> Problem:
    """移交纪检: recorded on the problem and its timeline; the problem stays open."""
    note = _required(note, "note", _("Say what is transferred and why."))
    problem = _lock(problem, "transfer")
    if problem.transferred_on:
        raise ValidationError(_("This problem was already transferred to discipline inspection."))
    with acting(by):
        problem.transferred_on = _today()
        problem.save()
        _record(problem, ActionType.TRANSFERRED, by, note)
    return problem


@transaction.atomic
def declare_unresolvable(problem: Problem, *, by, note: str) -> Problem:
    """The department declares it cannot be solved; it stays in the 动态清零 count until a leader approves."""
    note = _required(note, "note", _("Explain why the problem cannot be solved."))
    problem = _lock(problem, "unresolvable")
    with acting(by):
        problem.unresolvable_reason = note
        _set_status(problem, S.UNRESOLVABLE_PENDING)
        problem.save()
        _record(problem, ActionType.UNRESOLVABLE, by, note)
        notes.tell(notes.approvers(problem), notes.UNRESOLVABLE, problem, by=by, note=note)
    return problem


@transaction.atomic
def decide_unresolvable(problem: Problem, *, by, approve: bool, note: str) -> Problem:
    """A leader approves (the problem leaves the count) or not (back to the department)."""
    note = _required(note, "note", _("Write your decision."))
    problem = _lock(problem, "approve")
    with acting(by):
        if approve:
            problem.closed_on = _today()
        _set_status(problem, S.UNRESOLVABLE if approve else S.IN_PROGRESS)
        problem.save()
        _record(problem, ActionType.APPROVED if approve else ActionType.REJECTED, by, note)
        people = [*notes.department_people(problem), *notes.office_people(problem)]
        notes.tell(people, notes.DECIDED, problem, by=by, note=note)
    return problem


@transaction.atomic
def reopen_problem(problem: Problem, *, by, note: str) -> Problem:
    """A closed (or approved unresolvable) problem comes back to its department."""
    note = _required(note, "note", _("Say why the problem is reopened."))
    problem = _lock(problem, "reopen")
    with acting(by):
        problem.closed_on = None
        problem.on_time = problem.working_days = problem.satisfied = None
        _set_status(problem, S.IN_PROGRESS if problem.lead_department_id else S.ACCEPTED)
        problem.save()
        _record(problem, ActionType.REOPENED, by, note)
        notes.tell(notes.department_people(problem), notes.REOPENED, problem, by=by, note=note)
    return problem


@transaction.atomic
def instruct(problem: Problem, *, by, instruction: str) -> Problem:
    """批示: a leader's written instruction, on the timeline, told to the departments."""
    instruction = _required(instruction, "instruction", _("Write the instruction."))
    problem = _lock(problem, "instruct")
    with acting(by):
        _record(problem, ActionType.INSTRUCTION, by, instruction)
        people = [*notes.department_people(problem), *notes.office_people(problem)]
        notes.tell(people, notes.INSTRUCTION, problem, by=by, note=instruction)
    return problem


def check_can_raise(user, *, project=None, enterprise=None) -> None:
    """An enterprise user raises for its own enterprise and projects only (the form's choices
    are already limited; the API and the importer meet the same rule here)."""
    from keyprojects.core.access import Action

    for target in (project, enterprise):
        if target is not None and not type(target).objects.restrict(user, Action.VIEW).filter(pk=target.pk).exists():
            raise PermissionDenied


SOURCE_FOR_ROLE = {"enterprise": Source.ENTERPRISE, "service_officer": Source.VISIT}


# The daily job and the weekly meeting live in their own modules (by topic, as STYLE asks), and
# are reached as services.<name> like every other state change.
from .daily import escalate_overdue as escalate_overdue  # noqa: E402
from .daily import escalation_thresholds as escalation_thresholds  # noqa: E402
from .daily import mark_overdue as mark_overdue  # noqa: E402
from .daily import send_digests as send_digests  # noqa: E402
from .meetings import add_decision as add_decision  # noqa: E402
from .meetings import build_agenda as build_agenda  # noqa: E402
from .meetings import close_decision as close_decision  # noqa: E402
from .meetings import create_meeting as create_meeting  # noqa: E402
from .meetings import hold_meeting as hold_meeting  # noqa: E402
from .meetings import mark_overdue_decisions as mark_overdue_decisions  # noqa: E402
from .meetings import report_decision as report_decision  # noqa: E402
from .meetings import send_back_decision as send_back_decision  # noqa: E402
