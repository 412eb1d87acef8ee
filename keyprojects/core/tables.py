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

from . import display
from .figures import cached_count


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


class CountedPaginator(Paginator):
    """A plain paginator whose count is cached until a table it reads changes (core/figures.py)."""

    @cached_property
    def count(self):
        return cached_count(self.object_list) if isinstance(self.object_list, QuerySet) else super().count


class CountedOncePaginator(Paginator):
    """Counts a queryset's rows once per change of the tables it reads (core/figures.py)."""

    @cached_property
    def count(self):
        queryset = getattr(getattr(self.object_list, "data", None), "data", None)  # BoundRows → TableData
        return cached_count(queryset) if isinstance(queryset, QuerySet) else super().count


MAX_PER_PAGE = 500


class BaseTable(tables.Table):
    """Bootstrap styling; subclasses link their identifying column with `linkify=True`."""

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle kp-cards-sm"}
        per_page = 50
        empty_text = _("No records match.")

    def paginate(self, paginator_class=CountedOncePaginator, *args, **kwargs):
        # RequestConfig passes ?per_page= and ?page= as sent: a negative or huge one answers 400
        # naming the range (core/errors.py), not a 500 from the paginator.
        from .errors import whole_number

        if "per_page" in kwargs:
            kwargs["per_page"] = whole_number(kwargs, "per_page", maximum=MAX_PER_PAGE, default=self._meta.per_page)
        if "page" in kwargs and str(kwargs["page"]) != "last":
            kwargs["page"] = whole_number(kwargs, "page", maximum=10**9, default=1)
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


RIGHT = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}


@library.register  # every table's money fields (core.display.is_money), unless a table says otherwise
class MoneyColumn(tables.Column):
    """Money (万元 in the database) as grouped figures in one unit, right-aligned: "1,300,000.00"
    in 万元, or with `unit=display.YI` "130.00". The heading names the unit (a money field's
    verbose name does: "total investment (10k yuan)"; a column in 亿元 says so in its own)."""

    def __init__(self, unit=display.WAN, **kwargs):
        kwargs.setdefault("attrs", RIGHT)
        super().__init__(**kwargs)
        self.unit = unit

    @classmethod
    def from_field(cls, field, **kwargs):
        return cls(**kwargs) if display.is_money(field) else None

    def render(self, value):
        return display.amount(value, self.unit)


class PercentColumn(tables.Column):
    """A rate in percentage points, "48.2%", with a small bar."""

    def __init__(self, bar=True, **kwargs):
        kwargs.setdefault("attrs", RIGHT)
        super().__init__(**kwargs)
        self.bar = bar

    def render(self, value):
        if not self.bar:
            return display.percent(value)
        from .templatetags.kp import percent_bar

        return percent_bar(value)


class CountColumn(tables.Column):
    """A count with thousands separators, right-aligned."""

    def __init__(self, **kwargs):
        kwargs.setdefault("attrs", RIGHT)
        super().__init__(**kwargs)

    def render(self, value):
        return display.count(value)
