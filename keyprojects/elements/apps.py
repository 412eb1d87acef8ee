from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElementsConfig(AppConfig):
    name = "keyprojects.elements"
    label = "elements"
    verbose_name = _("Element guarantees")

    def ready(self):
        from keyprojects.core.context_processors import nav
        from keyprojects.core.registry import demo_step, panel

        from . import tasks  # noqa: F401  (registers the scheduled jobs)
        from .demo import seed_elements
        from .views import project_panel

        demo_step(seed_elements, order=56)
        panel("projects.Project", "elements", _("Elements"), "elements/_project_panel.html", project_panel, order=61)
        section = _("Element guarantees")
        nav(_("Whitelists"), "elements:whitelist_list", "elements.Whitelist", section)
        nav(_("Whitelist entries"), "elements:whitelistentry_list", "elements.WhitelistEntry", section)
        nav(_("Element demands"), "elements:elementdemand_list", "elements.ElementDemand", section)
        nav(_("Shortfall board"), "elements:board", "elements.ElementDemand", section)
        nav(_("Stoppage orders"), "elements:stoppageorder_list", "elements.StoppageOrder", section)
