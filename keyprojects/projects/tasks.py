"""The project library's scheduled jobs (core/schedule.py), registered by ProjectsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from keyprojects.core.schedule import scheduled

from .services import refresh_all_lights


@scheduled(
    "projects.refresh_lights",
    daily="06:00",
    title=_("Refresh project lights"),
    counts={"changed": _("Projects whose light changed")},
)
def refresh_lights(run):
    """Time alone turns lights yellow and red. Lights always say how things stand today, so a
    re-run for an earlier day refreshes them as of today too."""
    return {"changed": refresh_all_lights()}
