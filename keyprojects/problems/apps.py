from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemsConfig(AppConfig):
    name = "keyprojects.problems"
    label = "problems"
    verbose_name = _("Problem ledger")

    def ready(self):
        from keyprojects.core.context_processors import nav
        from keyprojects.core.registry import demo_step, home_section, panel

        from . import tasks  # noqa: F401  (registers the scheduled jobs)
        from .demo import seed_problems
        from .views import enterprise_problems, home_problems, project_problems

        demo_step(seed_problems, order=50)
        from keyprojects.campaigns.scorecard import provide

        from .board import scorecard_source

        provide("problems_resolved", scorecard_source)  # the scorecard's 服务保障
        panel("projects.Project", "problems", _("Problems"), "problems/_project_problems.html", project_problems)
        panel(
            "enterprises.Enterprise", "problems", _("Problems"), "problems/_project_problems.html", enterprise_problems
        )
        home_section("problems/_home_problems.html", home_problems, order=20)

        section = _("Problem ledger")
        nav(_("My work queue"), "problems:queue", "problems.Problem", section)
        nav(_("Problems"), "problems:problem_list", "problems.Problem", section)
        nav(_("Zero backlog board"), "problems:board", "problems.Problem", section)
        nav(_("Weekly meetings"), "problems:meeting_list", "problems.Meeting", section)
        nav(_("Meeting decisions"), "problems:decision_list", "problems.Decision", section)
        nav(_("Deadline rules"), "problems:deadlinerule_list", "problems.DeadlineRule", section)
