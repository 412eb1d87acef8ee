from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "keyprojects.campaigns"
    label = "campaigns"
    verbose_name = _("Campaign")

    def ready(self):
        from keyprojects.core.registry import demo_step, import_columns, panel

        from .demo import seed_campaign
        from .importers import LedgerEntries

        demo_step(seed_campaign, order=40)
        import_columns("projects.Project", LedgerEntries)
        from django.core import checks

        from keyprojects.core.context_processors import nav

        from .indicators import check_indicators
        from .scorecard import check_scorecard

        checks.register(check_indicators, "campaigns")
        checks.register(check_scorecard, "campaigns")
        panel(
            "projects.Project",
            "entries",
            _("Three batches campaign"),
            "campaigns/_project_entries.html",
            project_entries,
        )

        section = _("Three batches campaign")
        nav(_("Phases"), "campaigns:phase_list", "campaigns.Phase", section)
        nav(_("Batch entries"), "campaigns:batchentry_list", "campaigns.BatchEntry", section)
        nav(_("Indicators"), "campaigns:indicators", "campaigns.BatchEntry", section)
        nav(_("Region rankings"), "campaigns:rankings", "campaigns.BatchEntry", section)
        nav(_("Phase summary"), "campaigns:summary", "campaigns.BatchEntry", section)
        nav(_("Provincial scorecard"), "campaigns:scorecard", "campaigns.BatchEntry", section)


def project_entries(request, project):
    """The project's entries in the campaign's phases, as its page's tab (none: no tab)."""
    from .models import BatchEntry

    entries = list(
        BatchEntry.objects.restrict(request.user)
        .filter(project=project, archived_at__isnull=True)
        .select_related("phase")
        .order_by("phase__number", "batch")
    )
    return {"entries": entries} if entries else None
