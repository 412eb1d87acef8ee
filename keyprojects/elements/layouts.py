"""Whitelists in the layouts the departments ask for: 生态环境 (重污染天气应急减排清单 exemption:
site, pollution measures), 住建 (construction sites: builder, site, stage), 供电 (有序用电 exemption:
power demand). One column set each; the rows are the list's active entries, read once with
their projects and element demands."""

from collections import namedtuple

from django.utils.translation import gettext_lazy as _

from .choices import Element, EntryStatus

Heading = namedtuple("Heading", "heading")


def _power(entry, demands):
    found = demands.get((entry.project_id, Element.POWER))
    return found.requested if found else ""


LAYOUTS = {
    "ecology": (
        _("Ecology and environment (生态环境)"),
        [
            (_("Project"), lambda e, d: e.project.name),
            (_("Project code"), lambda e, d: e.project.code or ""),
            (_("Owner enterprise"), lambda e, d: str(e.project.owner or "")),
            (_("Site"), lambda e, d: e.project.location),
            (_("Region"), lambda e, d: str(e.project.region)),
            (_("Why it is on the list"), lambda e, d: e.reason),
            (_("Added on"), lambda e, d: e.added_on),
        ],
    ),
    "housing": (
        _("Housing and construction (住建)"),
        [
            (_("Project"), lambda e, d: e.project.name),
            (_("Region"), lambda e, d: str(e.project.region)),
            (_("Site"), lambda e, d: e.project.location),
            (_("Stage"), lambda e, d: e.project.get_stage_display()),
            (_("Started on"), lambda e, d: e.project.actual_start_date or ""),
            (_("Owner enterprise"), lambda e, d: str(e.project.owner or "")),
        ],
    ),
    "power": (
        _("Power supply (供电)"),
        [
            (_("Project"), lambda e, d: e.project.name),
            (_("Owner enterprise"), lambda e, d: str(e.project.owner or "")),
            (_("Region"), lambda e, d: str(e.project.region)),
            (_("Power demand (kVA)"), _power),
            (_("Why it is on the list"), lambda e, d: e.reason),
        ],
    ),
}


def layout_rows(whitelist, user, layout: str):
    """(columns, rows) of the whitelist in a department's layout, for the user's scope."""
    from .models import ElementDemand, WhitelistEntry

    _title, columns = LAYOUTS[layout]
    entries = list(
        WhitelistEntry.objects.restrict(user)
        .filter(whitelist=whitelist, status=EntryStatus.ACTIVE, archived_at__isnull=True)
        .select_related("project__region", "project__owner")
        .order_by("project__region__path", "project__name")
    )
    demands = {
        (d.project_id, d.element): d
        for d in ElementDemand.objects.filter(project__in=[e.project_id for e in entries], archived_at__isnull=True)
    }
    heads = [Heading(str(label)) for label, _fn in columns]
    rows = [[fn(entry, demands) for _label, fn in columns] for entry in entries]
    return heads, rows
