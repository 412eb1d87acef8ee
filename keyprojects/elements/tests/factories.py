"""Builders for element tests and core's role matrix."""

from datetime import date

from keyprojects.elements import services
from keyprojects.elements.choices import WhitelistKind
from keyprojects.elements.models import Whitelist, WhitelistEntry

MATRIX_BODIES = {"revoke": {"reason": "项目停滞"}}


def matrix_world(users, project) -> dict:
    """The matrix project on a whitelist (an entry each verb can act on)."""
    whitelist = Whitelist.objects.create(
        name="矩阵白名单",
        kind=WhitelistKind.GUARANTEE,
        year=2026,
        valid_from=date(2026, 1, 1),
        valid_until=date(2026, 12, 31),
    )
    entry = services.add_entry(
        WhitelistEntry(whitelist=whitelist, project=project, reason="矩阵"), by=users["city_admin"]
    )
    return {("elements.WhitelistEntry", "revoke"): entry}
