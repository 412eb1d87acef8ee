from keyprojects.core.api import BaseViewSet

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

    def service_save(self, serializer):
        return services.register_project(serializer, by=self.request.user)


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

    def service_save(self, serializer):
        confirmed = bool(self.request.data.get("confirm_over_total"))
        return services.save_report(self.filled(serializer), by=self.request.user, confirm_over_total=confirmed)


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
