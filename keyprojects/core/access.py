"""Scoping: the one place that decides what a user may see, change or do.

A user holds memberships (role + optional region, department or office). A model says, in its
`scope` declaration, how its rows reach each kind of scope (a project reaches a region through
`region` and a leader through `leader`), and in its `rights` which roles may use which action
or verb on the rows in their scope (`DEFAULT_RIGHTS` for what it does not declare). `scope_q()`
turns both into one `Q`; `RestrictedQuerySet.restrict(user, action)` applies it. Every list,
detail, form, verb, API endpoint, export, search and chart goes through it.

An action is one of view/add/change/archive or the name of a declared verb ("submit",
"review", "advance" …). A verb no model's `rights` names is refused to everyone but the
superuser: there is no fallback to "view".
"""

from dataclasses import dataclass, field, replace

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
    ATTRACTION = "attraction", _("Attraction cadre")


class Action(models.TextChoices):
    VIEW = "view", _("view")
    ADD = "add", _("add")
    CHANGE = "change", _("change")
    ARCHIVE = "archive", _("archive")


ALL_ROLES = frozenset(Role)
STAFF = frozenset({Role.CITY_ADMIN, Role.REGION_STAFF})  # who registers and keeps records in scope
READ_ONLY = frozenset({Role.LEADER, Role.DISPATCHER, Role.AUDITOR})  # write nothing a model does not give them

# What a model that declares nothing else allows (docs/access.md shows every model's table).
DEFAULT_RIGHTS = {
    Action.VIEW: ALL_ROLES,
    Action.ADD: STAFF,
    Action.CHANGE: STAFF | {Role.DEPARTMENT_STAFF, Role.OFFICE_STAFF, Role.SERVICE_OFFICER, Role.ENTERPRISE},
    Action.ARCHIVE: STAFF,
}
# Reference catalogues (regions, departments, lists, phases): all read, city administrators keep.
REFERENCE_RIGHTS = {Action.VIEW: ALL_ROLES}
# Roles whose scope is the whole city, whatever the membership names.
CITY_WIDE = {Role.CITY_ADMIN, Role.AUDITOR}


def rights_of(model) -> dict:
    """action or verb -> the roles that may use it on `model` in their scope."""
    scope = getattr(model, "scope", None)
    base = REFERENCE_RIGHTS if scope is not None and scope.reference else DEFAULT_RIGHTS
    return {**base, **getattr(model, "rights", {})}


def allowed_roles(model, action) -> frozenset:
    roles_ = rights_of(model).get(action)
    if roles_ is None and getattr(getattr(model, "scope", None), "reference", False):
        return frozenset({Role.CITY_ADMIN})  # a catalogue's other actions and verbs: its keepers
    return frozenset(roles_ or ())


def _paths(value) -> tuple[str, ...]:
    if not value:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


@dataclass(frozen=True)
class Scope:
    """How rows of a model reach each kind of scope: ORM paths (one, or several OR-ed), or None.

    `office_remit` is what each of the four offices (by kind) oversees: lookups on this row,
    `{}` for all rows, absent for none. `reference` marks shared catalogues (regions,
    departments): every signed-in user reads them, only city administrators change them.
    `public` marks published rows kept by whom the paths reach (a policy and its issuing
    department): every role the `view` right names reads every row; the other actions and
    verbs follow the paths.
    """

    region: str | None = None  # path to a Region; region staff and dispatchers see the subtree
    department: str | tuple[str, ...] | None = None  # path(s) to a Department
    office: str | None = None  # path to an Office the row is assigned to
    office_remit: dict = field(default_factory=dict, hash=False, compare=False)
    leader: str | tuple[str, ...] | None = None  # path(s) to the leader User
    service_officer: str | tuple[str, ...] | None = None  # path(s) to the service officer User
    enterprise_user: str | None = None  # path to the Users of the owning enterprise
    owner: str | None = None  # path to a User who owns the row (saved views, jobs)
    # path(s) to the Users who work the row and their team-mates (an attraction cadre's leads)
    member: str | tuple[str, ...] | None = None
    reference: bool = False
    public: bool = False

    def via(self, prefix: str, **override) -> "Scope":
        """The same reach for a row that belongs to one of these (a project's milestone)."""

        def join(value):
            if value is None:
                return None
            if isinstance(value, str):
                return f"{prefix}__{value}"
            return tuple(f"{prefix}__{v}" for v in value)

        remit = {kind: {f"{prefix}__{k}": v for k, v in lookups.items()} for kind, lookups in self.office_remit.items()}
        derived = replace(
            self,
            region=join(self.region),
            department=join(self.department),
            office=join(self.office),
            office_remit=remit,
            leader=join(self.leader),
            service_officer=join(self.service_officer),
            enterprise_user=join(self.enterprise_user),
            owner=join(self.owner),
            member=join(self.member),
        )
        return replace(derived, **override)


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


