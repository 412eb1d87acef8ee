import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from keyprojects.core import display
from keyprojects.core.tables import BaseTable, MoneyColumn

from .models import BatchEntry, Phase


class PhaseTable(BaseTable):
    number = tables.Column(linkify=True, verbose_name=_("phase"))
    entry_count = tables.Column(verbose_name=_("entries"), orderable=False)

    class Meta(BaseTable.Meta):
        model = Phase
        fields = ["number", "title", "date", "venue", "status", "entry_count"]

    def render_number(self, record):
        return str(record)


class BatchEntryTable(BaseTable):
    project = tables.Column(linkify=lambda record: record.project.get_absolute_url())
    phase = tables.Column(linkify=lambda record: record.phase.get_absolute_url())
    total_investment = MoneyColumn(display.YI, verbose_name=_("total investment at listing (100m yuan)"))
    planned_investment = MoneyColumn(display.YI, verbose_name=_("annual plan at listing (100m yuan)"))
    current_stage = tables.Column(accessor="project__stage", verbose_name=_("current stage"), orderable=False)
    detail = tables.Column(linkify=True, accessor="pk", verbose_name="", orderable=False)

    class Meta(BaseTable.Meta):
        model = BatchEntry
        fields = ["phase", "batch", "project", "region", "total_investment", "planned_investment", "stage"]
        sequence = [
            "phase",
            "batch",
            "project",
            "region",
            "total_investment",
            "planned_investment",
            "stage",
            "current_stage",
            "detail",
        ]

    def render_current_stage(self, record):
        return record.project.get_stage_display()

    def render_detail(self, value):
        return "›"
