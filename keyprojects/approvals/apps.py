from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "keyprojects.approvals"
    label = "approvals"
    verbose_name = _("Approvals")

    def ready(self):
        from keyprojects.core.context_processors import nav
        from keyprojects.core.registry import demo_step, panel

        from . import (
            notifications,  # noqa: F401  (registers the kinds)
            tasks,  # noqa: F401  (registers the scheduled jobs)
        )
        from .demo import seed_approvals
        from .views import project_panel

        demo_step(seed_approvals, order=55)
        panel("projects.Project", "approvals", _("Approvals"), "approvals/_project_panel.html", project_panel, order=60)
        section = _("Approvals")
        nav(_("Approval queue"), "approvals:queue", "approvals.ProjectApproval", section)
        nav(_("Approval plans"), "approvals:approvalplan_list", "approvals.ApprovalPlan", section)
        nav(_("Project approvals"), "approvals:projectapproval_list", "approvals.ProjectApproval", section)
        nav(_("Approval figures"), "approvals:figures", "approvals.ProjectApproval", section)
        nav(_("Zone assessments"), "approvals:zoneassessment_list", "approvals.ZoneAssessment", section)
        nav(_("Approval matters"), "approvals:approvalmatter_list", "approvals.ApprovalMatter", section)
