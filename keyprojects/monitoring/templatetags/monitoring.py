"""A snapshot's figure and the finding choices, written in Python: the dispatch list shows 60
snapshots and 30 finding menus, and as an included template and a template loop they were
most of the page's rendering (bench/RESULTS.md, the dispatch list)."""

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def snapshot_figure(snapshot, label="", width=200):
    """The thumbnail linking to the full image, its time, and "frozen image, not live" when the
    stream repeats itself; a plain box when there is no snapshot."""
    if not snapshot:
        return format_html(
            '<div class="text-muted small border rounded p-3 text-center">{}: {}</div>',
            label,
            _("no snapshot"),
        )
    stale = snapshot.stale
    badge = format_html(' <span class="badge text-bg-warning">{}</span>', _("frozen image, not live")) if stale else ""
    return format_html(
        '<figure class="mb-0 snapshot{}"><a href="{}" target="_blank" rel="noopener"><img src="{}" alt="{}" '
        'width="{}" class="img-fluid rounded border" loading="lazy" data-testid="snapshot"></a>'
        '<figcaption class="small text-muted">{} {}{}</figcaption></figure>',
        " snapshot-stale" if stale else "",
        snapshot.image_url,
        snapshot.thumbnail_url,
        label,
        width,
        label,
        date_filter(localtime(snapshot.taken_at), "m-d H:i"),  # a template converts to local time; Python must
        badge,
    )


@register.simple_tag
def finding_options(findings, selected):
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, mark_safe(" selected") if value == selected else "", text) for value, text in findings),
    )
