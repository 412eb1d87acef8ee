import inspect
from weakref import WeakKeyDictionary

import django_tables2 as tables
import django_tables2.utils
from django.core.paginator import Paginator
from django.db import models
from django.db.models import QuerySet
from django.utils.dateformat import format as format_date
from django.utils.functional import cached_property
from django.utils.timezone import template_localtime
from django.utils.translation import gettext_lazy as _
from django_tables2.columns.base import library

from .figures import cached_count
from .models import ObjectChange


def _signature_once(signature):
    """django-tables2 asks inspect.signature() of a column's render method for every cell it
    renders, to see which arguments the method takes: half of a 50-row project list's table
    (78 → 44 ms at province scale, bench/RESULTS.md). A function's signature does not change,
    so it is asked once per function, bound or not; other callables are asked each time."""
    known = {True: WeakKeyDictionary(), False: WeakKeyDictionary()}

    def once(fn):
        bound = inspect.ismethod(fn)
        function = fn.__func__ if bound else fn
        if not inspect.isfunction(function):
            return signature(fn)
        try:
            return known[bound][function]
        except KeyError:
            known[bound][function] = answer = signature(fn)
            return answer

    return once


django_tables2.utils.signature = _signature_once(django_tables2.utils.signature)


class CountedOncePaginator(Paginator):
    """Counts a queryset's rows once per change of the tables it reads (core/figures.py)."""

    @cached_property
    def count(self):
        queryset = getattr(getattr(self.object_list, "data", None), "data", None)  # BoundRows → TableData
        return cached_count(queryset) if isinstance(queryset, QuerySet) else super().count


class BaseTable(tables.Table):
    """Bootstrap styling; subclasses link their identifying column with `linkify=True`."""

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        per_page = 50
        empty_text = _("No records match.")

    def paginate(self, paginator_class=CountedOncePaginator, *args, **kwargs):
        return super().paginate(paginator_class, *args, **kwargs)


@library.register  # every table's date and time fields, unless a table says otherwise
class DateColumn(tables.Column):
    """A date or time in a fixed format. Not django-tables2's DateColumn, a TemplateColumn that
    compiles its template again for every cell: a quarter of a 50-row list's cell rendering."""

    def __init__(self, format="Y-m-d", **kwargs):
        super().__init__(**kwargs)
        self.format = format

    @classmethod
    def from_field(cls, field, **kwargs):
        if isinstance(field, models.DateTimeField):
            return cls(format="Y-m-d H:i", **kwargs)
        if isinstance(field, models.DateField):
            return cls(**kwargs)
        return None

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
