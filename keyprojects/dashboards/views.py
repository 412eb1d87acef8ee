"""The campaign dashboard and its big-screen variant: the same figures and charts, read through
queries.py within the user's scope; chart data is embedded in the page (json_script)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from . import queries

SCREEN_REFRESH_SECONDS = 60


def _words():
    """Units and axis names the charts' script shows, in the user's language."""
    return {
        "entries": _("entries"),
        "projects": _("projects"),
        "moved_on": _("moved on"),
        "not_yet": _("not yet"),
        "yi": _("100 million yuan"),
        "investment": _("Total investment (100 million yuan)"),
    }


def _chart_titles():
    return [
        ("conversion", _("Each batch's entries and how many moved on")),
        ("phases", _("Entries and investment per phase")),
        ("trends", _("Conversion rates per phase")),
        ("regions", _("Regions ranked by entries")),
    ]


def _tables(charts):
    """The charts' figures row by row, with the same links, for the tables under the charts."""
    phases, trends = charts["phases"], charts["trends"]
    return {
        "phases": [(s["name"], list(zip(s["data"], s["urls"], strict=True))) for s in phases["series"]],
        "investment": list(zip(phases["investment"], phases["investment_urls"], strict=True)),
        "trends": [
            (s["name"], s["description"], list(zip(s["data"], s["counted"], s["urls"], strict=True)))
            for s in trends["series"]
        ],
    }


def _context(request):
    data = queries.campaign(request.user)
    return {
        **data,
        "tables": _tables(data["charts"]),
        "chart_titles": _chart_titles(),
        "words": _words(),
        "now": timezone.localtime(),
    }


@login_required
def campaign(request):
    return render(request, "dashboards/campaign.html", _context(request))


@login_required
def campaign_screen(request):
    """Full-screen, dark, large type for the meeting room; reloads itself every minute."""
    from django.conf import settings
    from django.templatetags.static import static

    from keyprojects.campaigns import indicators
    from keyprojects.orgs.models import Region

    city = Region.objects.filter(parent=None, archived_at__isnull=True).order_by("pk").first()
    return render(
        request,
        "dashboards/screen.html",
        {
            **_context(request),
            "refresh_seconds": SCREEN_REFRESH_SECONDS,
            "city": city,
            "map": queries.region_map(indicators.entries_for(request.user)),
            "boundaries": static(settings.KEYPROJECTS_BOUNDARIES),
            "red": queries.red_projects(request.user),
        },
    )
