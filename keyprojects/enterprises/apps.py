from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "keyprojects.enterprises"
    label = "enterprises"
    verbose_name = _("Enterprises")

    def ready(self):
        from keyprojects.core.registry import demo_step, panel

        from .demo import seed_enterprises

        demo_step(seed_enterprises, order=20)
        from keyprojects.core.context_processors import nav

        nav(_("Enterprises"), "enterprises:enterprise_list", "enterprises.Enterprise", _("Project library"))
        nav(_("Enterprise facts"), "enterprises:fact_feed", "enterprises.EnterpriseFact", _("Policies"))
        panel("enterprises.Enterprise", "facts", _("Enterprise facts"), "enterprises/_facts.html", facts_panel)


def facts_panel(request, enterprise):
    from .views import enterprise_facts

    return enterprise_facts(request, enterprise)
