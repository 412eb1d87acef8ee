from django.contrib.auth import get_user_model
from rest_framework import serializers

from keyprojects.core.access import Action, can
from keyprojects.core.api import BaseModelSerializer

from ..models import IDENTITY_FIELDS, Enterprise, keeps_identity
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
