"""Notifications of the problem ledger: whoever must act next is told, in the inbox, by e-mail
and through webhooks (core/notifications.py). services.py calls `tell()` inside its transactions."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from keyprojects.core.access import Role
from keyprojects.core.notifications import notify, register_kind

SUBMITTED = register_kind(
    "problems.submitted",
    label=_("Problem raised"),
    text=_("%(actor)s raised “%(problem)s”: please accept and assign it."),
)
RETURNED = register_kind(
    "problems.returned",
    label=_("Problem returned for information"),
    text=_("“%(problem)s” was returned by %(actor)s for more information: %(note)s"),
)
ASSIGNED = register_kind(
    "problems.assigned",
    label=_("Problem assigned"),
    text=_("%(actor)s assigned “%(problem)s” to your department: solve it by %(due)s."),
)
PROGRESS = register_kind(
    "problems.progress",
    label=_("Progress on a problem"),
    text=_("%(actor)s reported progress on “%(problem)s”: %(note)s"),
)
PROPOSED = register_kind(
    "problems.proposed",
    label=_("Resolution proposed"),
    text=_("%(actor)s says “%(problem)s” is solved: please confirm whether you are satisfied."),
)
SATISFIED = register_kind(
    "problems.satisfied",
    label=_("Raiser satisfied"),
    text=_("The raiser is satisfied with the resolution of “%(problem)s”: please close it (销号)."),
)
NOT_SATISFIED = register_kind(
    "problems.not_satisfied",
    label=_("Raiser not satisfied"),
    text=_("The raiser is not satisfied with the resolution of “%(problem)s”: %(note)s"),
)
CLOSED = register_kind(
    "problems.closed",
    label=_("Problem closed"),
    text=_("“%(problem)s” was closed (销号) by %(actor)s."),
)


def _escalated_text(params):
    from .choices import Level

    level = params.get("level")
    named = {"problem": "", "note": "", **params, "level": Level(level).label if level in Level.values else ""}
    return str(_("“%(problem)s” was escalated to %(level)s: %(note)s")) % named


ESCALATED = register_kind("problems.escalated", label=_("Problem escalated"), text=_escalated_text)
UNRESOLVABLE = register_kind(
    "problems.unresolvable",
    label=_("Problem declared unresolvable"),
    text=_("%(actor)s declares “%(problem)s” cannot be solved and asks for your approval: %(note)s"),
)
DECIDED = register_kind(
    "problems.unresolvable_decided",
    label=_("Unresolvable problem decided"),
    text=_("%(actor)s decided on “%(problem)s” declared unresolvable: %(note)s"),
)
INSTRUCTION = register_kind(
    "problems.instruction",
    label=_("Leader's instruction"),
    text=_("%(actor)s wrote an instruction (批示) on “%(problem)s”: %(note)s"),
)
REOPENED = register_kind(
    "problems.reopened",
    label=_("Problem reopened"),
    text=_("%(actor)s reopened “%(problem)s”: %(note)s"),
)
DIGEST = register_kind(
    "problems.digest",
    label=_("Problems due and overdue"),
    text=_("Your department has %(due)s problems due within 3 working days and %(overdue)s overdue."),
)


def _members(**lookups):
    User = get_user_model()
    return User.objects.filter(is_active=True, memberships__active=True, **lookups).distinct()


def office_people(problem):
    """The responsible office's staff, or the supervision office's when none is named."""
    if problem.office_id:
        return _members(memberships__role=Role.OFFICE_STAFF, memberships__office_id=problem.office_id)
    return _members(memberships__role=Role.OFFICE_STAFF, memberships__office__kind="supervision")


def region_people(problem):
    """County or district staff whose region is the problem's or one above it."""
    above = [int(pk) for pk in problem.region.path.strip("/").split("/") if pk]
    return _members(memberships__role=Role.REGION_STAFF, memberships__region_id__in=above)


