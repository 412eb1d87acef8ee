"""Scoping: the one place that decides what a user may see or change.

A user holds memberships (role + optional region, department or office). A model says, in
its `scope` declaration, how its rows reach each kind of scope (for example a project reaches
a region through `region` and a leader through `leader`). `scope_q()` turns both into one
`Q`; `RestrictedQuerySet.restrict(user, action)` applies it. Every list, detail, form,
API endpoint, export, search and chart goes through `restrict()`.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("City administrator")
    REGION_STAFF = "region_staff", _("County/district staff")
    DEPARTMENT_STAFF = "department_staff", _("Department staff")
    OFFICE_STAFF = "office_staff", _("Four-offices staff")
    LEADER = "leader", _("Project leader")
    SERVICE_OFFICER = "service_officer", _("Chief service officer")
    DISPATCHER = "dispatcher", _("Video dispatcher")
    ENTERPRISE = "enterprise", _("Enterprise user")
    AUDITOR = "auditor", _("Auditor")


class Action(models.TextChoices):
    VIEW = "view", _("view")
    ADD = "add", _("add")
    CHANGE = "change", _("change")
    ARCHIVE = "archive", _("archive")


_ALL = frozenset(Action.values)
_READ = frozenset({Action.VIEW})
_READ_WRITE = frozenset({Action.VIEW, Action.CHANGE})

# What each role may do inside its own scope (docs/access.md shows the same table).
ROLE_ACTIONS = {
    Role.CITY_ADMIN: _ALL,
    Role.REGION_STAFF: _ALL,
    Role.DEPARTMENT_STAFF: _READ_WRITE,
    Role.OFFICE_STAFF: _READ_WRITE,
    Role.LEADER: _READ,
    Role.SERVICE_OFFICER: _READ_WRITE,
    Role.DISPATCHER: _READ,
    Role.ENTERPRISE: _READ_WRITE,
    Role.AUDITOR: _READ,
}
# Roles whose scope is the whole city, whatever the membership names.
CITY_WIDE = {Role.CITY_ADMIN, Role.AUDITOR}


@dataclass(frozen=True)
class Scope:
    """How rows of a model reach each kind of scope: ORM paths, or None when they do not.

    `reference` marks shared catalogues (regions, departments): every signed-in user reads
    them, only city administrators change them.
    """

    region: str | None = None  # path to a Region; region staff and dispatchers see the subtree
    department: str | None = None  # path to a Department
    office: str | None = None  # path to an Office
    leader: str | None = None  # path to the leader User
    service_officer: str | None = None  # path to the service officer User
    enterprise_user: str | None = None  # path to the Users of the owning enterprise
    owner: str | None = None  # path to a User who owns the row (saved views, jobs)
    reference: bool = False


NOTHING = Q(pk__in=[])


def memberships(user):
    """The user's active memberships, read once per user object (once per request)."""
    cached = getattr(user, "_kp_memberships", None)
    if cached is None:
        cached = list(user.memberships.filter(active=True).select_related("region", "department", "office"))
        user._kp_memberships = cached
    return cached


def roles(user):
    if not user or not user.is_authenticated:
        return set()
    return {m.role for m in memberships(user)}


def _region_subtree(path, region):
    # A subquery, not a list: one statement however many regions the subtree has.
    subtree = type(region).objects.filter(path__startswith=region.path).values("pk")
    return Q(**{f"{path}__in": subtree})


def _membership_q(model, scope: Scope, membership, user):
    role = membership.role
    if role in CITY_WIDE:
        return Q()
    q = None
    if membership.region_id and scope.region:
        q = _region_subtree(scope.region, membership.region)
    elif membership.department_id and scope.department:
        q = Q(**{scope.department: membership.department_id})
    elif membership.office_id and scope.office:
        q = Q(**{scope.office: membership.office_id})
    elif role == Role.LEADER and scope.leader:
        q = Q(**{scope.leader: user.pk})
    elif role == Role.SERVICE_OFFICER and scope.service_officer:
        q = Q(**{scope.service_officer: user.pk})
    elif role == Role.ENTERPRISE and scope.enterprise_user:
        # Through a many-valued relation: a subquery keeps each row once.
        q = Q(pk__in=model.objects.filter(**{scope.enterprise_user: user.pk}).values("pk"))
    elif role == Role.DISPATCHER and not membership.region_id and scope.region:
        q = Q()  # a city dispatcher watches every site
    return q


def scope_q(model, user, action=Action.VIEW) -> Q:
    """The filter that limits `model` to what `user` may do `action` on."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return Q()
    scope: Scope = getattr(model, "scope", Scope())
    user_roles = roles(user)
    if scope.reference:
        if action == Action.VIEW or Role.CITY_ADMIN in user_roles:
            return Q()
        return NOTHING
    # What a user owns (their saved views, their jobs) is theirs to see and change.
    combined = Q(**{scope.owner: user.pk}) if scope.owner else NOTHING
    reaches = (scope.region, scope.department, scope.office, scope.leader, scope.service_officer, scope.enterprise_user)
    if scope.owner and not any(reaches):
        return combined  # personal rows: city-wide roles do not read others' jobs, files and inboxes
    for membership in memberships(user):
        if action not in ROLE_ACTIONS.get(membership.role, ()):
            continue
        q = _membership_q(model, scope, membership, user)
        if q is None:
            continue
        if not q:  # Q() means everything: nothing wider can follow
            return q
        combined |= q
    return combined


def can(user, action, model) -> bool:
    """Whether the user may do `action` on any row of `model` (drives buttons and menus)."""
    if user is None or not user.is_authenticated:
        return False
    q = scope_q(model, user, action)
    return q != NOTHING


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action=Action.VIEW):
        q = scope_q(self.model, user, action)
        return self.none() if q == NOTHING else self.filter(q)


def region_ids(user, action, region_model):
    """The regions where `user` may do `action`, or None for all of them. Lets a check run
    before anything is written (an import's preview), where restrict() needs a saved row."""
    if user.is_superuser:
        return None
    ids = set()
    for membership in memberships(user):
        if action not in ROLE_ACTIONS.get(membership.role, ()):
            continue
        if membership.role in CITY_WIDE:
            return None
        if membership.region_id:
            subtree = region_model.objects.filter(path__startswith=membership.region.path)
            ids.update(subtree.values_list("pk", flat=True))
    return ids