def _many_valued(model, path) -> bool:
    """Whether a path crosses a one-to-many or many-to-many relation (rows would repeat)."""
    meta = model._meta
    for part in path.split("__"):
        try:
            found = meta.get_field(part)
        except Exception:  # a lookup such as __in at the end
            return False
        if found.one_to_many or found.many_to_many:
            return True
        if not found.is_relation:
            return False
        meta = found.related_model._meta
    return False


def _reach(model, paths, value):
    """Rows reaching `value` through any of `paths`; a subquery where a path would repeat rows."""
    q = None
    for path in paths:
        if _many_valued(model, path):
            part = Q(pk__in=model._base_manager.filter(**{path: value}).values("pk"))
        else:
            part = Q(**{path: value})
        q = part if q is None else q | part
    return q


def _region_subtree(path, region):
    # A subquery, not a list: one statement however many regions the subtree has.
    subtree = type(region).objects.filter(path__startswith=region.path).values("pk")
    return Q(**{f"{path}__in": subtree})


def _membership_q(model, scope: Scope, membership, user):
    role = membership.role
    if role in CITY_WIDE:
        return Q()
    if membership.region_id and scope.region:
        return _region_subtree(scope.region, membership.region)
    if membership.department_id and scope.department:
        return _reach(model, _paths(scope.department), membership.department_id)
    if membership.office_id:
        q = _reach(model, _paths(scope.office), membership.office_id) if scope.office else None
        remit = scope.office_remit.get(membership.office.kind)
        if remit is not None:
            q = Q(**remit) if q is None else q | Q(**remit)
        return q
    if role == Role.LEADER and scope.leader:
        return _reach(model, _paths(scope.leader), user.pk)
    if role == Role.SERVICE_OFFICER and scope.service_officer:
        return _reach(model, _paths(scope.service_officer), user.pk)
    if role == Role.ATTRACTION and scope.member:
        return _reach(model, _paths(scope.member), user.pk)
    if role == Role.ENTERPRISE and scope.enterprise_user:
        return _reach(model, (scope.enterprise_user,), user.pk)
    if role == Role.DISPATCHER and not membership.region_id and scope.region:
        return Q()  # a city dispatcher watches every site
    return None


def scope_q(model, user, action=Action.VIEW) -> Q:
    """The filter that limits `model` to the rows `user` may do `action` (or verb) on."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return Q()
    scope: Scope = getattr(model, "scope", Scope())
    allowed = allowed_roles(model, action)
    if scope.reference or (scope.public and action == Action.VIEW):
        return Q() if roles(user) & allowed else NOTHING
    # What a user owns (their saved views, their jobs) is theirs to see and change.
    combined = Q(**{scope.owner: user.pk}) if scope.owner else NOTHING
    reaches = (
        scope.region,
        scope.department,
        scope.office,
        scope.office_remit,
        scope.leader,
        scope.service_officer,
        scope.enterprise_user,
        scope.member,
    )
    if scope.owner and not any(reaches):
        return combined  # personal rows: city-wide roles do not read others' jobs, files and inboxes
    for membership in memberships(user):
        if membership.role not in allowed:
            continue
        q = _membership_q(model, scope, membership, user)
        if q is None:
            continue
        if not q:  # Q() means everything: nothing wider can follow
            return q
        combined |= q
    return combined


def can(user, action, target) -> bool:
    """Whether the user may do `action` on `target`: a row (is it in the action's scope?) or a
    model (on any row at all; drives menus and "add" buttons)."""
    if user is None or not user.is_authenticated:
        return False
    if isinstance(target, type):
        return scope_q(target, user, action) != NOTHING
    if target.pk is None:
        return scope_q(type(target), user, action) != NOTHING
    return type(target).objects.restrict(user, action).filter(pk=target.pk).exists()


def refusal(obj, action) -> str:
    """Why a user who sees `obj` may not `action` it, when the row can say it better than the
    generic answer (a policy names the department that keeps it); "" otherwise."""
    explain = getattr(obj, "refusal", None)
    return str(explain(action)) if explain is not None else ""


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action=Action.VIEW):
        q = scope_q(self.model, user, action)
        return self.none() if q == NOTHING else self.filter(q)


def region_ids(user, action, region_model, model=None):
    """The regions where `user` may do `action` (on `model`'s rows, by its rights), or None for
    all of them. Lets a check run before anything is written (an import's preview), where
    restrict() needs a saved row."""
    if user.is_superuser:
        return None
    allowed = allowed_roles(model, action) if model is not None else frozenset(DEFAULT_RIGHTS.get(action, ()))
    ids = set()
    for membership in memberships(user):
        if membership.role not in allowed:
            continue
        if membership.role in CITY_WIDE:
            return None
        if membership.region_id:
            subtree = region_model.objects.filter(path__startswith=membership.region.path)
            ids.update(subtree.values_list("pk", flat=True))
    return ids
