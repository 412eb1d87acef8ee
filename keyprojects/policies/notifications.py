"""Notifications of 免申即享: the enterprise is told of a grant it need not apply for."""

from django.utils.translation import gettext_lazy as _

from keyprojects.core.notifications import register_kind

GRANT_PUSHED = register_kind(
    "policies.grant_pushed",
    label=_("Grant without application"),
    text=_("You qualify for “%(item)s”: %(amount)s, without applying. Confirm it in one click."),
)
