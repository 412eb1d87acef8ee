"""The green channel's daily job: clocks, 容缺 deadlines, overdue matters to the problem ledger."""

from django.utils.translation import gettext_lazy as _

from keyprojects.core.schedule import scheduled


@scheduled(
    "approvals.daily",
    daily="06:20",
    title=_("Approval clocks"),
    counts={
        "clocks": _("Running clocks refreshed"),
        "terminated": _("Matters terminated (supplement missed)"),
        "problems": _("Overdue matters raised as problems"),
    },
)
def daily(run):
    from . import services

    return {
        "terminated": services.terminate_missed(run.day),
        "clocks": services.refresh_clocks(run.day),
        "problems": services.raise_overdue(run.day),
    }
