"""Attraction's scheduled jobs (core/schedule.py), registered by AttractionConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from keyprojects.core.schedule import scheduled

from .services import remind_stale_leads


@scheduled(
    "attraction.remind_stale_leads",
    daily="08:30",
    title=_("Remind owners of stale leads"),
    counts={"told": _("Reminders sent")},
)
def remind_stale(run):
    """A lead without activity for N working days tells its owner, on working days only, once
    per silence."""
    return {"told": remind_stale_leads(run.day)}
