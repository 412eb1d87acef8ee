from keyprojects.core.api import BaseModelSerializer

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
