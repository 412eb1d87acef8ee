"""The problem ledger's daily work (the scheduled job problems.supervise): working days overdue,
escalation and the departments' digest, set-based and idempotent."""

import datetime

from keyprojects.core.calendar import working_calendar

from .. import notifications as notes
from ..choices import ActionType, Level
from ..models import Problem, ProblemAction


def _open():
    from ..choices import OPEN

    return Problem.objects.filter(archived_at__isnull=True, status__in=OPEN)


def mark_overdue(today: datetime.date) -> int:
    """Working days overdue for every open problem, set-based: one UPDATE per 500 distinct
    deadlines (a CASE over the dates, counted once each on the calendar), never a query per
    problem. A problem past a deadline gets one "overdue" line on its timeline for that
    deadline; a second run finds the line and writes nothing."""
    from django.db.models import Case, CharField, Exists, IntegerField, OuterRef, Value, When
    from django.db.models.fields.json import KT
    from django.db.models.functions import Cast

    calendar = working_calendar()
    late = _open().filter(due__lt=today)
    # one line per problem and deadline: a deadline moved and missed again gets its own
    told = (
        ProblemAction.objects.annotate(due_text=KT("data__due"))
        .filter(problem=OuterRef("pk"), type=ActionType.OVERDUE)
        .filter(
            due_text=Cast(OuterRef("due"), CharField())  # the deadline as the line stored it, on SQLite and PostgreSQL
        )
    )
    # read with their titles (the change log names each line by them), before the UPDATE
    newly = list(late.filter(~Exists(told)).only("pk", "title", "due"))
    _open().filter(overdue_days__gt=0).exclude(due__lt=today).update(overdue_days=0)
    dates = sorted(set(late.values_list("due", flat=True)))
    late_by = {d: calendar.working_days_between(d, today) for d in dates}
    for start in range(0, len(dates), 500):
        chunk = dates[start : start + 500]
        days = Case(*[When(due=d, then=Value(late_by[d])) for d in chunk], output_field=IntegerField())
        late.filter(due__in=chunk).update(overdue_days=days)
    ProblemAction.objects.bulk_create(
        ProblemAction(
            problem=problem,
            type=ActionType.OVERDUE,
            data={"days": late_by[problem.due], "due": problem.due.isoformat()},
        )
        for problem in newly
    )
    return len(newly)


def escalation_thresholds() -> dict:
    from django.conf import settings

    from ..choices import ESCALATE_AFTER

    return {Level(k): v for k, v in getattr(settings, "KEYPROJECTS_ESCALATE_AFTER", ESCALATE_AFTER).items()}


def escalate_overdue(today: datetime.date) -> int:
    """督办 raised by itself: an open problem overdue by a level's working days goes to that
    level (the highest it has reached), one UPDATE per level; its timeline says so, and the
    level's people hear once per level and day how many (notifications.tell_escalated). A problem
    already at the level is left alone, so a second run changes and sends nothing."""
    count = 0
    for level, days in sorted(escalation_thresholds().items(), key=lambda item: -item[0]):
        below = _open().filter(overdue_days__gte=days, escalation__lt=level)
        rising = list(below.only("pk", "title"))
        if not rising:
            continue
        below.update(escalation=level)  # the same rows, by the same filter (no list of ids to send)
        ProblemAction.objects.bulk_create(
            ProblemAction(problem=problem, type=ActionType.ESCALATED, data={"level": int(level), "auto": True})
            for problem in rising
        )
        notes.tell_escalated(rising, level)
        count += len(rising)
    return count


def send_digests(today: datetime.date) -> int:
    """Each department's staff hear once a day how many of its problems are due within three
    working days and how many are overdue (nothing when there is neither); a second run the same
    day sends nothing."""
    from django.db.models import Count, Q

    from keyprojects.core.access import Role
    from keyprojects.core.notifications import Notification, notify
    from keyprojects.orgs.models import Membership

    soon = working_calendar().add_working_days(today, 3)
    figures = (
        _open()
        .filter(lead_department__isnull=False)
        .values("lead_department")
        .annotate(
            due=Count("pk", filter=Q(due__gte=today, due__lte=soon)),
            overdue=Count("pk", filter=Q(overdue_days__gt=0)),
        )
        .filter(Q(due__gt=0) | Q(overdue__gt=0))
    )
    told = set(
        Notification.objects.filter(kind=notes.DIGEST.key, params__day=today.isoformat()).values_list(
            "recipient_id", flat=True
        )
    )
    staff = {}
    for membership in Membership.objects.filter(
        role=Role.DEPARTMENT_STAFF, active=True, user__is_active=True
    ).select_related("user"):
        staff.setdefault(membership.department_id, []).append(membership.user)
    sent = 0
    for row in figures:
        people = [u for u in staff.get(row["lead_department"], []) if u.pk not in told]
        params = {"day": today.isoformat(), "due": row["due"], "overdue": row["overdue"]}
        sent += len(notify(people, notes.DIGEST, params=params, url="/problems/queue/"))
    return sent