def department_people(problem, *, lead_only=False):
    ids = [problem.lead_department_id] if problem.lead_department_id else []
    if not lead_only:
        ids += [d.pk for d in problem.co_departments.all()]
    return _members(memberships__role=Role.DEPARTMENT_STAFF, memberships__department_id__in=ids)


def raiser_people(problem):
    """Whoever raised it and the users of the enterprise it is for."""
    people = [problem.raised_by]
    if problem.enterprise_id:
        people += list(problem.enterprise.users.filter(is_active=True))
    return people


def city_people():
    return _members(memberships__role=Role.CITY_ADMIN)


def approvers(problem):
    """Who approves an unresolvable problem: its project's leader, else the city administrators."""
    leader = getattr(problem.project, "leader", None) if problem.project_id else None
    return [leader] if leader is not None else list(city_people())


def level_people(problem, level):
    """Who hears of an escalation to `level`: the department (its head), the project's leader
    (分包领导), the office that prepares the weekly meeting, the city leadership."""
    from .choices import Level

    people = list(department_people(problem, lead_only=True))
    if level >= Level.LEADER and problem.project_id and problem.project.leader_id:
        people.append(problem.project.leader)
    if level >= Level.MEETING:
        people += list(_members(memberships__office__kind="coordination", memberships__role=Role.OFFICE_STAFF))
    if level >= Level.CITY:
        people += list(city_people())
    return people


def tell(people, kind, problem, *, by, **params):
    notify(people, kind, target=problem, actor=by, params={"problem": problem.title, **params})


DECIDED_FOR = register_kind(
    "problems.decision",
    label=_("Meeting decision for your department"),
    text=_("%(meeting)s decided: “%(decision)s”; your department owns it, due %(due)s."),
)
DECISION_REPORTED = register_kind(
    "problems.decision_reported",
    label=_("Meeting decision reported done"),
    text=_("%(actor)s reports the decision “%(decision)s” done: please confirm and close it."),
)
DECISION_SENT_BACK = register_kind(
    "problems.decision_sent_back",
    label=_("Meeting decision sent back"),
    text=_("The decision “%(decision)s” was sent back by %(actor)s: %(note)s"),
)


def owner_people(decision):
    return _members(memberships__role=Role.DEPARTMENT_STAFF, memberships__department_id=decision.owner_department_id)


def coordination_people():
    return _members(memberships__role=Role.OFFICE_STAFF, memberships__office__kind="coordination")


def _escalated_many_text(params):
    from .choices import Level

    level = params.get("level")
    named = {"count": "", **params, "level": Level(level).label if level in Level.values else ""}
    return str(_("%(count)s overdue problems were escalated to %(level)s today.")) % named


ESCALATED_MANY = register_kind(
    "problems.escalated_today", label=_("Problems escalated by the daily job"), text=_escalated_many_text
)


def tell_escalated(problems, level) -> int:
    """The daily job's escalations, one notice per person and level (never one per problem): the
    project leaders of those at 分包领导 or above, 大项目统筹办 from the weekly meeting on, the
    city from city leadership; departments hear through their digest."""
    from collections import Counter

    from django.urls import reverse

    from .choices import Level

    counts = Counter()
    if level >= Level.LEADER:
        leaders = get_user_model().objects.filter(led_projects__problems__in=[p.pk for p in problems])
        for leader_id in leaders.values_list("pk", flat=True):
            counts[leader_id] += 1
    everyone = len(problems)
    if level >= Level.MEETING:
        for pk in coordination_people().values_list("pk", flat=True):
            counts[pk] = everyone
    if level >= Level.CITY:
        for pk in city_people().values_list("pk", flat=True):
            counts[pk] = everyone
    url = reverse("problems:problem_list") + f"?open=true&escalation={int(level)}"
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=counts)}
    sent = 0
    for pk, count in counts.items():
        sent += len(notify([users[pk]], ESCALATED_MANY, params={"count": count, "level": int(level)}, url=url))
    return sent
