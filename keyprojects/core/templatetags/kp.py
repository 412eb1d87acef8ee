from html import escape

from django import forms, template
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.template.base import render_value_in_context
from django.templatetags.l10n import localize, unlocalize
from django.urls import reverse
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from keyprojects.core import display

register = template.Library()


# --- numbers, money, rates and times: the rules are core/display.py's ------------------------


@register.filter
def money(value, unit=display.YI):
    """{{ v|money }} → "130.00 亿元"; {{ v|money:"wan" }} → "1,300,000.00 万元" (v in 万元)."""
    return display.money(value, unit)


@register.filter
def amount(value, unit=display.YI):
    """The figure alone, for a column or axis whose heading names the unit: "130.00"."""
    return display.amount(value, unit)


@register.filter
def percent(value):
    """A rate in percentage points: "48.2%"."""
    return display.percent(value)


@register.filter(name="count")
def count_filter(value):
    """A count with thousands separators: "12,345"."""
    return display.count(value)


@register.filter
def figure(value):
    """A figure whose column names the unit: "12,345", "6,837.05"."""
    return display.figure(value)


@register.filter
def day(value):
    return display.day(value)


@register.filter
def month(value):
    return display.month(value)


@register.filter
def when(value):
    return display.when(value)


@register.simple_tag
def unit(name=display.YI):
    """The unit's name in the reader's language: {% unit "wan" %} → 万元."""
    return display.unit_label(name)


@register.simple_tag
def percent_bar(value, label=""):
    """A rate as its figure and a small bar (the text carries it; the bar is decoration)."""
    number = display.to_decimal(value)
    if number is None:
        return display.NOTHING
    width = max(0, min(100, float(number)))
    return format_html(
        '<span class="kp-rate"{}><span class="kp-rate-bar" aria-hidden="true"><span style="width:{}%"></span></span>'
        '<span class="kp-rate-text">{}</span></span>',
        format_html(' title="{}"', label) if label else "",
        f"{width:.1f}",
        display.percent(number),
    )


@register.filter
def shown(value):
    """Any field value as a page shows it: a dash for nothing, yes/no, money grouped (its label
    names the unit), other decimals without trailing zeros, dates and times in the reader's way."""
    import datetime
    from decimal import Decimal

    if value is None or value == "":
        return display.NOTHING
    if value is True or value is False:
        return _("Yes") if value else _("No")
    if isinstance(value, Decimal):
        return display.grouped(value) if value.as_tuple().exponent == -2 else display.number(value)
    if isinstance(value, datetime.datetime):
        return display.when(value)
    if isinstance(value, datetime.date):
        return display.day(value)
    return value


@register.simple_tag
def format_script():
    """The chart formatter (core/static/core/format.js) with its words in the reader's language."""
    from django.templatetags.static import static
    from django.utils.html import json_script

    return format_html(
        '{}<script src="{}"></script>', json_script(display.chart_words(), "kp-format"), static("core/format.js")
    )


@register.filter
def is_checkbox(field):
    return isinstance(field.field.widget, forms.CheckboxInput)


class _QuickSelectMixin:
    """Renders a plain select in Python instead of one template include per option: the same
    HTML, but a filter form offering 540 departments and 200 regions takes a few milliseconds
    instead of about a hundred (bench/RESULTS.md). Grouped choices keep Django's rendering."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = _choices(self.choices)
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        final = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final["multiple"] = True
        wanted = set(self.format_value(value))
        options, chosen = [], False
        for option_value, label in choices:
            text = "" if option_value is None else str(option_value)
            selected = text in wanted and (self.allow_multiple_selected or not chosen)
            chosen = chosen or selected
            # Not format_html: its lazy-aware escaping was half of a 470-option select's time.
            mark = " selected" if selected else ""
            options.append(f'<option value="{escape(text)}"{mark}>{_escaped(label)}</option>')
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final), mark_safe("".join(options)))


def _escaped(label):
    return label.__html__() if hasattr(label, "__html__") else escape(str(label))


def _choices(choices):
    """A model field's choices in one plain query: ModelChoiceIterator would read them through a
    server-side cursor (queryset.iterator()), several round trips for a few hundred rows."""
    if not isinstance(choices, ModelChoiceIterator) or choices.queryset._prefetch_related_lookups:
        return [choice for choice in choices]  # not list(): its len() would count the rows first
    field = choices.field
    first = [("", field.empty_label)] if field.empty_label is not None else []
    if getattr(field, "null_label", None) is not None:  # django-filter's "none of them" choice
        first.append((field.null_value, field.null_label))
    return first + [choices.choice(obj) for obj in choices.queryset.all()]


class _QuickSelect(_QuickSelectMixin, forms.Select):
    pass


class _QuickSelectMultiple(_QuickSelectMixin, forms.SelectMultiple):
    pass


_QUICK = {forms.Select: _QuickSelect, forms.SelectMultiple: _QuickSelectMultiple}


def _as_widget(field, attrs):
    widget = field.field.widget
    quick = _QUICK.get(type(widget))  # exactly these: subclasses may have their own templates
    if quick is not None:
        widget = quick(attrs=widget.attrs, choices=widget.choices)
    return field.as_widget(widget=widget, attrs=attrs)


@register.filter
def invalid_if(field, errors):
    """Render a bound field with Bootstrap's invalid style when it has errors. The parts of a
    range (from, to) each get a name a screen reader says: one <label> names only the first."""
    widget = field.field.widget
    if isinstance(widget, forms.MultiWidget):
        parts = [_("from"), _("to")] if len(widget.widgets) == 2 else [str(n) for n in range(1, 9)]
        for sub, part in zip(widget.widgets, parts, strict=False):
            sub.attrs.setdefault("aria-label", f"{field.label} {part}")
    if errors:
        css = field.field.widget.attrs.get("class", "form-control")
        return _as_widget(field, {"class": f"{css} is-invalid"})
    if isinstance(field.field.widget, (forms.Select, forms.SelectMultiple)):
        return _as_widget(field, {"class": "form-select form-select-sm"})
    return _as_widget(field, {"class": field.field.widget.attrs.get("class", "form-control")})


@register.filter
def yesno_or_value(value):
    """Kept for templates written before `shown`, which it now is."""
    return shown(value)


@register.filter
def url_name(model, view):
    return model.url_name(view)


@register.simple_tag
def object_url(obj, view):
    return reverse(obj.url_name(view), args=[obj.pk])


@register.simple_tag
def query_with(querystring, **params):
    from django.http import QueryDict

    query = QueryDict(querystring, mutable=True)
    for key, value in params.items():
        query[key] = value
    return query.urlencode()


@register.filter
def field_label(change, name):
    """A change-log field name in the reader's language."""
    model = change.content_type.model_class()
    if model is None:
        return name
    for field in model._meta.concrete_fields:
        if field.attname == name:
            return field.verbose_name
    return name


