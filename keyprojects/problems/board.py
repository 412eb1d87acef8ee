"""动态清零: the figures of the problem ledger per department, office or region, and by week.
One aggregate query per table whatever the number of problems, one over the raisers' answers
(satisfaction), plus one read of the closed problems' working days for the medians (no database
computes a median portably). Every figure
is over the problems the user may see (restrict)."""

import datetime
from decimal import Decimal
from statistics import median

from django.db.models import Count, F, Q
from django.db.models.functions import TruncWeek

from keyprojects.core.access import Action

from .choices import OPEN, ActionType, Status
from .models import Problem, ProblemAction

GROUPS = {  # ?by= -> (the problem's field, the name path)
    "department": ("lead_department", "lead_department__name"),
    "office": ("office", "office__name"),
    "region": ("region", "region__name"),
}
LATE = Q(status__in=OPEN, overdue_days__gt=0)
CLOSED = Q(status=Status.CLOSED)


def _rate(part, whole):
    return None if not whole else (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def figures() -> dict:
    """The counts one row of the board shows, as aggregate expressions."""
    return {
        "raised": Count("pk"),
        "open": Count("pk", filter=Q(status__in=OPEN)),
        "overdue": Count("pk", filter=LATE),
        "closed": Count("pk", filter=CLOSED),
        "on_time": Count("pk", filter=CLOSED & Q(on_time=True)),
    }


def _median(days):
    if not days:
        return None
    found = median(days)
    return int(found) if found == int(found) else round(found, 1)


def _finish(row, days, answers=(0, 0)):
    row["on_time_rate"] = _rate(row["on_time"], row["closed"])
    row["satisfied"], row["rated"] = answers
    row["satisfaction"] = _rate(*answers)
    row["median_days"] = _median(days)
    row["zero"] = row["overdue"] == 0  # 动态清零: nothing open past its deadline
    return row


def problems_for(user):
    return Problem.objects.restrict(user, Action.VIEW).filter(archived_at__isnull=True)


def _answers(problems, field) -> dict:
    """Satisfaction counts every answer a raiser gave (满意 or 不满意, a problem sent back and
    confirmed later counts both), not the last one only: group -> (satisfied, answers)."""
    rows = (
        ProblemAction.objects.filter(problem__in=problems, type__in=[ActionType.SATISFIED, ActionType.NOT_SATISFIED])
        .values(group=F(f"problem__{field}"))
        .annotate(satisfied=Count("pk", filter=Q(type=ActionType.SATISFIED)), answers=Count("pk"))
    )
    return {row["group"]: (row["satisfied"], row["answers"]) for row in rows}


def board(user, by="department") -> dict:
    """Rows per group (the most overdue first) and the whole scope's totals."""
    field, name = GROUPS.get(by, GROUPS["department"])
    problems = problems_for(user)
    rows = list(
        problems.filter(**{f"{field}__isnull": False})
        .values(group=F(field), name=F(name))
        .annotate(**figures())
        .order_by("-overdue", "-open", "name")
    )
    days = {}
    for group, spent in problems.filter(CLOSED, working_days__isnull=False).values_list(field, "working_days"):
        days.setdefault(group, []).append(spent)
    total = problems.aggregate(**figures())
    all_days = [d for values in days.values() for d in values]
    answers = _answers(problems, field)
    everyone = tuple(sum(pair[i] for pair in answers.values()) for i in (0, 1))
    return {
        "rows": [_finish(row, days.get(row["group"], []), answers.get(row["group"], (0, 0))) for row in rows],
        "total": _finish(total, all_days, everyone),
        "by": by if by in GROUPS else "department",
    }


def trend(user, weeks=26, today=None) -> list[dict]:
    """By week (Monday): problems raised, closed and closed on time; two aggregate queries."""
    today = today or datetime.date.today()
    start = today - datetime.timedelta(days=today.weekday(), weeks=weeks - 1)
    problems = problems_for(user)
    raised = dict(
        problems.filter(raised_on__gte=start)
        .annotate(week=TruncWeek("raised_on"))
        .values_list("week")
        .annotate(n=Count("pk"))
        .values_list("week", "n")
    )
    closed = {
        week: (n, on_time)
        for week, n, on_time in problems.filter(CLOSED, closed_on__gte=start)
        .annotate(week=TruncWeek("closed_on"))
        .values_list("week")
        .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(on_time=True)))
        .values_list("week", "n", "on_time")
    }
    rows = []
    for i in range(weeks):
        week = start + datetime.timedelta(weeks=i)
        n, on_time = closed.get(week, (0, 0))
        rows.append({"week": week, "raised": raised.get(week, 0), "closed": n, "on_time_rate": _rate(on_time, n)})
    return rows


def scorecard_source(data):
    """服务保障 in the provincial scorecard: the share of closed problems solved on time, over the
    scorecard's user and region; nothing closed: no data (never a zero)."""
    problems = problems_for(data.user) if data.user is not None else Problem.objects.none()
    if data.region is not None:
        problems = problems.filter(region__path__startswith=data.region.path)
    found = problems.aggregate(closed=Count("pk", filter=CLOSED), on_time=Count("pk", filter=CLOSED & Q(on_time=True)))
    from django.utils.translation import gettext_lazy as _

    inputs = {_("problems closed"): found["closed"], _("problems closed on time"): found["on_time"]}
    return _rate(found["on_time"], found["closed"]), inputs, None
