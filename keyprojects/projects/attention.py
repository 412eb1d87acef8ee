"""What the project library puts on each user's 工作台 (home): what is due or overdue for them,
each a count linking to the filtered list, worst first; and, for leaders and service officers,
their own projects, red first."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from keyprojects.core.access import Action, Role, roles
from keyprojects.core.attention import provider

from .choices import LIGHT_RANK, Light, ReportStatus, RequestStatus
from .models import Milestone, ProgressReport, Project, StageRequest
from .services import describe, late_filers


def _item(label, count, url, level):
    return {"label": label, "count": count, "url": url, "level": level} if count else None


@provider
def project_attention(request):
    user = request.user
    today = timezone.localdate()
    reports = reverse("projects:progressreport_list")
    milestones = reverse("projects:milestone_list")
    projects = reverse("projects:project_list")
    filed_by_me = Project.objects.restrict(user, "report").filter(archived_at__isnull=True)
    late, _month = late_filers(filed_by_me)
    mine = ProgressReport.objects.restrict(user, "submit")
    nodes = Milestone.objects.restrict(user, Action.CHANGE).filter(archived_at__isnull=True, actual_date__isnull=True)
    window = today + timedelta(days=settings.KEYPROJECTS_LIGHTS["milestone_warning_days"])
    items = [
        _item(_("Monthly reports missing (late)"), late.count(), f"{projects}?late=true", "danger"),
        _item(
            _("Reports returned to you"),
            mine.filter(status=ReportStatus.RETURNED).count(),
            f"{reports}?status=returned",
            "danger",
        ),
        _item(_("Nodes overdue"), nodes.filter(planned_date__lt=today).count(), f"{milestones}?overdue=true", "danger"),
        _item(
            _("Reports waiting for your review"),
            ProgressReport.objects.restrict(user, "review").filter(status=ReportStatus.SUBMITTED).count(),
            f"{reports}?status=submitted",
            "warning",
        ),
        _item(
            _("Stage change requests to confirm"),
            StageRequest.objects.restrict(user, "confirm").filter(status=RequestStatus.PENDING).count(),
            reverse("projects:stagerequest_list") + "?status=pending",
            "warning",
        ),
        _item(
            _("Nodes due soon"),
            nodes.filter(planned_date__gte=today, planned_date__lte=window).count(),
            f"{milestones}?due=true",
            "warning",
        ),
        _item(
            _("Draft reports not yet submitted"),
            mine.filter(status=ReportStatus.DRAFT).count(),
            f"{reports}?status=draft",
            "info",
        ),
        _item(
            _("Projects with a red light"),
            Project.objects.restrict(user).filter(light=Light.RED, archived_at__isnull=True).count(),
            f"{projects}?light=red",
            "danger",
        ),
    ]
    return [item for item in items if item]


def my_projects(request):
    """A leader's or service officer's own projects, red first, on their home (工作台)."""
    user = request.user
    if not roles(user) & {Role.LEADER, Role.SERVICE_OFFICER}:
        return None
    own = Project.objects.restrict(user).filter(Q(leader=user) | Q(service_officer=user), archived_at__isnull=True)
    rank = Case(*[When(light=light, then=Value(-r)) for light, r in LIGHT_RANK.items()])
    chosen = list(own.select_related("region").order_by(rank, "-total_investment")[:12])
    for project in chosen:
        project.reasons = [describe(r) for r in project.light_reasons]
    return {"projects": chosen, "total": own.count()}
