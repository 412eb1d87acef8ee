"""The problem ledger's scheduled job (core/schedule.py), registered by ProblemsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from keyprojects.core.schedule import scheduled


@scheduled(
    "problems.supervise",
    daily="07:00",
    title=_("Mark overdue problems, escalate them, tell departments"),
    counts={
        "overdue": _("Problems newly overdue"),
        "escalated": _("Problems escalated"),
        "told": _("Department digests sent"),
        "decisions": _("Meeting decisions overdue"),
    },
)
def supervise(run):
    """督办 each morning: overdue marking and escalation are set-based and idempotent, and each
    department's digest goes once a day, so a second run sends nothing twice."""
    from .services import escalate_overdue, mark_overdue, mark_overdue_decisions, send_digests

    return {
        "overdue": mark_overdue(run.day),
        "escalated": escalate_overdue(run.day),
        "told": send_digests(run.day),
        "decisions": mark_overdue_decisions(run.day),
    }
