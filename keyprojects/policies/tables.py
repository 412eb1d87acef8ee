import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from keyprojects.core.tables import BaseTable, DateColumn

from .models import Grant, Policy, PolicyItem
from .services import fen_text


class FenColumn(tables.Column):
    """An amount kept in fen, shown in 元 or 万元 with separators."""

    def __init__(self, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "text-end nowrap"}, "th": {"class": "text-end"}})
        super().__init__(**kwargs)

    def render(self, value):
        return fen_text(value)


class PolicyTable(BaseTable):
    title = tables.Column(linkify=True)
    published = DateColumn(format="Y-m-d")

    class Meta(BaseTable.Meta):
        model = Policy
        fields = ["title", "number", "issuer", "department", "year", "published"]


class PolicyItemTable(BaseTable):
    name = tables.Column(linkify=True)
    budget_fen = FenColumn(verbose_name=_("budget pool"))

    class Meta(BaseTable.Meta):
        model = PolicyItem
        fields = ["code", "name", "policy", "mode", "version", "budget_fen"]


class GrantTable(BaseTable):
    enterprise = tables.Column(linkify=lambda record: record.get_absolute_url(), verbose_name=_("enterprise"))
    amount_fen = FenColumn(verbose_name=_("amount"))
    amount_b_fen = FenColumn(verbose_name=_("other reading"))
    granted_fen = FenColumn(verbose_name=_("granted"))

    class Meta(BaseTable.Meta):
        model = Grant
        fields = ["enterprise", "item", "outcome", "status", "amount_fen", "amount_b_fen", "granted_fen", "clawback"]
