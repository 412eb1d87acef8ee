from rest_framework import serializers

from keyprojects.core.api import BaseModelSerializer

from ..models import Chain, ChainLink, FundsInPlace, Lead, TargetEnterprise, Trip, Visit


class ChainLinkSerializer(BaseModelSerializer):
    class Meta:
        model = ChainLink
        fields = ["id", "url", "display", "chain", "parent", "name", "order", "gap", "industry_codes", "note"]


class ChainSerializer(BaseModelSerializer):
    class Meta:
        model = Chain
        fields = ["id", "url", "display", "name", "description", "order"]


class TargetEnterpriseSerializer(BaseModelSerializer):
    class Meta:
        model = TargetEnterprise
        fields = [
            "id",
            "url",
            "display",
            "name",
            "credit_code",
            "headquarters",
            "industry",
            "link",
            "size",
            "listed",
            "source",
            "enterprise",
        ]
        read_only_fields = ["enterprise"]


class LeadSerializer(BaseModelSerializer):
    """A new lead names its company (`company`, `credit_code`): found in the target library by
    code or normalised name, or added; a company with an open lead is refused, naming it."""

    company = serializers.CharField(write_only=True, required=False)
    credit_code = serializers.CharField(write_only=True, required=False, allow_blank=True)

    class Meta:
        model = Lead
        fields = [
            "id",
            "url",
            "display",
            "name",
            "company",
            "credit_code",
            "target",
            "link",
            "region",
            "owner",
            "team",
            "status",
            "found_on",
            "investment",
            "next_step",
            "next_step_on",
            "last_activity_on",
            "land_mu",
            "energy_tce",
            "tax_per_mu",
            "output",
            "jobs",
            "score",
            "opinion",
            "evaluated_on",
            "signed_on",
            "contracted_investment",
            "project",
            "drop_reason",
        ]
        read_only_fields = ["target", "status", "last_activity_on", "project"]

    def validate(self, attrs):
        return attrs  # create_lead() validates (dedup, dates); an edit runs full_clean on save


class VisitSerializer(BaseModelSerializer):
    class Meta:
        model = Visit
        fields = ["id", "url", "display", "lead", "kind", "date", "people", "notes", "cadre", "trip"]


class TripSerializer(BaseModelSerializer):
    class Meta:
        model = Trip
        fields = [
            "id",
            "url",
            "display",
            "cadre",
            "region",
            "destination",
            "whom",
            "purpose",
            "start_on",
            "end_on",
            "reported_on",
            "late_reason",
            "status",
            "decided_by",
            "decision_note",
            "outcome",
        ]
        read_only_fields = ["region", "reported_on", "status", "decided_by", "decision_note", "outcome"]

    def validate(self, attrs):
        return attrs  # report_trip() validates, late reports included


class FundsInPlaceSerializer(BaseModelSerializer):
    class Meta:
        model = FundsInPlace
        fields = ["id", "url", "display", "project", "month", "source", "amount", "note"]
        validators = []

    def validate(self, attrs):
        return attrs  # record_funds() validates, the contracted amount included
