from django.db import transaction
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from keyprojects.core.access import Action
from keyprojects.core.api import BaseViewSet
from keyprojects.core.services import check_in_scope

from .. import services
from ..filtersets import MilestoneFilterSet, ProgressReportFilterSet, ProjectFilterSet
from ..models import Milestone, ProgressReport, Project, YearPlan
from . import serializers


class ProjectViewSet(BaseViewSet):
    queryset = Project.objects.all()
    serializer_class = serializers.ProjectSerializer
    filterset_class = ProjectFilterSet
    select_related = ("region", "owner")

    def get_queryset(self):
        return super().get_queryset().prefetch_related("tags")

    def _write(self, serializer, action):
        with transaction.atomic():
            project = services.register_project(serializer, by=self.request.user)
            check_in_scope(project, self.request.user, action)

    @action(detail=True, methods=["post"], serializer_class=serializers.StageSerializer)
    def advance(self, request, pk=None):
        """Change the stage through advance_stage(): the rules of the page apply."""
        project = self.get_object_for(Action.CHANGE)
        data = serializers.StageSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.advance_stage(project, by=request.user, **data.validated_data)
        project.refresh_from_db()
        return Response(serializers.ProjectSerializer(project, context={"request": request}).data)

    def get_object_for(self, action):
        from django.shortcuts import get_object_or_404

        return get_object_or_404(Project.objects.restrict(self.request.user, action), pk=self.kwargs["pk"])


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

    def _write(self, serializer, action):
        report = serializer.instance or ProgressReport()
        for name, value in serializer.validated_data.items():
            setattr(report, name, value)
        with transaction.atomic():
            serializer.instance = services.save_report(
                report, by=self.request.user, confirm_over_total=bool(self.request.data.get("confirm_over_total"))
            )
            check_in_scope(serializer.instance, self.request.user, action)

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = self.get_object()
        services.submit_report(report, by=request.user)
        return Response(self.get_serializer(report).data)

    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        report = self.get_object()
        services.review_report(
            report, by=request.user, accept=bool(request.data.get("accept")), reason=request.data.get("reason", "")
        )
        return Response(self.get_serializer(report).data, status=status.HTTP_200_OK)
