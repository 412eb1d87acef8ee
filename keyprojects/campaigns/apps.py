from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "keyprojects.campaigns"
    label = "campaigns"
    verbose_name = _("Campaign")

    def ready(self):
        from django.core import checks

        from keyprojects.core.context_processors import nav

        from .indicators import check_indicators
        from .scorecard import check_scorecard

        checks.register(check_indicators, "campaigns")
        checks.register(check_scorecard, "campaigns")
        section = _("Three batches campaign")
        nav(_("Phases"), "campaigns:phase_list", "campaigns.Phase", section)
        nav(_("Batch entries"), "campaigns:batchentry_list", "campaigns.BatchEntry", section)
        nav(_("Indicators"), "campaigns:indicators", "campaigns.BatchEntry", section)
        nav(_("Region rankings"), "campaigns:rankings", "campaigns.BatchEntry", section)
        nav(_("Phase summary"), "campaigns:summary", "campaigns.BatchEntry", section)
        nav(_("Provincial scorecard"), "campaigns:scorecard", "campaigns.BatchEntry", section)
