from rest_framework import serializers

from keyprojects.core.api import BaseModelSerializer

from ..choices import Batch
from ..models import BatchEntry, Phase


class PhaseSerializer(BaseModelSerializer):
    class Meta:
        model = Phase
        fields = [
            "id",
            "url",
            "display",
            "number",
            "title",
            "date",
            "venue",
            "status",
            "override_reason",
            "archived_at",
        ]
        read_only_fields = ["status", "override_reason", "archived_at"]


class BatchEntrySerializer(BaseModelSerializer):
    """Writes list a project through services.add_entry(); the frozen figures are read-only."""

    class Meta:
        model = BatchEntry
        fields = [
            "id",
            "url",
            "display",
            "phase",
            "project",
            "batch",
            "total_investment",
            "planned_investment",
            "stage",
            "region",
            "archived_at",
        ]
        read_only_fields = ["total_investment", "planned_investment", "stage", "region", "archived_at"]
        validators = []  # the service words the once-per-batch rule

    def validate(self, attrs):
        return attrs  # add_entry() checks and fills the frozen figures


class LockSerializer(serializers.Serializer):
    override_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class AcceptSerializer(serializers.Serializer):
    picks = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        allow_null=True,
        default=None,
        help_text="[{'batch': 'sign', 'project': 12}, …]; omitted: every proposed candidate.",
    )

    def validate_picks(self, value):
        if value is None:
            return None
        picks = []
        for item in value:
            if item.get("batch") not in Batch.values or not str(item.get("project", "")).isdigit():
                raise serializers.ValidationError("Each pick is {'batch': sign|start|produce, 'project': id}.")
            picks.append((item["batch"], int(item["project"])))
        return picks
