import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from keyprojects.core.tables import BaseTable

from .models import Camera, Inspection, Snapshot, StoppageDay

NOWRAP = {"td": {"class": "nowrap"}, "th": {"class": "nowrap"}}
HEALTH_BADGE = {"online": "success", "offline": "danger", "unknown": "secondary"}


class HealthColumn(tables.Column):
    def render(self, value, record):
        badge = format_html(
            '<span class="badge text-bg-{}">{}</span>', HEALTH_BADGE.get(record.health, "secondary"), value
        )
        if record.stale:
            return format_html('{} <span class="badge text-bg-warning">{}</span>', badge, _("frozen image"))
        return badge


class CameraTable(BaseTable):
    name = tables.Column(linkify=True)
    project = tables.Column(linkify=True, attrs={"td": {"class": "name-column"}})
    health = HealthColumn(attrs=NOWRAP)
    last_frame_at = tables.DateTimeColumn(format="Y-m-d H:i", attrs=NOWRAP)

    class Meta(BaseTable.Meta):
        model = Camera
        fields = ["name", "project", "position", "source", "health", "last_frame_at", "interval", "last_error"]


class SnapshotTable(BaseTable):
    taken_at = tables.DateTimeColumn(format="Y-m-d H:i", linkify=True, attrs=NOWRAP)
    thumbnail = tables.Column(verbose_name=_("image"), orderable=False, empty_values=())

    class Meta(BaseTable.Meta):
        model = Snapshot
        fields = ["taken_at", "camera", "thumbnail", "source", "change", "people", "activity", "stale"]

    def render_thumbnail(self, record):
        return format_html('<img src="{}" alt="" width="120" loading="lazy">', record.thumbnail_url)


class InspectionTable(BaseTable):
    day = tables.DateColumn(format="Y-m-d", linkify=True, attrs=NOWRAP)
    project = tables.Column(attrs={"td": {"class": "name-column"}})

    class Meta(BaseTable.Meta):
        model = Inspection
        fields = ["day", "project", "finding", "note", "inspector", "problem"]


class StoppageDayTable(BaseTable):
    day = tables.DateColumn(format="Y-m-d", linkify=True)

    class Meta(BaseTable.Meta):
        model = StoppageDay
        fields = ["day", "region", "reason"]
