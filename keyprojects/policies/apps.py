from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "keyprojects.policies"
    label = "policies"
    verbose_name = _("Policies")

    def ready(self):
        from keyprojects.core.context_processors import nav
        from keyprojects.core.registry import demo_step

        from . import attention, notifications  # noqa: F401  (register the home items and the kinds)
        from .demo import seed_policies

        demo_step(seed_policies, order=60)
        section = _("Policies")
        nav(_("Policies"), "policies:policy_list", "policies.Policy", section)
        nav(_("Policy calculator"), "policies:calculator", "policies.Policy", section)
        nav(_("Grants"), "policies:grant_list", "policies.Grant", section)
        nav(_("Grants made public (公示)"), "policies:publicity", "policies.Grant", section)
        nav(_("Grant figures"), "policies:figures", "policies.Grant", section)
