"""Notifications of the dashboards: the weekly most-at-risk list for the weekly meeting."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from keyprojects.core.notifications import notify, register_kind

WEEKLY_AT_RISK = register_kind(
    "dashboards.weekly_at_risk",
    label=_("This week's most-at-risk projects"),
    text=_("For this week's meeting: %(n)s of your projects have low delivery confidence, first “%(project)s”."),
)


def tell_leaders_at_risk() -> int:
    """Each leader (分包领导) and service officer whose projects under construction have low or
    very low delivery confidence is told once, with the count and the riskiest one."""
    from keyprojects.projects.models import RiskForecast

    low = (
        RiskForecast.objects.filter(confidence__lte=2, project__archived_at__isnull=True, project__stage="started")
        .select_related("project", "project__leader", "project__service_officer")
        .order_by("confidence", "-probability", "project_id")
    )
    people: dict = {}
    for forecast in low:
        for person in (forecast.project.leader, forecast.project.service_officer):
            if person is not None:
                people.setdefault(person.pk, (person, []))[1].append(forecast.project)
    url = reverse("dashboards:at_risk")
    for person, projects in people.values():
        notify(
            [person],
            WEEKLY_AT_RISK,
            target=projects[0],
            params={"n": len(projects), "project": projects[0].name},
            url=url,
        )
    return len(people)
