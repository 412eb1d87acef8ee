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


def report_reviewers(project: Project) -> QuerySet:
    """Who reviews a project's reports: county or district staff whose region is the project's
    or one above it (their subtree holds it). The one place that says so: when core offers
    `users_who_may("review", report)`, this becomes that call."""
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
