"""The daily 督办 job: overdue marking and escalation set-based and idempotent, the departments'
digest once a day."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyprojects.core.notifications import Notification
from keyprojects.problems import services
from keyprojects.problems.choices import ActionType, Level
from keyprojects.problems.models import Problem
from keyprojects.problems.tasks import supervise

from .factories import assigned, project_of, raise_one

pytestmark = pytest.mark.django_db
TODAY = date(2026, 10, 26)  # a Monday


class Run:
    day = TODAY


def test_overdue_problems_are_marked_and_escalated_by_working_days_late(users, department):
    project = project_of(users)
    late = assigned(raise_one(users["enterprise"], project=project), users["office"], department)
    late = services.start_problem(late, by=users["department"], note="办理中")  # due 2026-10-15
    fresh = raise_one(users["enterprise"], project=project, title="新问题", raised_on=date(2026, 10, 23))
    Problem.objects.update(overdue_days=0)  # as raised, before any run
    counts = supervise(Run())
    late.refresh_from_db()
    fresh.refresh_from_db()
    assert late.overdue_days == 7  # 16, 19, 20, 21, 22, 23, 26
    assert late.escalation == Level.MEETING  # ≥ 5 working days: on the weekly meeting's agenda
    assert fresh.overdue_days == 0 and fresh.escalation == Level.NONE  # due 10-26 itself: not late yet
    assert counts["overdue"] == 1 and counts["escalated"] == 1
    assert late.actions.filter(type=ActionType.OVERDUE).get().data == {"days": 7, "due": "2026-10-15"}
    assert late.actions.get(type=ActionType.ESCALATED).data == {"level": 3, "auto": True}
    told = Notification.objects.filter(kind="problems.escalated_today")
    assert set(told.values_list("recipient__username", flat=True)) == {"leader", "office"}
    assert told.get(recipient=users["leader"]).params == {"count": 1, "level": 3}
    supervise(Run())
    assert told.count() == 2  # a second run sends nothing


def test_the_job_run_twice_sends_and_writes_nothing_twice(users, department):
    project = project_of(users)
    for n in range(3):
        problem = assigned(
            raise_one(users["enterprise"], project=project, title=f"问题{n}"), users["office"], department
        )
    Problem.objects.update(overdue_days=0)
    first = supervise(Run())
    assert first["told"] == 1  # the department's one member, one digest
    lines, notes = ProblemActionCount(), Notification.objects.count()
    second = supervise(Run())
    assert second == {"overdue": 0, "escalated": 0, "told": 0, "decisions": 0}
    assert ProblemActionCount() == lines and Notification.objects.count() == notes
    digest = Notification.objects.get(kind="problems.digest", recipient=users["department"])
    assert digest.params["overdue"] == 3
    assert problem.pk


def ProblemActionCount():
    from keyprojects.problems.models import ProblemAction

    return ProblemAction.objects.count()


def test_the_job_costs_the_same_queries_for_3_or_30_problems(users, department):
    project = project_of(users)

    def queries(n):
        for i in range(n):
            raise_one(users["enterprise"], project=project, title=f"批量{n}-{i}")
        Problem.objects.update(overdue_days=0, escalation=0)
        with CaptureQueriesContext(connection) as captured:
            services.mark_overdue(TODAY)
            services.escalate_overdue(TODAY)
        return len(captured)

    assert queries(3) == queries(30)
