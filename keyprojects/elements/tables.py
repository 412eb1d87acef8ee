import django_tables2 as tables

from keyprojects.core.tables import BaseTable, DateColumn

from .models import ElementDemand, StoppageOrder, Whitelist, WhitelistEntry


class WhitelistTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Whitelist
        fields = ["name", "kind", "year", "valid_from", "valid_until", "target_share"]


class WhitelistEntryTable(BaseTable):
    project = tables.Column(linkify=lambda record: record.get_absolute_url())
    added_on = DateColumn(format="Y-m-d")

    class Meta(BaseTable.Meta):
        model = WhitelistEntry
        fields = ["project", "whitelist", "status", "added_on", "reason"]


class ElementDemandTable(BaseTable):
    element = tables.Column(linkify=True)
    guarantee_by = DateColumn(format="Y-m-d")

    class Meta(BaseTable.Meta):
        model = ElementDemand
        fields = ["element", "project", "requested", "guaranteed", "source", "department", "guarantee_by"]


class StoppageOrderTable(BaseTable):
    title = tables.Column(linkify=True)
    issued_on = DateColumn(format="Y-m-d")

    class Meta(BaseTable.Meta):
        model = StoppageOrder
        fields = ["title", "kind", "issuer", "issued_on"]
