import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from keyprojects.core.tables import BaseTable, DateColumn

from .models import AgendaItem, DeadlineRule, Decision, Meeting, Problem

NOWRAP = {"td": {"class": "nowrap"}, "th": {"class": "nowrap"}}


class OverdueColumn(tables.Column):
    """Working days overdue, as a red badge (and a word), nothing when on time."""

    def render(self, value, record):
        if not record.overdue:
            return "—"
        return format_html('<span class="badge text-bg-danger">{}</span>', _("%(days)s wd late") % {"days": value})


class ProblemTable(BaseTable):
    title = tables.Column(linkify=True, attrs={"td": {"class": "name-column"}})
    category = tables.Column(attrs=NOWRAP)
    status = tables.Column(attrs=NOWRAP)
    region = tables.Column(attrs=NOWRAP)
    escalation = tables.Column(attrs=NOWRAP)
    due = DateColumn(format="Y-m-d", attrs=NOWRAP)
    raised_on = DateColumn(format="Y-m-d", attrs=NOWRAP)
    overdue_days = OverdueColumn(verbose_name=_("overdue"), attrs=NOWRAP)

    class Meta(BaseTable.Meta):
        model = Problem
        fields = [
            "title",
            "category",
            "status",
            "due",
            "overdue_days",
            "escalation",
            "lead_department",
            "region",
            "project",
            "enterprise",
            "raised_on",
            "source",
            "problem_class",
            "office",
        ]


class DeadlineRuleTable(BaseTable):
    problem_class = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = DeadlineRule
        fields = ["category", "problem_class", "assign_days", "progress_days", "resolve_days"]


class MeetingTable(BaseTable):
    number = tables.Column(linkify=True, verbose_name=_("meeting"))
    date = DateColumn(format="Y-m-d", attrs=NOWRAP)

    class Meta(BaseTable.Meta):
        model = Meeting
        fields = ["number", "date", "status", "place", "chair"]
        order_by = ("-number",)

    def render_number(self, record):
        return str(record)


class AgendaItemTable(BaseTable):
    text = tables.Column(linkify=lambda record: record.get_absolute_url())

    class Meta(BaseTable.Meta):
        model = AgendaItem
        fields = ["meeting", "order", "kind", "text"]


class DecisionTable(BaseTable):
    text = tables.Column(linkify=True, attrs={"td": {"class": "name-column"}})
    deadline = DateColumn(format="Y-m-d", attrs=NOWRAP)
    overdue_days = OverdueColumn(verbose_name=_("overdue"), attrs=NOWRAP)

    class Meta(BaseTable.Meta):
        model = Decision
        fields = ["text", "meeting", "owner_department", "deadline", "overdue_days", "status"]
