import django_filters
from django.utils.translation import gettext_lazy as _

from keyprojects.core.filtersets import BaseFilterSet, RegionFilter
from keyprojects.orgs.models import Department

from .choices import OPEN, ApprovalMode, ApprovalStatus, AssessmentKind, ProjectKind, ReformStage
from .models import ApprovalMatter, ApprovalPlan, ProjectApproval, ZoneAssessment


class ApprovalMatterFilterSet(BaseFilterSet):
    search_fields = ("name", "code", "department_name")
    stage = django_filters.MultipleChoiceFilter(choices=ReformStage.choices, label=_("reform stage"))

    class Meta:
        model = ApprovalMatter
        fields = ["q", "stage", "department", "archived"]


class ZoneAssessmentFilterSet(BaseFilterSet):
    search_fields = ("document_number", "note", "region__name")
    kind = django_filters.MultipleChoiceFilter(choices=AssessmentKind.choices, label=_("assessment"))
    expired = django_filters.BooleanFilter(method="filter_expired", label=_("expired"))

    class Meta:
        model = ZoneAssessment
        fields = ["q", "region", "kind", "expired", "archived"]

    def filter_expired(self, queryset, name, value):
        from django.utils import timezone

        if value is None:
            return queryset
        today = timezone.localdate()
        return queryset.filter(valid_until__lt=today) if value else queryset.filter(valid_until__gte=today)


class ApprovalPlanFilterSet(BaseFilterSet):
    search_fields = ("project__name", "project__code")
    kind = django_filters.MultipleChoiceFilter(choices=ProjectKind.choices, label=_("project kind"))
    ready = django_filters.BooleanFilter(
        field_name="ready_on", lookup_expr="isnull", exclude=True, label=_("ready to start")
    )

    class Meta:
        model = ApprovalPlan
        fields = ["q", "kind", "ready", "archived"]


class ProjectApprovalFilterSet(BaseFilterSet):
    search_fields = ("project__name", "matter__name", "document_number")
    status = django_filters.MultipleChoiceFilter(choices=ApprovalStatus.choices, label=_("status"))
    mode = django_filters.MultipleChoiceFilter(choices=ApprovalMode.choices, label=_("mode"))
    stage = django_filters.MultipleChoiceFilter(
        field_name="matter__stage", choices=ReformStage.choices, label=_("reform stage")
    )
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), label=_("department"))
    region = RegionFilter("project__region")
    open = django_filters.BooleanFilter(method="filter_open", label=_("open"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue"))

    class Meta:
        model = ProjectApproval
        fields = ["q", "status", "open", "overdue", "mode", "stage", "department", "region", "project", "archived"]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(status__in=OPEN) if value else queryset.exclude(status__in=OPEN)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = {"status__in": OPEN, "remaining_days__lt": 0}
        return queryset.filter(**late) if value else queryset.exclude(**late)
