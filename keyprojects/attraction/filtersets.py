import django_filters
from django.utils.translation import gettext_lazy as _

from keyprojects.core.filtersets import BaseFilterSet
from keyprojects.core.widgets import SearchSelect
from keyprojects.orgs.models import Region

from .choices import FundSource, Gap, LeadStatus, Post, TeamKind, TripStatus
from .models import (
    Cadre,
    Chain,
    ChainGoal,
    ChainLink,
    FundsInPlace,
    Lead,
    TargetEnterprise,
    Team,
    Trip,
    Visit,
    YearGoal,
)


class ChainFilterSet(BaseFilterSet):
    search_fields = ("name",)

    class Meta:
        model = Chain
        fields = ["q"]


class ChainLinkFilterSet(BaseFilterSet):
    search_fields = ("name",)
    gap = django_filters.MultipleChoiceFilter(choices=Gap.choices[1:], label=_("gap"))

    class Meta:
        model = ChainLink
        fields = ["q", "chain", "gap"]


class TargetEnterpriseFilterSet(BaseFilterSet):
    search_fields = ("name", "credit_code", "headquarters")

    class Meta:
        model = TargetEnterprise
        fields = ["q", "link", "size", "listed"]


class TeamFilterSet(BaseFilterSet):
    search_fields = ("name",)
    kind = django_filters.ChoiceFilter(choices=TeamKind.choices, label=_("kind"))

    class Meta:
        model = Team
        fields = ["q", "kind", "region"]


class CadreFilterSet(BaseFilterSet):
    search_fields = ("user__first_name", "user__last_name", "user__username")
    post = django_filters.MultipleChoiceFilter(choices=Post.choices, label=_("post"))

    class Meta:
        model = Cadre
        fields = ["q", "post", "region", "team"]


class LeadFilterSet(BaseFilterSet):
    search_fields = ("name", "target__name")
    status = django_filters.MultipleChoiceFilter(choices=LeadStatus.choices, label=_("status"))
    region = django_filters.ModelMultipleChoiceFilter(queryset=Region.objects.all(), label=_("landing region"))
    stale = django_filters.BooleanFilter(method="filter_stale", label=_("stale"))
    # a county has hundreds of cadres: the picker renders the chosen one and searches the rest
    owner = django_filters.ModelChoiceFilter(
        queryset=Cadre.objects.select_related("user"), widget=SearchSelect("attraction.Cadre"), label=_("owner")
    )
    link = django_filters.ModelChoiceFilter(queryset=ChainLink.objects.select_related("chain"), label=_("chain link"))

    class Meta:
        model = Lead
        fields = ["q", "status", "region", "owner", "team", "link", "stale"]

    def filter_stale(self, queryset, name, value):
        from .services import stale_leads

        if value is None:
            return queryset
        stale = stale_leads(queryset)
        return stale if value else queryset.exclude(pk__in=stale.values("pk"))


class BoardFilterSet(LeadFilterSet):
    """The pipeline board's filters: its columns are the states."""

    status = None  # the columns are the states

    class Meta(LeadFilterSet.Meta):
        fields = ["q", "region", "owner", "link", "stale"]


class VisitFilterSet(BaseFilterSet):
    search_fields = ("people", "lead__name")

    class Meta:
        model = Visit
        fields = ["q", "lead", "kind", "trip"]


class TripFilterSet(BaseFilterSet):
    search_fields = ("destination", "whom", "purpose")
    status = django_filters.MultipleChoiceFilter(choices=TripStatus.choices, label=_("status"))
    cadre = django_filters.ModelChoiceFilter(
        queryset=Cadre.objects.select_related("user"), widget=SearchSelect("attraction.Cadre"), label=_("traveller")
    )

    class Meta:
        model = Trip
        fields = ["q", "status", "cadre", "region"]


class FundsInPlaceFilterSet(BaseFilterSet):
    search_fields = ("project__name",)
    source = django_filters.ChoiceFilter(choices=FundSource.choices, label=_("source"))

    class Meta:
        model = FundsInPlace
        fields = ["q", "source", "project"]


class ChainGoalFilterSet(BaseFilterSet):
    class Meta:
        model = ChainGoal
        fields = ["q", "chain", "year"]


class YearGoalFilterSet(BaseFilterSet):
    search_fields = ("cadre__user__first_name",)
    cadre = django_filters.ModelChoiceFilter(
        queryset=Cadre.objects.select_related("user"), widget=SearchSelect("attraction.Cadre"), label=_("cadre")
    )

    class Meta:
        model = YearGoal
        fields = ["q", "year", "cadre"]
