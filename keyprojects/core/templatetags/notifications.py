"""The navbar's unread badge: `{% load notifications %}{% unread_count as unread %}`."""

from django import template

from keyprojects.core.notifications import unread_count as count_unread

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_count(context):
    """One query on the unread index, asked once however often a page reads the result."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return 0
    cached = getattr(request, "_kp_unread", None)
    if cached is None:
        cached = request._kp_unread = count_unread(user)
    return cached
