import django_filters
from django.utils.translation import gettext_lazy as _

from keyprojects.core.access import Role
from keyprojects.core.filtersets import BaseFilterSet

from .choices import RegionLevel
from .models import Contact, Department, Membership, Office, Region, RegionAlias


class RegionFilterSet(BaseFilterSet):
    search_fields = ("name", "code")
    level = django_filters.MultipleChoiceFilter(choices=RegionLevel.choices, label=_("level"))

    class Meta:
        model = Region
        fields = ["q", "level", "parent"]


class RegionAliasFilterSet(BaseFilterSet):
    search_fields = ("name", "region__name")

    class Meta:
        model = RegionAlias
        fields = ["q", "region"]


class DepartmentFilterSet(BaseFilterSet):
    search_fields = ("name", "short_name")

    class Meta:
        model = Department
        fields = ["q", "region"]


class ContactFilterSet(BaseFilterSet):
    search_fields = ("name", "post", "phone")
    region = django_filters.ModelMultipleChoiceFilter(queryset=Region.objects.all(), label=_("region"))

    class Meta:
        model = Contact
        fields = ["q", "region", "department", "office"]


class MembershipFilterSet(BaseFilterSet):
    search_fields = ("user__username", "user__first_name", "user__last_name")
    role = django_filters.MultipleChoiceFilter(choices=Role.choices, label=_("role"))

    class Meta:
        model = Membership
        fields = ["q", "role", "region", "department", "office", "active"]


class OfficeFilterSet(BaseFilterSet):
    search_fields = ("name",)

    class Meta:
        model = Office
        fields = ["q"]
