from django.db import transaction

from keyprojects.core.api import BaseViewSet
from keyprojects.core.services import check_in_scope

from .. import services
from ..filtersets import (
    BaselineFilterSet,
    MilestoneFilterSet,
    OfficialFigureFilterSet,
    ProgressReportFilterSet,
    ProjectFilterSet,
    StageRequestFilterSet,
)
from ..models import Baseline, Milestone, OfficialFigure, ProgressReport, Project, StageRequest, YearPlan
from ..views import BaselineViews, ProgressReportViews, ProjectViews, StageRequestViews
from . import serializers


class ProjectViewSet(BaseViewSet):
    queryset = Project.objects.all()
    serializer_class = serializers.ProjectSerializer
    filterset_class = ProjectFilterSet
    select_related = ("region", "owner")
    declaration = ProjectViews

    def get_queryset(self):
        return super().get_queryset().prefetch_related("tags")

    def _write(self, serializer, action):
        with transaction.atomic():
            project = services.register_project(serializer, by=self.request.user)
            check_in_scope(project, self.request.user, action)


class MilestoneViewSet(BaseViewSet):
    queryset = Milestone.objects.all()
    serializer_class = serializers.MilestoneSerializer
    filterset_class = MilestoneFilterSet


class YearPlanViewSet(BaseViewSet):
    queryset = YearPlan.objects.all()
    serializer_class = serializers.YearPlanSerializer
    filterset_fields = ["project", "year"]


class ProgressReportViewSet(BaseViewSet):
    queryset = ProgressReport.objects.all()
    serializer_class = serializers.ProgressReportSerializer
    filterset_class = ProgressReportFilterSet
    select_related = ("project",)
    declaration = ProgressReportViews

    def _write(self, serializer, action):
        report = serializer.instance or ProgressReport()
        for name, value in serializer.validated_data.items():
            setattr(report, name, value)
        with transaction.atomic():
            serializer.instance = services.save_report(
                report, by=self.request.user, confirm_over_total=bool(self.request.data.get("confirm_over_total"))
            )
            check_in_scope(serializer.instance, self.request.user, action)


class StageRequestViewSet(BaseViewSet):
    """Stage change requests: made by the project's `request_stage` verb, decided here."""

    queryset = StageRequest.objects.all()
    serializer_class = serializers.StageRequestSerializer
    filterset_class = StageRequestFilterSet
    select_related = ("project",)
    declaration = StageRequestViews
    http_method_names = ["get", "post", "head", "options"]


class OfficialFigureViewSet(BaseViewSet):
    """统计局数据, kept by the city administrator (a closed period's change needs a correction note)."""

    queryset = OfficialFigure.objects.select_related("region")
    serializer_class = serializers.OfficialFigureSerializer
    filterset_class = OfficialFigureFilterSet


class BaselineViewSet(BaseViewSet):
    """Baselines: frozen by the project's `freeze_baseline` and `replan` verbs, decided here;
    never changed (no PUT, PATCH or DELETE)."""

    queryset = Baseline.objects.all()
    serializer_class = serializers.BaselineSerializer
    filterset_class = BaselineFilterSet
    select_related = ("project",)
    declaration = BaselineViews
    http_method_names = ["get", "post", "head", "options"]
