from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttractionConfig(AppConfig):
    name = "keyprojects.attraction"
    label = "attraction"
    verbose_name = _("Investment attraction")

    def ready(self):
        from keyprojects.core.context_processors import nav
        from keyprojects.core.registry import demo_step, panel

        from . import attention, notifications, tasks  # noqa: F401  (home items, notification kinds, the job)
        from .demo import seed_attraction

        demo_step(seed_attraction, order=45)
        panel("projects.Project", "lead", _("Investment attraction"), "attraction/_project_lead.html", project_lead)

        section = _("Investment attraction")
        nav(_("Pipeline"), "attraction:pipeline", "attraction.Lead", section)
        nav(_("Leads"), "attraction:lead_list", "attraction.Lead", section)
        nav(_("Industry chains"), "attraction:chain_list", "attraction.Chain", section)
        nav(_("Target enterprises"), "attraction:targetenterprise_list", "attraction.TargetEnterprise", section)
        nav(_("Trips"), "attraction:trip_list", "attraction.Trip", section)
        nav(_("Travelling this week"), "attraction:travelling", "attraction.Trip", section)
        nav(_("Attraction teams"), "attraction:team_list", "attraction.Team", section)
        nav(_("Attraction cadres"), "attraction:cadre_list", "attraction.Cadre", section)
        nav(_("Year goals"), "attraction:yeargoal_list", "attraction.YearGoal", section)
        nav(_("Chain goals"), "attraction:chaingoal_list", "attraction.ChainGoal", section)
        nav(_("Funds in place by month"), "attraction:fundsinplace_list", "attraction.FundsInPlace", section)
        nav(_("Attraction rankings"), "attraction:rankings", "attraction.Lead", section)


def project_lead(request, project):
    """The lead a project was handed over from, with its timeline, and its funds in place by
    month and source, as the project page's tab (none of either: no tab)."""

    from .models import FundsInPlace, Lead

    lead = Lead.objects.restrict(request.user).filter(project=project).select_related("owner__user").first()
    funds = list(
        FundsInPlace.objects.restrict(request.user).filter(project=project, archived_at__isnull=True).order_by("month")
    )
    if lead is None and not funds:
        return None
    return {
        "lead": lead,
        "events": lead.events.select_related("actor")[:50] if lead else [],
        "funds": funds,
        "funds_total": sum((f.amount for f in funds), 0) if funds else None,
        "contracted": (lead.contracted_investment if lead else None) or project.total_investment,
    }
