from django.contrib.auth import get_user_model
from rest_framework import serializers

from keyprojects.core.access import Action, can
from keyprojects.core.api import BaseModelSerializer

from ..models import IDENTITY_FIELDS, Enterprise, EnterpriseFact, keeps_identity
from ..validators import normalise_credit_code, normalise_industry_code


class EnterpriseSerializer(BaseModelSerializer):
    class Meta:
        model = Enterprise
        fields = [
            "id",
            "url",
            "display",
            "name",
            "credit_code",
            "region",
            "legal_representative",
            "contact_name",
            "contact_phone",
            "industry",
            "bank_name",
            "bank_account",
            "users",
            "archived_at",
        ]
        read_only_fields = ["archived_at"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        # As on the form: only who may see user accounts sets an enterprise's users.
        if request is None or not can(request.user, Action.VIEW, get_user_model()):
            fields["users"] = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
        if request is not None and self.instance is not None and not keeps_identity(request.user):
            for name in IDENTITY_FIELDS:
                fields[name].read_only = True  # as on the form: staff keep who the enterprise is
        return fields

    def validate_credit_code(self, value):
        return normalise_credit_code(value) or None

    def validate_industry(self, value):
        return normalise_industry_code(value)


class EnterpriseFactSerializer(BaseModelSerializer):
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)
    value = serializers.SerializerMethodField()

    class Meta:
        model = EnterpriseFact
        fields = ["id", "enterprise", "credit_code", "field", "period", "year", "quarter", "value", "source", "as_of"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return ""

    def get_value(self, obj) -> str | None:
        value = obj.value
        return None if value is None else str(value if not hasattr(value, "normalize") else obj.plain_number)


class FactPushItem(serializers.Serializer):
    credit_code = serializers.CharField()
    field = serializers.CharField(help_text="A field code (revenue …) or its Chinese name (营业收入 …).")
    period = serializers.CharField(help_text="2024 or 2024Q3")
    value = serializers.CharField()
    unit = serializers.CharField(required=False, allow_blank=True, help_text="元, 万元, 亿元, 千瓦时, 万千瓦时, 人")
    source = serializers.CharField(help_text="The department the figure comes from.")
    as_of = serializers.CharField(help_text="The date the figure was true.")


class FactPushSerializer(serializers.Serializer):
    facts = FactPushItem(many=True)
