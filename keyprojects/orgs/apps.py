from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "keyprojects.orgs"
    label = "orgs"
    verbose_name = _("Organisations")

    def ready(self):
        from keyprojects.core.context_processors import nav

        section = _("Organisations")
        nav(_("Regions"), "orgs:region_list", "orgs.Region", section)
        nav(_("Region aliases"), "orgs:regionalias_list", "orgs.RegionAlias", section)
        nav(_("Departments"), "orgs:department_list", "orgs.Department", section)
        nav(_("Four offices"), "orgs:office_list", "orgs.Office", section)
        nav(_("Contacts"), "orgs:contact_list", "orgs.Contact", section)
        nav(_("Memberships"), "orgs:membership_list", "orgs.Membership", section)
        nav(_("Change log"), "core:change_log", "core.ObjectChange", _("Administration"))
