from rest_framework import serializers

from keyprojects.core.api import BaseModelSerializer

from ..models import DeadlineRule, Decision, Meeting, Problem


class ProblemSerializer(BaseModelSerializer):
    """Writes raise a problem (POST) or edit what the form edits (PATCH); every other change is a
    verb. `intake_key` makes a POST from another system (12345, the provincial platform)
    idempotent: the same key twice writes one problem."""

    intake_key = serializers.CharField(required=False, allow_blank=True, write_only=True, max_length=100)

    class Meta:
        model = Problem
        fields = [
            "id",
            "url",
            "display",
            "title",
            "description",
            "source",
            "category",
            "problem_class",
            "project",
            "enterprise",
            "region",
            "office",
            "lead_department",
            "co_departments",
            "raised_by",
            "raised_on",
            "status",
            "escalation",
            "due",
            "assign_due",
            "progress_due",
            "resolve_due",
            "overdue_days",
            "resolution",
            "satisfied",
            "closed_on",
            "transferred_on",
            "intake_key",
            "archived_at",
        ]
        read_only_fields = [
            "problem_class",
            "office",
            "lead_department",
            "co_departments",
            "raised_by",
            "status",
            "escalation",
            "due",
            "assign_due",
            "progress_due",
            "resolve_due",
            "overdue_days",
            "resolution",
            "satisfied",
            "closed_on",
            "transferred_on",
            "archived_at",
        ]
        extra_kwargs = {"region": {"required": False}, "raised_on": {"required": False}}

    def validate(self, attrs):
        # The model's rules are checked by services.raise_problem / edit_problem (full_clean with
        # the raiser it sets), which answer 400 through the API's exception handler.
        return serializers.ModelSerializer.validate(self, attrs)


class DeadlineRuleSerializer(BaseModelSerializer):
    class Meta:
        model = DeadlineRule
        fields = ["id", "url", "display", "category", "problem_class", "assign_days", "progress_days", "resolve_days"]


class MeetingSerializer(BaseModelSerializer):
    class Meta:
        model = Meeting
        fields = ["id", "url", "display", "number", "date", "place", "chair", "status", "minutes"]
        read_only_fields = ["number", "status", "minutes"]


class DecisionSerializer(BaseModelSerializer):
    class Meta:
        model = Decision
        fields = [
            "id",
            "url",
            "display",
            "meeting",
            "text",
            "owner_department",
            "deadline",
            "problems",
            "projects",
            "status",
            "report",
            "reported_on",
            "closed_on",
            "overdue_days",
        ]
        read_only_fields = fields
