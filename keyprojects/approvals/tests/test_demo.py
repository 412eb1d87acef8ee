"""The demo green channel: plans for the demo's signed and started projects, a realistic mix of
modes, a few overdue matters raised as problems, a 待补正 pause, an expired zone assessment."""

import pytest
from django.db import transaction
from django.db.models import Count

from keyprojects.approvals.choices import ApprovalMode, ApprovalStatus
from keyprojects.approvals.demo import seed_approvals
from keyprojects.approvals.models import ApprovalPlan, ProjectApproval, ZoneAssessment
from keyprojects.enterprises.demo import seed_enterprises
from keyprojects.orgs.demo import seed_orgs
from keyprojects.problems.models import Problem
from keyprojects.projects.demo import seed_projects


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        seed_orgs()
        seed_enterprises()
        seed_projects()
        seed_approvals()
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_demo_plans_look_like_a_citys(seeded):
    assert ApprovalPlan.objects.count() >= 12
    modes = dict(ProjectApproval.objects.exclude(status="not_started").values_list("mode").annotate(n=Count("pk")))
    assert {ApprovalMode.REGULAR, ApprovalMode.COMMITMENT, ApprovalMode.TOLERANCE} <= set(modes)
    statuses = set(ProjectApproval.objects.values_list("status", flat=True))
    assert {ApprovalStatus.APPROVED, ApprovalStatus.AWAITING_APPLICANT, ApprovalStatus.ACCEPTED} <= statuses
    overdue = ProjectApproval.objects.filter(remaining_days__lt=0, status__in=["accepted", "in_review"])
    assert 1 <= overdue.count() <= ProjectApproval.objects.count() * 0.1
    assert Problem.objects.filter(intake_key__startswith="approval-overdue-").count() == overdue.count()
    assert ZoneAssessment.objects.filter(valid_until__lt="2026-12-01").count() == 1
    assert ProjectApproval.objects.filter(department__isnull=True).count() == 0
    seed_approvals()  # a second run writes nothing new
    assert ApprovalPlan.objects.count() == ApprovalPlan.objects.values("project").distinct().count()
