import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from keyprojects.core.figures import cached_rows
from keyprojects.core.filtersets import BaseFilterSet, RegionFilter
from keyprojects.orgs.models import Department

from .choices import TIER_FLOORS, BaselineStatus, Field, Light, ReplanReason, ReportStatus, RequestStatus, Stage, Tier
from .models import (
    Baseline,
    ListMembership,
    Milestone,
    OfficialFigure,
    ProgressReport,
    Project,
    ProjectList,
    ProjectMember,
    StageRequest,
    Tag,
    YearPlan,
)
from .services import last_due_month, late_filers


def leader_choices():
    """Everyone who leads a project, by name, read once per change of users or projects: the
    select's 470 leaders, found by a semi-join over 50,000 projects, were 14 ms of each list page."""
    User = get_user_model()
    leaders = User.objects.filter(pk__in=Project.objects.values("leader"))
    rows = cached_rows(leaders.values("pk", "first_name", "last_name", "username"))
    return [(row["pk"], User.display_name(row["first_name"], row["last_name"], row["username"])) for row in rows]


class ProjectFilterSet(BaseFilterSet):
    search_fields = ("name", "code", "owner__name", "location")
    region = RegionFilter()
    stage = django_filters.MultipleChoiceFilter(choices=Stage.choices, label=_("stage"))
    field = django_filters.MultipleChoiceFilter(choices=Field.choices, label=_("field"))
    industry = django_filters.CharFilter(
        field_name="industry_code", lookup_expr="istartswith", label=_("industry code")
    )
    tier = django_filters.ChoiceFilter(choices=Tier.choices, method="filter_tier", label=_("tier"))
    light = django_filters.MultipleChoiceFilter(choices=Light.choices, label=_("light"))
    leader = django_filters.ChoiceFilter(choices=leader_choices, label=_("leader"))
    list = django_filters.ModelChoiceFilter(
        queryset=ProjectList.objects.all(), field_name="memberships__list", method="filter_list", label=_("list")
    )
    year = django_filters.NumberFilter(method="filter_year", label=_("year on list"))
    tags = django_filters.ModelMultipleChoiceFilter(queryset=Tag.objects.all(), label=_("tags"))
    late = django_filters.BooleanFilter(method="filter_late", label=_("report missing"))

    class Meta:
        model = Project
        fields = [
            "q",
            "region",
            "stage",
            "field",
            "industry",
            "tier",
            "light",
            "leader",
            "list",
            "year",
            "tags",
            "late",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        month = f"{last_due_month():%Y-%m}"
        self.filters["late"].label = _("No report for %(month)s") % {"month": month}

    def filter_late(self, queryset, name, value):
        """迟报: under construction without a submitted report for the last due month."""
        late, _month = late_filers(queryset)
        return late if value else queryset.exclude(pk__in=late.values("pk"))

    def filter_tier(self, queryset, name, value):
        floors = dict(TIER_FLOORS)
        if value == Tier.OTHER:
            return queryset.filter(total_investment__lt=floors[Tier.TEN])
        higher = [f for t, f in TIER_FLOORS if f > floors[Tier(value)]]
        q = Q(total_investment__gte=floors[Tier(value)])
        if higher:
            q &= Q(total_investment__lt=min(higher))
        return queryset.filter(q)

    def filter_list(self, queryset, name, value):
        return queryset.filter(pk__in=value.memberships.values("project"))

    def filter_year(self, queryset, name, value):
        year = int(value)
        on_list = Q(memberships__start__year__lte=year) & (
            Q(memberships__end__isnull=True) | Q(memberships__end__year__gte=year)
        )
        return queryset.filter(pk__in=Project.objects.filter(on_list).values("pk"))


def project_filter():
    """?project=<id>, as the project page links to it. A number, not a select: a select would
    offer every project (50,000 options, ~5 s per page at province scale, bench/RESULTS.md)."""
    return django_filters.NumberFilter(field_name="project", label=_("project"))


class ProgressReportFilterSet(BaseFilterSet):
    search_fields = ("project__name", "physical_progress")
    project = project_filter()
    status = django_filters.MultipleChoiceFilter(choices=ReportStatus.choices, label=_("status"))
    month = django_filters.DateFromToRangeFilter(label=_("month"))
    region = RegionFilter("project__region")

    class Meta:
        model = ProgressReport
        fields = ["q", "project", "status", "month", "region"]


class MilestoneFilterSet(BaseFilterSet):
    search_fields = ("name", "project__name")
    project = project_filter()
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue"))
    due = django_filters.BooleanFilter(method="filter_due", label=_("due within the warning window"))
    responsible_department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(), label=_("responsible department")
    )

    class Meta:
        model = Milestone
        fields = ["q", "project", "responsible_department", "overdue", "due"]

    def filter_due(self, queryset, name, value):
        """Not reached, planned from today to the end of the lights' warning window (the late
        ones are `overdue`)."""
        from datetime import timedelta

        from django.conf import settings
        from django.utils import timezone

        if not value:
            return queryset
        today = timezone.localdate()
        window = today + timedelta(days=settings.KEYPROJECTS_LIGHTS["milestone_warning_days"])
        return queryset.filter(actual_date__isnull=True, planned_date__gte=today, planned_date__lte=window)

    def filter_overdue(self, queryset, name, value):
        from django.utils import timezone

        if value:
            return queryset.filter(actual_date__isnull=True, planned_date__lt=timezone.localdate())
        return queryset


class YearPlanFilterSet(BaseFilterSet):
    search_fields = ("project__name",)
    project = project_filter()

    class Meta:
        model = YearPlan
        fields = ["q", "project", "year"]


class ListMembershipFilterSet(BaseFilterSet):
    search_fields = ("project__name",)
    project = project_filter()

    class Meta:
        model = ListMembership
        fields = ["q", "project", "list"]


class ProjectMemberFilterSet(BaseFilterSet):
    search_fields = ("name", "post", "project__name")
    project = project_filter()

    class Meta:
        model = ProjectMember
        fields = ["q", "project", "role"]


class StageRequestFilterSet(BaseFilterSet):
    search_fields = ("project__name",)
    project = project_filter()
    status = django_filters.MultipleChoiceFilter(choices=RequestStatus.choices, label=_("status"))

    class Meta:
        model = StageRequest
        fields = ["q", "project", "status"]


class OfficialFigureFilterSet(BaseFilterSet):
    search_fields = ("source", "correction_note")

    class Meta:
        model = OfficialFigure
        fields = ["q", "region", "category"]


class BaselineFilterSet(BaseFilterSet):
    search_fields = ("project__name", "note")
    project = project_filter()
    reason = django_filters.MultipleChoiceFilter(choices=ReplanReason.choices, label=_("reason"))
    status = django_filters.MultipleChoiceFilter(choices=BaselineStatus.choices, label=_("status"))
    region = RegionFilter("project__region")
    field = django_filters.ChoiceFilter(choices=Field.choices, field_name="project__field", label=_("field"))
    replans = django_filters.BooleanFilter(method="filter_replans", label=_("re-plans only"))

    class Meta:
        model = Baseline
        fields = ["q", "project", "reason", "status", "region", "field", "replans"]

    def filter_replans(self, queryset, name, value):
        return queryset.filter(number__gt=1) if value else queryset.filter(number=1)
