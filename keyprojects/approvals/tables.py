import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from keyprojects.core.tables import BaseTable, DateColumn

from .models import ApprovalMatter, ApprovalPlan, ProjectApproval, ZoneAssessment

NOWRAP = {"td": {"class": "nowrap"}, "th": {"class": "nowrap"}}


class RemainingColumn(tables.Column):
    """Working days left against the limit: red when overdue, grey while paused."""

    def render(self, value, record):
        if record.paused:
            return format_html('<span class="badge text-bg-secondary">{} · {}</span>', _("paused"), value)
        if value < 0:
            return format_html('<span class="badge text-bg-danger">{}</span>', _("%(days)s wd late") % {"days": -value})
        return format_html('<span class="badge text-bg-{}">{}</span>', "warning" if value <= 3 else "success", value)


class ApprovalMatterTable(BaseTable):
    name = tables.Column(linkify=True, attrs={"td": {"class": "name-column"}})

    class Meta(BaseTable.Meta):
        model = ApprovalMatter
        fields = [
            "name",
            "stage",
            "department_name",
            "department",
            "statutory_days",
            "needed_for_start",
            "assessment_kind",
        ]


class ZoneAssessmentTable(BaseTable):
    kind = tables.Column(linkify=True)
    valid_until = DateColumn(format="Y-m-d", attrs=NOWRAP)
    valid_from = DateColumn(format="Y-m-d", attrs=NOWRAP)

    class Meta(BaseTable.Meta):
        model = ZoneAssessment
        fields = ["kind", "region", "document_number", "valid_from", "valid_until"]


class ApprovalPlanTable(BaseTable):
    project = tables.Column(linkify=lambda record: record.get_absolute_url())
    ready_on = DateColumn(format="Y-m-d", attrs=NOWRAP)

    class Meta(BaseTable.Meta):
        model = ApprovalPlan
        fields = ["project", "kind", "ready_on"]


class ProjectApprovalTable(BaseTable):
    matter = tables.Column(linkify=lambda record: record.get_absolute_url())
    status = tables.Column(attrs=NOWRAP)
    remaining_days = RemainingColumn(verbose_name=_("working days left"), attrs=NOWRAP)
    due = DateColumn(format="Y-m-d", attrs=NOWRAP)
    accepted_on = DateColumn(format="Y-m-d", attrs=NOWRAP)

    class Meta(BaseTable.Meta):
        model = ProjectApproval
        fields = [
            "matter",
            "project",
            "status",
            "mode",
            "remaining_days",
            "due",
            "department",
            "accepted_on",
            "statutory_days",
            "document_number",
        ]
