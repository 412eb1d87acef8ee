from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from keyprojects.core import display

register = template.Library()


@register.simple_tag
def figure_cell(figure, url):
    """An indicator's rate linking to the entries it counts, then its numerator and denominator
    in entries and unique projects. A tag rather than an included template, and one format_html:
    the table by region has a cell for every region and indicator (1,300 at province scale)."""
    rate = figure.rate
    sums = ""
    if figure.indicator.is_sum:
        sums = f"{display.amount(figure.numerator_sum)} / {display.money(figure.denominator_sum)} · "
    counted = _("%(n)s/%(d)s entries") % {"n": figure.numerator_entries, "d": figure.denominator_entries}
    projects = _("%(n)s/%(d)s projects") % {"n": figure.numerator_projects, "d": figure.denominator_projects}
    details = f"{sums}{counted} · {projects}"
    if rate is None:
        return format_html('<span class="text-muted">—</span>\n<div class="small text-muted">{}</div>', details)
    return format_html(
        '<a href="{}" data-testid="rate-{}">{}</a>\n<div class="small text-muted">{}</div>',
        url,
        figure.indicator.key,
        display.percent(rate),
        details,
    )


@register.simple_tag
def figure_cells(cells):
    """A row's cells in one tag: a template tag per cell costs more than the cell itself."""
    return format_html_join("", "<td>{}</td>", ((figure_cell(figure, url),) for figure, url in cells))
