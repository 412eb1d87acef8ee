from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Read-only aggregates, charts and the meeting-room big screen; owns no data."""

    name = "keyprojects.dashboards"
    label = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        from keyprojects.core.context_processors import nav

        section = _("Three batches campaign")  # beside the campaign's phases, entries and indicators
        nav(_("Campaign dashboard"), "dashboards:campaign", "campaigns.BatchEntry", section)
        nav(_("Big screen"), "dashboards:campaign_screen", "campaigns.BatchEntry", section)
        section = _("Investment statistics")
        nav(_("Fixed-asset investment"), "dashboards:investment", "projects.ProgressReport", section)
        nav(_("Official statistics figures"), "projects:officialfigure_list", "projects.OfficialFigure", section)
        nav(_("Slips and their reasons"), "dashboards:slips", "projects.Baseline", section)
        nav(_("Durations"), "dashboards:durations", "projects.Project", section)
        nav(_("Slip-risk forecast"), "dashboards:forecast", "projects.RiskModel", section)
        nav(_("Most at risk this week"), "dashboards:at_risk", "projects.RiskForecast", section)
        from keyprojects.core.registry import demo_step, panel

        from . import tasks  # noqa: F401  (register the scheduled jobs)
        from .demo import seed_forecast

        demo_step(seed_forecast, order=60)  # after every app's history
        from .views import project_durations_panel, project_forecast_panel

        panel(
            "projects.Project",
            "forecast",
            _("Delivery confidence"),
            "dashboards/_project_forecast.html",
            project_forecast_panel,
            order=5,
        )

        panel(
            "projects.Project",
            "durations",
            _("Durations"),
            "dashboards/_project_durations.html",
            project_durations_panel,
            order=30,
        )
