"""Notifications of the monthly-report loop (月度进度): who is told when a report is submitted,
returned or accepted, in what words. services.py calls the two functions at the bottom inside
its transactions; core sends them after the commit."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from keyprojects.core.access import Role
from keyprojects.core.notifications import notify, register_kind

from .models import ProgressReport, Project

REPORT_SUBMITTED = register_kind(
    "projects.report_submitted",
    label=_("Monthly report submitted for review"),
    text=_("%(actor)s submitted the %(month)s monthly report of “%(project)s”: please review it."),
)
REPORT_RETURNED = register_kind(
    "projects.report_returned",
    label=_("Monthly report returned"),
    text=_("The %(month)s monthly report of “%(project)s” was returned by %(actor)s: %(reason)s"),
)
REPORT_ACCEPTED = register_kind(
    "projects.report_accepted",
    label=_("Monthly report accepted"),
    text=_("The %(month)s monthly report of “%(project)s” was accepted by %(actor)s."),
)


STAGE_REQUESTED = register_kind(
    "projects.stage_requested",
    label=_("Stage change requested"),
    text=_("%(actor)s asked to move “%(project)s” to “%(stage)s”: please confirm it with the evidence."),
)


def _decided_text(params):
    if params.get("decision") == "confirmed":
        text = _("Your request to move “%(project)s” to “%(stage)s” was confirmed by %(actor)s.")
    else:
        text = _("Your request to move “%(project)s” to “%(stage)s” was rejected by %(actor)s: %(note)s")
    return str(text) % {"project": "", "stage": "", "actor": "", "note": "", **params}


STAGE_DECIDED = register_kind(
    "projects.stage_request_decided", label=_("Stage change request decided"), text=_decided_text
)
REPORT_LATE = register_kind(
    "projects.report_late",
    label=_("Monthly report missing"),
    text=_("The %(month)s monthly report of “%(project)s” was due on %(due)s and is missing: please file it."),
)


def report_reviewers(project: Project) -> QuerySet:
    """Who reviews a project's reports and confirms its stage changes: county or district staff
    whose region is the project's or one above it (their subtree holds it). City
    administrators may too, but are not told of every one."""
    above = [int(pk) for pk in project.region.path.strip("/").split("/") if pk]
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__active=True,
            memberships__role=Role.REGION_STAFF,
            memberships__region_id__in=above,
        )
        .distinct()
    )


def report_people(report: ProgressReport) -> list:
    """Who hears how their report was reviewed: whoever submitted it and the users of the
    project's owner enterprise."""
    people = [report.submitted_by] if report.submitted_by_id else []
    owner = report.project.owner
    if owner is not None:
        people += list(owner.users.filter(is_active=True))
    return people


def _params(report: ProgressReport, **more) -> dict:
    return {"project": report.project.name, "month": f"{report.month:%Y-%m}", **more}


def report_submitted(report: ProgressReport, *, by) -> None:
    notify(report_reviewers(report.project), REPORT_SUBMITTED, target=report, actor=by, params=_params(report))


def report_reviewed(report: ProgressReport, *, by, accept: bool, reason: str = "") -> None:
    kind = REPORT_ACCEPTED if accept else REPORT_RETURNED
    notify(report_people(report), kind, target=report, actor=by, params=_params(report, reason=reason))


def stage_requested(request, *, by) -> None:
    params = {"project": request.project.name, "stage": request.get_to_stage_display()}
    notify(report_reviewers(request.project), STAGE_REQUESTED, target=request, actor=by, params=params)


def stage_decided(request, *, by, confirmed: bool, note: str = "") -> None:
    """The requester and the owner's users hear the county's decision (stored as a key, read as
    a sentence in the reader's language)."""
    people = [request.requested_by]
    if request.project.owner is not None:
        people += list(request.project.owner.users.filter(is_active=True))
    params = {
        "project": request.project.name,
        "stage": request.get_to_stage_display(),
        "decision": "confirmed" if confirmed else "rejected",
        "note": note,
    }
    notify(people, STAGE_DECIDED, target=request, actor=by, params=params)


def report_filers(project: Project) -> list:
    """Who files a project's monthly figures and is reminded when one is missing: the owner's
    enterprise users and the project's service officer."""
    people = list(project.owner.users.filter(is_active=True)) if project.owner_id else []
    return people + ([project.service_officer] if project.service_officer_id else [])
