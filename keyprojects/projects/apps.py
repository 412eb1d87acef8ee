from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "keyprojects.projects"
    label = "projects"
    verbose_name = _("Project library")

    def ready(self):
        from keyprojects.core.registry import demo_step, home_section

        from .demo import seed_projects
        from .demo_statistics import seed_statistics

        demo_step(seed_projects, order=30)
        demo_step(seed_statistics, order=45)  # after the campaign: history under its projects
        from keyprojects.core.context_processors import nav

        from . import attention, tasks  # noqa: F401  (register the home-page provider and the scheduled jobs)

        home_section("projects/_home_projects.html", attention.my_projects, order=10)
        from keyprojects.core.registry import panel

        from .page import baselines_panel

        panel("projects.Project", "baselines", _("Baselines"), "projects/_baselines.html", baselines_panel, order=20)

        section = _("Project library")
        nav(_("My projects"), "projects:mine", None, section)
        nav(_("Projects"), "projects:project_list", "projects.Project", section)
        nav(_("Progress reports"), "projects:progressreport_list", "projects.ProgressReport", section)
        nav(_("Late reports"), "projects:late_reports", "projects.Project", section)
        nav(_("Milestones"), "projects:milestone_list", "projects.Milestone", section)
        nav(_("Stage change requests"), "projects:stagerequest_list", "projects.StageRequest", section)
        nav(_("Baselines and re-plans"), "projects:baseline_list", "projects.Baseline", section)
