"""Notifications of the approval green channel (core/notifications.py)."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from keyprojects.core.access import Role
from keyprojects.core.notifications import notify, register_kind

APPLIED = register_kind(
    "approvals.applied",
    label=_("Approval applied for"),
    text=_("“%(approval)s” was applied for: please accept it."),
)
SUPPLEMENT = register_kind(
    "approvals.supplement",
    label=_("Documents asked for an approval"),
    text=_("%(actor)s asks for documents for “%(approval)s”; the clock is paused: %(note)s"),
)
DECIDED = register_kind(
    "approvals.decided",
    label=_("Approval decided"),
    text=_("“%(approval)s” is now %(status)s."),
)
TERMINATED = register_kind(
    "approvals.terminated",
    label=_("Approval terminated"),
    text=_(
        "The supplement deadline %(deadline)s of “%(approval)s” passed without the documents: the matter is terminated."
    ),
)
OVERDUE = register_kind(
    "approvals.overdue",
    label=_("Approval overdue"),
    text=_("“%(approval)s” is %(days)s working days past its statutory limit."),
)


def _members(**lookups):
    User = get_user_model()
    return User.objects.filter(is_active=True, memberships__active=True, **lookups).distinct()


def department_people(approval):
    if not approval.department_id:
        return []
    return list(_members(memberships__role=Role.DEPARTMENT_STAFF, memberships__department_id=approval.department_id))


def applicant_people(approval):
    """The project's enterprise users and its service officer."""
    project = approval.project
    people = [project.service_officer] if project.service_officer_id else []
    if project.owner_id:
        people += list(project.owner.users.filter(is_active=True))
    return people


def region_people(approval):
    above = [int(pk) for pk in approval.project.region.path.strip("/").split("/") if pk]
    return list(_members(memberships__role=Role.REGION_STAFF, memberships__region_id__in=above))


def everyone(approval):
    """Everyone concerned: the department, the applicant, the county."""
    return [*department_people(approval), *applicant_people(approval), *region_people(approval)]


def tell(people, kind, approval, *, by, **params):
    notify(people, kind, target=approval, actor=by, params={"approval": str(approval), **params})
