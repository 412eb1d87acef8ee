from rest_framework import serializers

from keyprojects.core.api import BaseModelSerializer

from ..forms import ProjectForm
from ..models import Baseline, Milestone, OfficialFigure, ProgressReport, Project, StageRequest, YearPlan
from ..services import describe


class ProjectSerializer(BaseModelSerializer):
    tier = serializers.CharField(read_only=True, source="tier.value")
    light_reasons = serializers.SerializerMethodField()

    class Meta:
        model = Project
        # What the form edits, plus what the services derive (read-only here as there).
        fields = [
            "id",
            "url",
            "display",
            *ProjectForm.Meta.fields,
            "tier",
            "stage",
            "stage_date",
            "actual_sign_date",
            "actual_start_date",
            "actual_production_date",
            "actual_capacity_date",
            "cumulative_investment",
            "light",
            "light_reasons",
            "archived_at",
        ]
        read_only_fields = [
            "stage",
            "stage_date",
            "actual_sign_date",
            "actual_start_date",
            "actual_production_date",
            "actual_capacity_date",
            "cumulative_investment",
            "light",
            "archived_at",
        ]

    def get_light_reasons(self, obj) -> list[str]:
        return [describe(r) for r in obj.light_reasons]


class MilestoneSerializer(BaseModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "url", "display", "project", "name", "order", "planned_date", "actual_date", "responsible_unit"]


class YearPlanSerializer(BaseModelSerializer):
    class Meta:
        model = YearPlan
        fields = ["id", "url", "display", "project", "year", "planned_investment", "node_targets"]


class ProgressReportSerializer(BaseModelSerializer):
    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "url",
            "display",
            "project",
            "month",
            "investment",
            "cumulative_investment",
            "physical_progress",
            "milestone",
            "problems",
            "next_plan",
            "correction_note",
            "status",
            "return_reason",
        ]
        read_only_fields = ["cumulative_investment", "status", "return_reason"]


class StageRequestSerializer(BaseModelSerializer):
    class Meta:
        model = StageRequest
        fields = [
            "id",
            "project",
            "to_stage",
            "date",
            "dates",
            "note",
            "reason",
            "status",
            "requested_by",
            "decided_by",
            "decided_at",
            "decision_note",
            "display",
            "url",
        ]
        read_only_fields = fields


class OfficialFigureSerializer(BaseModelSerializer):
    class Meta:
        model = OfficialFigure
        fields = ["id", "region", "month", "category", "amount", "growth", "source", "correction_note"]


class BaselineSerializer(BaseModelSerializer):
    class Meta:
        model = Baseline
        fields = [
            "id",
            "project",
            "number",
            "reason",
            "note",
            "status",
            "planned_sign_date",
            "planned_start_date",
            "planned_production_date",
            "planned_capacity_date",
            "total_investment",
            "nodes",
            "slip_days",
            "proposed_by",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields
