"""The demo problem ledger: about 200 enterprise problems in eight months plus project problems,
a realistic mix, most closed on time, a few overdue and escalated, coherent dates, written once."""

import pytest
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from keyprojects.enterprises.demo import seed_enterprises
from keyprojects.orgs.demo import seed_orgs
from keyprojects.problems.choices import OPEN, ActionType, Level, Status
from keyprojects.problems.demo import seed_problems
from keyprojects.problems.models import Problem, ProblemAction
from keyprojects.projects.demo import seed_projects


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        seed_orgs()
        seed_enterprises()
        seed_projects()
        counts = seed_problems()
        yield counts
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_demo_ledger_looks_like_a_citys(seeded):
    today = timezone.localdate()
    problems = Problem.objects.all()
    enterprise = problems.filter(project__isnull=True).count()
    assert 180 <= enterprise <= 205 and problems.filter(project__isnull=False).count() >= 70
    categories = dict(problems.values_list("category").annotate(n=Count("pk")))
    assert len(categories) >= 10 and max(categories, key=categories.get) == "land"
    closed = problems.filter(status=Status.CLOSED)
    assert closed.count() > problems.count() * 0.6
    assert closed.filter(on_time=True).count() > closed.count() * 0.75
    overdue = problems.filter(status__in=OPEN, overdue_days__gt=0)
    assert 3 <= overdue.count() <= problems.count() * 0.15
    assert problems.filter(escalation__gte=Level.MEETING).exists()
    for problem in problems:
        assert problem.raised_on < today and problem.assign_due >= problem.raised_on
        assert problem.closed_on is None or problem.raised_on <= problem.closed_on <= today
    first = ProblemAction.objects.filter(type=ActionType.RAISED).order_by("time").first()
    assert first.time.date() < today  # timelines dated as things happened
    from keyprojects.problems.models import Meeting

    assert Meeting.objects.filter(status="held").count() == 34 and Meeting.objects.get(status="planned").items.exists()


@pytest.mark.django_db
def test_the_demo_is_written_once(seeded):
    before = Problem.objects.count()
    assert seed_problems() == {} and Problem.objects.count() == before
