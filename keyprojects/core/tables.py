import django_tables2 as tables
from django.utils.dateformat import format as format_date
from django.utils.timezone import template_localtime
from django.utils.translation import gettext_lazy as _

from .models import ObjectChange


class BaseTable(tables.Table):
    """Bootstrap styling; subclasses link their identifying column with `linkify=True`."""

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        per_page = 50
        empty_text = _("No records match.")


class DateColumn(tables.Column):
    """A date or time in a fixed format. Not django-tables2's DateColumn, a TemplateColumn that
    compiles its template again for every cell: a quarter of a 50-row list's cell rendering."""

    def __init__(self, format="Y-m-d", **kwargs):
        super().__init__(**kwargs)
        self.format = format

    def render(self, value):
        return format_date(template_localtime(value), self.format)


class ChangeTable(BaseTable):
    time = DateColumn(format="Y-m-d H:i:s")
    content_type = tables.Column(verbose_name=_("Type"))  # the field has no translatable verbose_name
    object_repr = tables.Column(linkify=lambda record: _object_url(record))
    changes = tables.Column(orderable=False)

    class Meta(BaseTable.Meta):
        model = ObjectChange
        fields = ["time", "actor", "action", "content_type", "object_repr", "request_id", "changes"]

    def render_changes(self, value):
        return ", ".join(value)


def _object_url(record):
    model = record.content_type.model_class()
    if model is None or not hasattr(model, "url_name"):
        return None
    return model(pk=record.object_id).get_absolute_url() or None
