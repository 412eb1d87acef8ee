import django_filters
from django.utils.translation import gettext_lazy as _

from keyprojects.core.filtersets import BaseFilterSet, RegionFilter
from keyprojects.projects.choices import Field, Stage, Tier

from .choices import Batch, PhaseStatus
from .indicators import tier_expression
from .models import BatchEntry, Phase


class PhaseFilterSet(BaseFilterSet):
    search_fields = ("title", "venue")
    status = django_filters.MultipleChoiceFilter(choices=PhaseStatus.choices, label=_("status"))
    year = django_filters.NumberFilter(field_name="date", lookup_expr="year", label=_("year"))

    class Meta:
        model = Phase
        fields = ["q", "status", "year"]


class BatchEntryFilterSet(BaseFilterSet):
    search_fields = ("project__name", "project__code")
    phase = django_filters.ModelChoiceFilter(queryset=Phase.objects.all(), label=_("phase"))
    upto = django_filters.NumberFilter(field_name="phase__number", lookup_expr="lte", label=_("up to phase number"))
    batch = django_filters.MultipleChoiceFilter(choices=Batch.choices, label=_("batch"))
    region = RegionFilter()
    stage = django_filters.MultipleChoiceFilter(
        field_name="project__stage", choices=Stage.choices, label=_("current stage")
    )
    field = django_filters.ChoiceFilter(field_name="project__field", choices=Field.choices, label=_("field"))
    tier = django_filters.ChoiceFilter(choices=Tier.choices, method="filter_tier", label=_("tier"))

    class Meta:
        model = BatchEntry
        fields = ["q", "phase", "upto", "batch", "region", "stage", "field", "tier"]

    def filter_tier(self, queryset, name, value):
        return queryset.annotate(tier_code=tier_expression()).filter(tier_code=value)
