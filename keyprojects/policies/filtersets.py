import django_filters
from django.utils.translation import gettext_lazy as _

from keyprojects.core.filtersets import BaseFilterSet, RegionFilter

from .choices import GrantMode, GrantStatus, Outcome
from .models import Grant, Policy, PolicyItem


class PolicyFilterSet(BaseFilterSet):
    search_fields = ("title", "number", "issuer")

    class Meta:
        model = Policy
        fields = ["q", "department", "year"]


class PolicyItemFilterSet(BaseFilterSet):
    search_fields = ("code", "name")
    mode = django_filters.ChoiceFilter(choices=GrantMode.choices, label=_("mode"))

    class Meta:
        model = PolicyItem
        fields = ["q", "policy", "mode"]


class GrantFilterSet(BaseFilterSet):
    search_fields = ("enterprise__name", "enterprise__credit_code", "item__name")
    status = django_filters.MultipleChoiceFilter(choices=GrantStatus.choices, label=_("status"))
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label=_("answer"))
    policy = django_filters.ModelChoiceFilter(
        field_name="item__policy", queryset=Policy.objects.all(), label=_("policy")
    )
    region = RegionFilter("enterprise__region")
    clawback = django_filters.BooleanFilter(label=_("clawback flagged"))

    class Meta:
        model = Grant
        fields = ["q", "status", "outcome", "policy", "region", "clawback"]
