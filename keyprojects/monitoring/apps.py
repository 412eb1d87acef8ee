from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "keyprojects.monitoring"
    label = "monitoring"
    verbose_name = _("Video dispatch")

    def ready(self):
        from keyprojects.core.context_processors import nav
        from keyprojects.core.registry import demo_step, panel

        from . import tasks  # noqa: F401  (registers the scheduled jobs)
        from .demo import seed_monitoring
        from .views import project_cameras

        demo_step(seed_monitoring, order=60)
        panel("projects.Project", "cameras", _("Site video"), "monitoring/_project_cameras.html", project_cameras)

        section = _("Video dispatch")
        nav(_("Daily dispatch list"), "monitoring:dispatch", "monitoring.Camera", section)
        nav(_("Coverage and weekly briefing"), "monitoring:figures", "monitoring.Camera", section)
        nav(_("Cameras"), "monitoring:camera_list", "monitoring.Camera", section)
        nav(_("Snapshots"), "monitoring:snapshot_list", "monitoring.Snapshot", section)
        nav(_("Inspections"), "monitoring:inspection_list", "monitoring.Inspection", section)
        nav(_("Construction stoppage days"), "monitoring:stoppageday_list", "monitoring.StoppageDay", section)
