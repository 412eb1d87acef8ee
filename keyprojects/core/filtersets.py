"""Base FilterSet: free-text `q` over declared fields and the archived toggle. The same
FilterSet drives the list page, the API, exports and dashboard drill-downs."""

from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_filters.utils import label_for_filter

from .errors import BIGINT, bounded_field
from .models import ChangeAction, ObjectChange
from .search import contains_lookup


class ArchivedWidget(django_filters.widgets.BooleanWidget):
    """Live records by default; archived ones on request (never "Unknown")."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("Live records")), ("true", _("Archived records"))]


class AnyBooleanWidget(django_filters.widgets.BooleanWidget):
    """Yes / no / any: no choice means no filter, so it reads "All", never django-filter's "Unknown"."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]


class DateInput(forms.DateInput):
    """The browser's own date picker, in the reader's language, on a phone too."""

    input_type = "date"


def bound_filter(found) -> None:
    """Values a database can hold, or a 400 naming the filter (core/errors.py): a year from 1 to
    9999 (`?year=0` built an impossible date), a number within a database integer, an id a
    database column can hold (`?region=99999999999999999999` overflowed SQLite)."""
    if isinstance(found, django_filters.NumberFilter):
        year = found.lookup_expr.endswith("year") or found.field_name == "year"
        found.extra.setdefault("min_value", 1 if year else -BIGINT)
        found.extra.setdefault("max_value", 9999 if year else BIGINT)
    elif isinstance(found, (django_filters.ModelChoiceFilter, django_filters.ModelMultipleChoiceFilter)):
        found.field_class = bounded_field(found.field_class)


class RegionFilter(django_filters.ModelChoiceFilter):
    """A region and every region under it (the city: all; a county: its towns and zones).
    `field_name` is the path to the record's region, from which the API schema reads its type."""

    def __init__(self, field_name="region", **kwargs):
        from keyprojects.orgs.models import Region

        kwargs.setdefault("queryset", Region.objects.only("name", "path"))
        kwargs.setdefault("label", _("region"))
        super().__init__(field_name=field_name, **kwargs)

    def filter(self, qs, value):
        return qs.filter(**{f"{self.field_name}__path__startswith": value.path}) if value else qs


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet with labels in the reader's language."""

    @classmethod
    def get_filters(cls):
        """A label django-filter derives from the model is translated the first time it is read and
        then kept: the API schema read in English left the Chinese pages labelled "Status". Derive it
        lazily, in the reader's language, every time."""
        filters = super().get_filters()
        model = cls._meta.model
        for found in filters.values():
            if model is not None and found._label is None:
                found.label = lazy(label_for_filter, str)(model, found.field_name, found.lookup_expr, found.exclude)
        return filters


class BaseFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    archived = django_filters.BooleanFilter(method="filter_archived", label=_("Records"), widget=ArchivedWidget)
    search_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for found in self.filters.values():  # the instance's copies: the class's stay as declared
            if isinstance(found, django_filters.BooleanFilter) and "widget" not in found.extra:
                found.extra["widget"] = AnyBooleanWidget
            bound_filter(found)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value or not self.search_fields:
            return queryset
        lookup = contains_lookup(value)

        def matches(names):
            return reduce(or_, (Q(**{f"{name}__{lookup}": value}) for name in names))

        # A field across a foreign key is matched by a semi-join (`owner__in` the matching
        # owners), not a join: the count of a search over 50,000 projects and their owners
        # 61 → 39 ms, and over 600,000 reports far more.
        own, related = [], {}
        for path in self.search_fields:
            head, _sep, rest = path.partition("__")
            if rest and queryset.model._meta.get_field(head).many_to_one:
                related.setdefault(head, []).append(rest)
            else:
                own.append(path)
        conditions = [matches(own)] if own else []
        for head, names in related.items():
            target = queryset.model._meta.get_field(head).related_model
            conditions.append(Q(**{f"{head}__in": target._default_manager.filter(matches(names)).values("pk")}))
        return queryset.filter(reduce(or_, conditions))

    def filter_archived(self, queryset, name, value):
        return queryset  # applied in `qs` so that the default (live rows only) holds without the parameter

    @property
    def qs(self):
        queryset = super().qs
        if hasattr(self.queryset.model, "archived_at"):
            show = self.form.cleaned_data.get("archived") if self.is_bound and self.form.is_valid() else None
            queryset = queryset.filter(archived_at__isnull=not show)
        return queryset


class ChangeFilterSet(FilterSet):
    """The auditor's filters over the global change log."""

    q = django_filters.CharFilter(field_name="object_repr", lookup_expr="icontains", label=_("Record"))
    actor = django_filters.CharFilter(
        lookup_expr="iexact", label=_("Actor"), widget=forms.TextInput(attrs={"placeholder": _("user name")})
    )
    action = django_filters.ChoiceFilter(choices=ChangeAction.choices, label=_("Action"))
    content_type = django_filters.ModelChoiceFilter(
        queryset=ContentType.objects.filter(
            app_label__in=[
                "orgs",
                "core",
                "enterprises",
                "projects",
                "campaigns",
                "problems",
                "approvals",
                "elements",
                "policies",
                "monitoring",
            ]
        ),
        label=_("Type"),
    )
    since = django_filters.DateFilter(field_name="time", lookup_expr="date__gte", label=_("From"), widget=DateInput)
    until = django_filters.DateFilter(field_name="time", lookup_expr="date__lte", label=_("To"), widget=DateInput)
    request_id = django_filters.CharFilter(label=_("Request id"))
    # what was written before an import's run (the run's line links past it)
    before = django_filters.NumberFilter(field_name="pk", lookup_expr="lt", widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for found in self.filters.values():
            bound_filter(found)

    class Meta:
        model = ObjectChange
        fields = ["q", "actor", "action", "content_type", "since", "until", "request_id", "before"]
