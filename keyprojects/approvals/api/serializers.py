from keyprojects.core.api import BaseModelSerializer

from ..models import ApprovalMatter, ApprovalPlan, ProjectApproval, ZoneAssessment


class ApprovalMatterSerializer(BaseModelSerializer):
    class Meta:
        model = ApprovalMatter
        fields = [
            "id",
            "url",
            "display",
            "code",
            "name",
            "stage",
            "order",
            "department_name",
            "department",
            "statutory_days",
            "allowed_modes",
            "kinds",
            "needed_for_start",
            "assessment_kind",
        ]


class ZoneAssessmentSerializer(BaseModelSerializer):
    class Meta:
        model = ZoneAssessment
        fields = ["id", "url", "display", "region", "kind", "document_number", "valid_from", "valid_until", "note"]


class ApprovalPlanSerializer(BaseModelSerializer):
    class Meta:
        model = ApprovalPlan
        fields = ["id", "url", "display", "project", "kind", "ready_on"]
        read_only_fields = ["ready_on"]


class ProjectApprovalSerializer(BaseModelSerializer):
    """Read-only: a matter changes only through its verbs (apply, accept, approve …)."""

    class Meta:
        model = ProjectApproval
        fields = [
            "id",
            "url",
            "display",
            "plan",
            "project",
            "matter",
            "department",
            "mode",
            "status",
            "statutory_days",
            "applied_on",
            "accepted_on",
            "decided_on",
            "paused_on",
            "paused_days",
            "due",
            "remaining_days",
            "working_days",
            "document_number",
            "missing_documents",
            "supplement_deadline",
            "supplied_on",
            "zone_assessment",
        ]
        read_only_fields = fields
