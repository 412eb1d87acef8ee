import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from keyprojects.core.filtersets import BaseFilterSet, RegionFilter
from keyprojects.orgs.models import Department, Office

from .choices import OPEN, Category, DecisionStatus, Level, ProblemClass, Source, Status
from .models import AgendaItem, DeadlineRule, Decision, Meeting, Problem


class ProblemFilterSet(BaseFilterSet):
    search_fields = ("title", "description", "project__name", "enterprise__name")
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("status"))
    category = django_filters.MultipleChoiceFilter(choices=Category.choices, label=_("category"))
    problem_class = django_filters.MultipleChoiceFilter(choices=ProblemClass.choices, label=_("class"))
    source = django_filters.MultipleChoiceFilter(choices=Source.choices, label=_("source"))
    region = RegionFilter()
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(),
        field_name="lead_department",
        method="filter_department",
        label=_("department"),
    )
    office = django_filters.ModelChoiceFilter(queryset=Office.objects.all(), label=_("responsible office"))
    escalation = django_filters.MultipleChoiceFilter(choices=Level.choices, label=_("escalation"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("open"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue"))
    raised_after = django_filters.DateFilter(field_name="raised_on", lookup_expr="gte", label=_("raised from"))
    raised_before = django_filters.DateFilter(field_name="raised_on", lookup_expr="lte", label=_("raised to"))

    class Meta:
        model = Problem
        fields = [
            "q",
            "status",
            "open",
            "overdue",
            "category",
            "problem_class",
            "source",
            "region",
            "department",
            "office",
            "escalation",
            "raised_after",
            "raised_before",
            "archived",
        ]

    def filter_department(self, queryset, name, value):
        if not value:
            return queryset
        shared = Problem.co_departments.through.objects.filter(department=value).values("problem_id")
        return queryset.filter(Q(lead_department=value) | Q(pk__in=shared))

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(status__in=OPEN) if value else queryset.exclude(status__in=OPEN)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = Q(status__in=OPEN, overdue_days__gt=0)
        return queryset.filter(late) if value else queryset.exclude(late)


class DeadlineRuleFilterSet(BaseFilterSet):
    class Meta:
        model = DeadlineRule
        fields = ["q", "category", "problem_class", "archived"]


class MeetingFilterSet(BaseFilterSet):
    search_fields = ("minutes", "place")

    class Meta:
        model = Meeting
        fields = ["q", "status", "archived"]


class AgendaItemFilterSet(BaseFilterSet):
    search_fields = ("text",)

    class Meta:
        model = AgendaItem
        fields = ["q", "meeting", "kind", "archived"]


class DecisionFilterSet(BaseFilterSet):
    search_fields = ("text", "report")
    status = django_filters.MultipleChoiceFilter(choices=DecisionStatus.choices, label=_("status"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue"))

    class Meta:
        model = Decision
        fields = ["q", "status", "overdue", "owner_department", "meeting", "archived"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = Q(status=DecisionStatus.OPEN, overdue_days__gt=0)
        return queryset.filter(late) if value else queryset.exclude(late)
