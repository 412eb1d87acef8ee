import django_filters
from django.utils.translation import gettext_lazy as _

from keyprojects.core.filtersets import BaseFilterSet
from keyprojects.orgs.models import Region

from .choices import IndustrySection
from .models import Enterprise
from .validators import normalise_credit_code, normalise_industry_code


class EnterpriseFilterSet(BaseFilterSet):
    search_fields = ("name", "credit_code")
    region = django_filters.ModelMultipleChoiceFilter(queryset=Region.objects.all(), label=_("region"))
    section = django_filters.ChoiceFilter(
        choices=IndustrySection.choices, method="filter_industry", label=_("industry section")
    )
    industry = django_filters.CharFilter(method="filter_industry", label=_("industry code"))

    class Meta:
        model = Enterprise
        fields = ["q", "region", "section", "industry"]

    def search(self, queryset, name, value):
        # A code typed in full-width or lower case still finds the stored one.
        code = normalise_credit_code(value)
        return super().search(queryset, name, value) | super().search(queryset, name, code)

    def filter_industry(self, queryset, name, value):
        """A section or a shorter code finds everything below it (C finds C1353)."""
        value = normalise_industry_code(value)
        return queryset.filter(industry__startswith=value) if value else queryset
