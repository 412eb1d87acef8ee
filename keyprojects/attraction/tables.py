import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from keyprojects.core import display
from keyprojects.core.tables import BaseTable, MoneyColumn

from .models import (
    Cadre,
    Chain,
    ChainGoal,
    ChainLink,
    FundsInPlace,
    Lead,
    TargetEnterprise,
    Team,
    Trip,
    Visit,
    YearGoal,
)


class ChainTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Chain
        fields = ["name", "description", "order"]


class ChainLinkTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = ChainLink
        fields = ["chain", "name", "parent", "gap", "industry_codes"]


class TargetEnterpriseTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = TargetEnterprise
        fields = ["name", "credit_code", "headquarters", "link", "size", "listed", "source"]


class TeamTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Team
        fields = ["name", "kind", "region"]


class CadreTable(BaseTable):
    user = tables.Column(linkify=lambda record: record.get_absolute_url(), verbose_name=_("name"))

    class Meta(BaseTable.Meta):
        model = Cadre
        fields = ["user", "post", "region", "team"]

    def render_user(self, record):
        return record.user.get_full_name() or record.user.username


class LeadTable(BaseTable):
    name = tables.Column(linkify=True)
    investment = MoneyColumn(display.YI, verbose_name=_("intended investment (100m yuan)"))

    class Meta(BaseTable.Meta):
        model = Lead
        fields = [
            "name",
            "target",
            "link",
            "region",
            "owner",
            "status",
            "investment",
            "last_activity_on",
            "next_step_on",
        ]


class VisitTable(BaseTable):
    date = tables.DateColumn(linkify=lambda record: record.lead.get_absolute_url())

    class Meta(BaseTable.Meta):
        model = Visit
        fields = ["date", "lead", "kind", "people", "trip"]


class TripTable(BaseTable):
    destination = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Trip
        fields = ["destination", "cadre", "whom", "purpose", "start_on", "end_on", "status"]


class FundsInPlaceTable(BaseTable):
    project = tables.Column(linkify=lambda record: record.get_absolute_url())
    amount = MoneyColumn(display.WAN, verbose_name=_("amount (10k yuan)"))

    class Meta(BaseTable.Meta):
        model = FundsInPlace
        fields = ["project", "month", "source", "amount", "note"]


class ChainGoalTable(BaseTable):
    chain = tables.Column(linkify=lambda record: record.get_absolute_url())
    investment = MoneyColumn(display.YI, verbose_name=_("contracted investment (100m yuan)"))

    class Meta(BaseTable.Meta):
        model = ChainGoal
        fields = ["chain", "year", "leads", "signings", "investment"]


class YearGoalTable(BaseTable):
    cadre = tables.Column(linkify=lambda record: record.get_absolute_url())
    investment = MoneyColumn(display.YI, verbose_name=_("contracted investment (100m yuan)"))
    funds = MoneyColumn(display.YI, verbose_name=_("funds in place (100m yuan)"))

    class Meta(BaseTable.Meta):
        model = YearGoal
        fields = ["cadre", "year", "leads", "visits", "signings", "investment", "funds"]
