import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from keyprojects.core.tables import BaseTable, DateColumn

from .models import ListMembership, Milestone, ProgressReport, Project, ProjectMember, StageRequest, YearPlan


class LightColumn(tables.Column):
    """A coloured dot; the value django-tables2 hands over is the label, so read the record."""

    def __init__(self, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "light-column"}, "th": {"class": "light-column"}})
        super().__init__(**kwargs)

    def render(self, value, record):
        return format_html('<i class="bi bi-circle-fill light-{}" title="{}"></i>', record.light, value)


NOWRAP = {"td": {"class": "nowrap"}, "th": {"class": "nowrap"}}


class ProjectTable(BaseTable):
    light = LightColumn(verbose_name=_("light"))
    name = tables.Column(linkify=True, attrs={"td": {"class": "name-column"}})
    code = tables.Column(attrs=NOWRAP)
    stage = tables.Column(attrs=NOWRAP)
    planned_start_date = DateColumn(format="Y-m-d", attrs=NOWRAP)
    total_investment = tables.Column(verbose_name=_("total investment (100m yuan)"))
    cumulative_investment = tables.Column(verbose_name=_("completed (100m yuan)"))

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

    def render_total_investment(self, value):
        return f"{value / 10000:.2f}"

    def render_cumulative_investment(self, value):
        return f"{value / 10000:.2f}"


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
