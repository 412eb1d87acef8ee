from keyprojects.core.api import BaseModelSerializer

from ..models import Contact, Department, Membership, Office, Region


class RegionSerializer(BaseModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "url", "display", "code", "name", "level", "parent", "archived_at"]
        read_only_fields = ["archived_at"]


class DepartmentSerializer(BaseModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "url", "display", "name", "short_name", "region", "archived_at"]
        read_only_fields = ["archived_at"]


class OfficeSerializer(BaseModelSerializer):
    class Meta:
        model = Office
        fields = ["id", "url", "display", "kind", "name"]
        read_only_fields = ["kind"]


class ContactSerializer(BaseModelSerializer):
    class Meta:
        model = Contact
        fields = [
            "id",
            "url",
            "display",
            "name",
            "post",
            "phone",
            "email",
            "region",
            "department",
            "office",
            "user",
            "archived_at",
        ]
        read_only_fields = ["archived_at"]


class MembershipSerializer(BaseModelSerializer):
    class Meta:
        model = Membership
        fields = ["id", "url", "display", "user", "role", "region", "department", "office", "active"]
