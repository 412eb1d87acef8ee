import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from keyprojects.core import display
from keyprojects.core.tables import BaseTable, DateColumn, MoneyColumn

from .models import (
    Baseline,
    ListMembership,
    Milestone,
    OfficialFigure,
    ProgressReport,
    Project,
    ProjectMember,
    StageRequest,
    YearPlan,
)


class LightColumn(tables.Column):
    """A coloured dot; the value django-tables2 hands over is the label, so read the record."""

    def __init__(self, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "light-column"}, "th": {"class": "light-column"}})
        super().__init__(**kwargs)

    def render(self, value, record):
        # A shape per light and its word (read aloud; shown on a phone's card), not colour alone.
        return format_html(
            '<i class="bi {} light-{}" title="{}" aria-hidden="true"></i><span class="light-word">{}</span>',
            LIGHT_ICONS.get(record.light, "bi-circle-fill"),
            record.light,
            value,
            value,
        )


LIGHT_ICONS = {"red": "bi-x-octagon-fill", "yellow": "bi-exclamation-triangle-fill", "green": "bi-check-circle-fill"}
NOWRAP = {"td": {"class": "nowrap"}, "th": {"class": "nowrap"}}


class ProjectTable(BaseTable):
    light = LightColumn(verbose_name=_("light"))
    name = tables.Column(linkify=True, attrs={"td": {"class": "name-column"}})
    code = tables.Column(attrs=NOWRAP)
    stage = tables.Column(attrs=NOWRAP)
    planned_start_date = DateColumn(format="Y-m-d", attrs=NOWRAP)
    total_investment = MoneyColumn(display.YI, verbose_name=_("total investment (100m yuan)"))
    cumulative_investment = MoneyColumn(display.YI, verbose_name=_("completed (100m yuan)"))

    class Meta(BaseTable.Meta):
        model = Project
        fields = [
            "light",
            "name",
            "code",
            "region",
            "stage",
            "field",
            "total_investment",
            "cumulative_investment",
            "owner",
            "leader",
            "planned_start_date",
        ]


class ProgressReportTable(BaseTable):
    project = tables.Column(linkify=lambda record: record.get_absolute_url())
    month = DateColumn(format="Y-m")

    class Meta(BaseTable.Meta):
        model = ProgressReport
        fields = ["project", "month", "investment", "cumulative_investment", "status", "submitted_at"]


class MilestoneTable(BaseTable):
    name = tables.Column(linkify=True)
    project = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Milestone
        fields = ["project", "name", "planned_date", "actual_date", "responsible_department", "responsible_unit"]


class YearPlanTable(BaseTable):
    project = tables.Column(linkify=lambda record: record.get_absolute_url())

    class Meta(BaseTable.Meta):
        model = YearPlan
        fields = ["project", "year", "planned_investment", "node_targets"]


class ListMembershipTable(BaseTable):
    project = tables.Column(linkify=lambda record: record.get_absolute_url())

    class Meta(BaseTable.Meta):
        model = ListMembership
        fields = ["project", "list", "start", "end"]


class ProjectMemberTable(BaseTable):
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = ProjectMember
        fields = ["name", "role", "post", "phone", "project"]


class StageRequestTable(BaseTable):
    project = tables.Column(linkify=lambda record: record.get_absolute_url())
    date = DateColumn()

    class Meta(BaseTable.Meta):
        model = StageRequest
        fields = ["project", "to_stage", "date", "status", "requested_by", "created"]


class OfficialFigureTable(BaseTable):
    region = tables.Column(linkify=True)
    month = tables.Column(verbose_name=_("to the end of"))

    class Meta(BaseTable.Meta):
        model = OfficialFigure
        fields = ["region", "month", "category", "amount", "growth", "source", "correction_note"]

    def render_month(self, value):
        return display.month(value)

    def render_growth(self, value):
        return display.percent(value)


class BaselineTable(BaseTable):
    """Each baseline beside the project's plan today: the original (baseline 1) rows read as
    "original against current" for every project, with the days its production date slipped."""

    project = tables.Column(linkify=lambda record: record.project.get_absolute_url())
    number = tables.Column(linkify=True)
    slip_days = tables.Column(attrs={"td": {"class": "text-end"}})
    current = tables.Column(
        verbose_name=_("production date now (plan or actual)"), accessor="pk", orderable=False, attrs=NOWRAP
    )
    slipped = tables.Column(
        verbose_name=_("days slipped since"), accessor="pk", orderable=False, attrs={"td": {"class": "text-end"}}
    )

    class Meta(BaseTable.Meta):
        model = Baseline
        fields = [
            "project",
            "number",
            "reason",
            "status",
            "planned_start_date",
            "planned_production_date",
            "current",
            "slipped",
            "total_investment",
            "slip_days",
            "created",
        ]

    @staticmethod
    def _now(record):
        return record.project.actual_production_date or record.project.planned_production_date

    def render_current(self, record):
        return display.day(self._now(record)) if self._now(record) else "—"

    def render_slipped(self, record):
        now, then = self._now(record), record.planned_production_date
        return str((now - then).days) if now and then else "—"
