"""The project library's scheduled jobs (core/schedule.py), registered by ProjectsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from keyprojects.core.schedule import scheduled

from .services import refresh_all_lights, remind_late_filers


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


@scheduled(
    "projects.remind_late_reports",
    daily="09:00",
    title=_("Remind late monthly reports"),
    counts={"told": _("Reminders sent")},
)
def remind_late_reports(run):
    """逾期未报: each filer of a project whose report is missing is told once per month, so a
    second run, or a deliberate re-run, sends nothing twice."""
    return {"told": remind_late_filers(run.day)}


@scheduled(
    "projects.freeze_baselines",
    daily="05:30",
    title=_("Freeze the baselines of newly listed projects"),
    counts={"frozen": _("Baselines frozen")},
)
def freeze_baselines(run):
    """Baseline 1 for every listed project without one, however it was listed (a page, an import)."""
    from .baselines import freeze_listed_baselines

    return {"frozen": freeze_listed_baselines(run.day)}
