from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def figure_cell(figure, url):
    """An indicator's rate linking to the entries it counts, then its numerator and denominator
    in entries and unique projects. A tag rather than an included template: the table by region
    has a cell for every region and indicator."""
    if figure.rate is None:
        rate = mark_safe('<span class="text-muted">—</span>')
    else:
        rate = format_html('<a href="{}" data-testid="rate-{}">{}%</a>', url, figure.indicator.key, figure.rate)
    sums = ""
    if figure.indicator.is_sum:
        sums = f"{floatformat(figure.numerator_sum, 2)} / {floatformat(figure.denominator_sum, 2)} · "
    counted = _("%(n)s/%(d)s entries") % {"n": figure.numerator_entries, "d": figure.denominator_entries}
    projects = _("%(n)s/%(d)s projects") % {"n": figure.numerator_projects, "d": figure.denominator_projects}
    return format_html('{}\n<div class="small text-muted">{}{} · {}</div>', rate, sums, counted, projects)
