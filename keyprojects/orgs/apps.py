from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "keyprojects.orgs"
    label = "orgs"
    verbose_name = _("Organisations")

    def ready(self):
        from keyprojects.core.registry import demo_step

        from .demo import seed_orgs

        demo_step(seed_orgs, order=10)
        from keyprojects.core.context_processors import nav

        section = _("Organisations")
        nav(_("Regions"), "orgs:region_list", "orgs.Region", section)
        nav(_("Region aliases"), "orgs:regionalias_list", "orgs.RegionAlias", section)
        nav(_("Departments"), "orgs:department_list", "orgs.Department", section)
        nav(_("Four offices"), "orgs:office_list", "orgs.Office", section)
        nav(_("Contacts"), "orgs:contact_list", "orgs.Contact", section)
        nav(_("Memberships"), "orgs:membership_list", "orgs.Membership", section)
        nav(_("Change log"), "core:change_log", "core.ObjectChange", _("Administration"))
        nav(_("Scheduled jobs"), "core:schedule", "core.ScheduledRun", _("Administration"))
        nav(_("Working-day calendar"), "core:calendaryear_list", "core.CalendarYear", _("Administration"))
        nav(_("Webhooks"), "core:webhookendpoint_list", "core.WebhookEndpoint", _("Administration"))
        nav(_("Webhook deliveries"), "core:webhook_deliveries", "core.WebhookDelivery", _("Administration"))
