import django_filters
from django.utils.translation import gettext_lazy as _

from keyprojects.core.filtersets import BaseFilterSet

from .choices import Element, EntryStatus, OrderKind, WhitelistKind
from .models import ElementDemand, StoppageOrder, Whitelist, WhitelistEntry


class WhitelistFilterSet(BaseFilterSet):
    search_fields = ("name", "note")
    kind = django_filters.MultipleChoiceFilter(choices=WhitelistKind.choices, label=_("kind"))

    class Meta:
        model = Whitelist
        fields = ["q", "kind", "year", "archived"]


class WhitelistEntryFilterSet(BaseFilterSet):
    search_fields = ("project__name", "reason")
    status = django_filters.MultipleChoiceFilter(choices=EntryStatus.choices, label=_("status"))

    class Meta:
        model = WhitelistEntry
        fields = ["q", "whitelist", "status", "archived"]


class ElementDemandFilterSet(BaseFilterSet):
    search_fields = ("project__name", "note")
    element = django_filters.MultipleChoiceFilter(choices=Element.choices, label=_("element"))

    class Meta:
        model = ElementDemand
        fields = ["q", "element", "department", "project", "archived"]


class StoppageOrderFilterSet(BaseFilterSet):
    search_fields = ("title", "text")
    kind = django_filters.MultipleChoiceFilter(choices=OrderKind.choices, label=_("kind"))

    class Meta:
        model = StoppageOrder
        fields = ["q", "kind", "archived"]
