import django_tables2 as tables

from keyprojects.core.tables import BaseTable

from .models import Contact, Department, Membership, Office, Region, RegionAlias


class RegionTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Region
        fields = ["name", "code", "level", "parent"]


class RegionAliasTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = RegionAlias
        fields = ["name", "region"]


class DepartmentTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Department
        fields = ["name", "short_name", "region"]


class OfficeTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Office
        fields = ["name", "kind"]


class ContactTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Contact
        fields = ["name", "post", "phone", "region", "department", "office"]


class MembershipTable(BaseTable):
    user = tables.Column(linkify=lambda record: record.get_absolute_url())

    class Meta(BaseTable.Meta):
        model = Membership
        fields = ["user", "role", "region", "department", "office", "active"]
