from keyprojects.core.api import BaseModelSerializer

from ..models import ElementDemand, StoppageOrder, Whitelist, WhitelistEntry


class WhitelistSerializer(BaseModelSerializer):
    class Meta:
        model = Whitelist
        fields = [
            "id", "url", "display", "name", "kind", "year", "valid_from", "valid_until", "target_share",
            "required_list", "stages", "min_investment", "good_credit", "note",
        ]  # fmt: skip


class WhitelistEntrySerializer(BaseModelSerializer):
    class Meta:
        model = WhitelistEntry
        fields = [
            "id",
            "url",
            "display",
            "whitelist",
            "project",
            "reason",
            "added_on",
            "status",
            "revoked_on",
            "revoke_reason",
        ]
        read_only_fields = ["status", "revoked_on", "revoke_reason"]


class ElementDemandSerializer(BaseModelSerializer):
    class Meta:
        model = ElementDemand
        fields = [
            "id", "url", "display", "project", "element", "requested", "guaranteed", "source", "standard_land",
            "department", "needed_by", "guarantee_by", "guaranteed_on", "note",
        ]  # fmt: skip
        read_only_fields = ["guaranteed_on"]


class StoppageOrderSerializer(BaseModelSerializer):
    class Meta:
        model = StoppageOrder
        fields = ["id", "url", "display", "kind", "title", "issuer", "issued_on", "projects", "text"]