@register.simple_tag
def field_value(change, name, value):
    """A logged value as the reader knows it: choice labels, yes/no, a dash for nothing."""
    if value is None or value == "":
        return "—"
    model = change.content_type.model_class()
    field = next((f for f in model._meta.concrete_fields if f.attname == name), None) if model else None
    if field is not None and field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value


@register.simple_tag(takes_context=True)
def active_filters(context, filterset):
    """(label, value, address of the list without it) for each filter the list is narrowed by: a
    list reached by a link (late reports, a dashboard figure) says what it shows."""
    form, query = filterset.form, context["request"].GET
    if not form.is_bound or not form.is_valid():
        return []
    active = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if name not in query or value in (None, "", [], ()):
            continue
        rest = query.copy()
        for key in (name, "page"):
            rest.pop(key, None)
        active.append((field.label, _filter_text(field, value), f"?{rest.urlencode()}"))
    return active


def _filter_text(field, value):
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, slice):  # a date range
        return f"{value.start or ''} – {value.stop or ''}"
    choices = None if isinstance(field, forms.ModelChoiceField) else getattr(field, "choices", None)
    if choices is None:  # (not a truth test: django-filter's callable choices have no len())
        return "、".join(map(str, value)) if isinstance(value, (list, tuple, QuerySet)) else str(value)
    labels = {str(key): label for key, label in choices}
    return "、".join(str(labels.get(str(v), v)) for v in (value if isinstance(value, (list, tuple)) else [value]))


@register.simple_tag(takes_context=True)
def table_row(context, row):
    """A django-tables2 row as its template renders it, written in Python, each column's cell
    attributes once per table unless they are computed per cell: a 50-row project list
    91–97 → 83–90 ms median at province scale (bench/RESULTS.md)."""
    written = row.table.__dict__.setdefault("_td_html", {})
    cells = []
    for column, cell in row.items():
        td = written.get(column.name)
        if td is None:
            # data-label: on a phone each row reads as a card, every value under its heading
            label = escape(strip_tags(str(column.header or "")))
            td = f'{column.attrs["td"].as_html()} data-label="{label}"'
            raw = {**row.table.attrs, **column.column.attrs}
            if not any(callable(v) for key in ("td", "cell") for v in raw.get(key, {}).values()):
                written[column.name] = td
        if column.localize is not None:
            cell = localize(cell) if column.localize else unlocalize(cell)
        cells.append(f"<td {td}>{render_value_in_context(cell, context)}</td>")
    return format_html("<tr {}>{}</tr>", row.attrs.as_html(), mark_safe("".join(cells)))


@register.simple_tag(takes_context=True)
def back_url(context):
    """Where "go back" leads: the page the user came from on this site, else home (no script)."""
    from django.urls import reverse
    from django.utils.http import url_has_allowed_host_and_scheme

    request = context.get("request")
    referer = request.META.get("HTTP_REFERER", "") if request else ""
    if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
        return referer
    return reverse("home")


@register.simple_tag
def history_lines(rows):
    """Events or change-log rows as lines of history in sentences (core/history.py)."""
    from keyprojects.core.history import lines_for

    return lines_for(rows)


@register.simple_tag
def page_numbers(page):
    """A page's neighbours and the ends, with … between (Paginator.get_elided_page_range)."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


@register.simple_tag
def picker_words():
    """The pickers' words (core/static/core/pickers.js) in the reader's language."""
    from django.utils.html import json_script

    words = {"all": _("All"), "type": _("Type to search…"), "none": _("Nothing matches.")}
    return json_script(words, "kp-pickers")
