from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "keyprojects.projects"
    label = "projects"
    verbose_name = _("Project library")

    def ready(self):
        from keyprojects.core.registry import demo_step

        from .demo import seed_projects

        demo_step(seed_projects, order=30)
        from keyprojects.core.context_processors import nav

        from . import attention  # noqa: F401  (registers the home-page provider)

        section = _("Project library")
        nav(_("My projects"), "projects:mine", None, section)
        nav(_("Projects"), "projects:project_list", "projects.Project", section)
        nav(_("Progress reports"), "projects:progressreport_list", "projects.ProgressReport", section)
        nav(_("Late reports"), "projects:late_reports", "projects.Project", section)
        nav(_("Milestones"), "projects:milestone_list", "projects.Milestone", section)
