from django.utils.translation import gettext_lazy as _

from keyprojects.core.api import BaseViewSet

from .. import services
from ..filtersets import (
    ApprovalMatterFilterSet,
    ApprovalPlanFilterSet,
    ProjectApprovalFilterSet,
    ZoneAssessmentFilterSet,
)
from ..models import ApprovalMatter, ApprovalPlan, ProjectApproval, ZoneAssessment
from ..views import ApprovalMatterViews, ApprovalPlanViews, ProjectApprovalViews, ZoneAssessmentViews
from . import serializers


class ApprovalMatterViewSet(BaseViewSet):
    queryset = ApprovalMatter.objects.all()
    serializer_class = serializers.ApprovalMatterSerializer
    filterset_class = ApprovalMatterFilterSet
    declaration = ApprovalMatterViews


class ZoneAssessmentViewSet(BaseViewSet):
    queryset = ZoneAssessment.objects.all()
    serializer_class = serializers.ZoneAssessmentSerializer
    filterset_class = ZoneAssessmentFilterSet
    declaration = ZoneAssessmentViews


class ApprovalPlanViewSet(BaseViewSet):
    queryset = ApprovalPlan.objects.all()
    serializer_class = serializers.ApprovalPlanSerializer
    filterset_class = ApprovalPlanFilterSet
    declaration = ApprovalPlanViews
    http_method_names = ["get", "post", "head", "options"]

    def service_save(self, serializer):
        return services.create_plan(ApprovalPlan(**serializer.validated_data), by=self.request.user)


class ProjectApprovalViewSet(BaseViewSet):
    queryset = ProjectApproval.objects.all()
    serializer_class = serializers.ProjectApprovalSerializer
    filterset_class = ProjectApprovalFilterSet
    declaration = ProjectApprovalViews
    http_method_names = ["get", "post", "head", "options"]

    creatable = False
    created_elsewhere = _("Matters come from a plan: POST /api/approvals/plans/.")
