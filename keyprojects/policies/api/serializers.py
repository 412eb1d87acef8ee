from rest_framework import serializers

from keyprojects.core.api import BaseModelSerializer

from ..models import Grant, Policy, PolicyItem


class PolicySerializer(BaseModelSerializer):
    class Meta:
        model = Policy
        fields = ["id", "url", "display", "number", "title", "issuer", "department", "region", "published",
                  "valid_from", "valid_to", "year", "as_of", "total_cap_fen", "text", "interpretation"]  # fmt: skip
        read_only_fields = fields


class PolicyItemSerializer(BaseModelSerializer):
    class Meta:
        model = PolicyItem
        fields = ["id", "url", "display", "policy", "code", "name", "mode", "condition", "formula", "condition_text",
                  "formula_text", "rounding", "rounding_mode", "cap_fen", "budget_fen", "version", "valid_from",
                  "valid_to"]  # fmt: skip
        read_only_fields = fields


class GrantSerializer(BaseModelSerializer):
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)

    class Meta:
        model = Grant
        fields = ["id", "url", "display", "enterprise", "credit_code", "item", "outcome", "status", "amount_fen",
                  "amount_b_fen", "granted_fen", "risks", "explanation", "clawback", "rerun_amount_fen",
                  "objection_until", "paid_on"]  # fmt: skip
        read_only_fields = fields
