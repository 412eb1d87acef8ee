"""Home-page items for project people: red lights in scope, reports waiting for review."""

from django.urls import reverse
from django.utils.translation import gettext as _

from keyprojects.core.access import Action
from keyprojects.core.attention import provider

from .choices import Light, ReportStatus
from .models import ProgressReport, Project


@provider
def project_attention(request):
    user = request.user
    items = []
    red = Project.objects.restrict(user).filter(light=Light.RED, archived_at__isnull=True).count()
    if red:
        items.append(
            {
                "label": _("Projects with a red light"),
                "count": red,
                "level": "danger",
                "url": reverse("projects:project_list") + "?light=red",
            }
        )
    waiting = ProgressReport.objects.restrict(user, Action.ARCHIVE).filter(status=ReportStatus.SUBMITTED).count()
    if waiting:
        items.append(
            {
                "label": _("Reports waiting for your review"),
                "count": waiting,
                "level": "warning",
                "url": reverse("projects:progressreport_list") + "?status=submitted",
            }
        )
    return items
