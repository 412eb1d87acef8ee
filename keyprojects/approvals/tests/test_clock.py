"""The clock of a matter on working days: it runs from acceptance, pauses while the applicant
is asked for documents (待补正) and resumes, over weekends, the National Day holiday and the
调休 working Saturday; the daily job refreshes it set-based and hands overdue matters to the
problem ledger once."""

from datetime import date

import pytest

from keyprojects.approvals import services
from keyprojects.approvals.choices import ApprovalStatus as S
from keyprojects.approvals.models import ProjectApproval
from keyprojects.problems.models import Problem

from .factories import departments, matter, plan_for, signed_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(users, department):
    departments(department)
    return plan_for(signed_project(users), users["city_admin"])


def accepted(plan, code, by, applied, on):
    approval = services.apply_for(matter(plan, code), by=by, on=applied)
    return services.accept(approval, by=by, on=on)


def test_clock_runs_from_acceptance_for_the_statutory_working_days(plan, users):
    traffic = accepted(plan, "traffic", users["department"], date(2026, 11, 2), date(2026, 11, 2))
    assert traffic.status == S.ACCEPTED and traffic.statutory_days == 15
    assert traffic.due == date(2026, 11, 23)  # 15 working days after Monday 2 November


def test_pause_over_a_weekend_moves_the_due_date_by_the_paused_working_days(plan, users):
    by = users["city_admin"]
    traffic = accepted(plan, "traffic", by, date(2026, 11, 2), date(2026, 11, 2))
    traffic = services.review(traffic, by=by, on=date(2026, 11, 3))
    traffic = services.ask_supplement(traffic, by=by, on=date(2026, 11, 6), note="补充交通组织方案")  # a Friday
    assert traffic.status == S.AWAITING_APPLICANT and traffic.due is None
    assert traffic.remaining_days == 11  # 4 of 15 used (Tue–Fri), frozen while paused
    traffic = services.resume(traffic, by=by, on=date(2026, 11, 9))  # Monday: the weekend costs nothing
    assert traffic.paused_days == 1 and traffic.due == date(2026, 11, 24)
    assert services.elapsed_days(traffic, date(2026, 11, 9)) == 4
    assert traffic.events.filter(previous_status=S.AWAITING_APPLICANT, status=S.IN_REVIEW).exists()


def test_pause_over_national_day_and_the_adjusted_saturday(plan, users):
    """Accepted Monday 21 September 2026; asked for documents on Wednesday 23rd; back on
    Thursday 8 October, after 中秋 (25–27 Sept) and 国庆 (1–7 Oct): 5 working days paused. The
    adjusted working Saturday 10 October counts as a working day of the clock."""
    by = users["city_admin"]
    eia = accepted(plan, "traffic", by, date(2026, 9, 18), date(2026, 9, 21))
    eia = services.ask_supplement(eia, by=by, on=date(2026, 9, 23), note="补充监测数据")
    assert eia.remaining_days == 13
    eia = services.resume(eia, by=by, on=date(2026, 10, 8))
    assert eia.paused_days == 5
    assert eia.due == date(2026, 10, 26)  # 20 working days after 21 Sept; without Saturday 10 Oct, the 27th
    services.refresh_clocks(date(2026, 10, 8))
    eia.refresh_from_db()
    assert eia.remaining_days == 13  # as many as when it paused: the holiday cost the department nothing


def test_adjusted_working_saturday_can_be_a_due_date(plan, users):
    by = users["city_admin"]
    permit = accepted(plan, "building_permit", by, date(2026, 10, 8), date(2026, 10, 8))
    assert permit.due == date(2026, 10, 12)  # Fri 9, Sat 10 (调休), Mon 12
    permit.statutory_days = 2
    permit.save()
    assert services.clock_due(permit) == date(2026, 10, 10)


def test_daily_job_marks_overdue_and_raises_one_problem_for_the_department(plan, users):
    by = users["city_admin"]
    traffic = accepted(plan, "traffic", by, date(2026, 11, 2), date(2026, 11, 2))
    assert services.refresh_clocks(date(2026, 11, 26)) == 1
    traffic.refresh_from_db()
    assert traffic.remaining_days == -3 and traffic.overdue
    assert services.raise_overdue(date(2026, 11, 26)) == 1
    problem = Problem.objects.get(project=plan.project)
    assert problem.category == "approvals" and problem.lead_department == traffic.department
    assert problem.status == "assigned" and "交通影响评价" in problem.title
    assert services.raise_overdue(date(2026, 11, 27)) == 0  # idempotent: the same matter and due date
    assert Problem.objects.filter(project=plan.project).count() == 1
    assert traffic.events.filter(type="overdue").count() == 1


def test_clock_job_is_one_update_per_distinct_due_date(plan, users, django_assert_max_num_queries):
    by = users["city_admin"]
    for code in ("traffic", "water", "eia", "civil_defence"):
        accepted(plan, code, by, date(2026, 11, 2), date(2026, 11, 2))
    with django_assert_max_num_queries(5):  # calendar version, clocks without a due date, due dates, one UPDATE
        assert services.refresh_clocks(date(2026, 11, 10)) == 4
    assert ProjectApproval.objects.filter(remaining_days__isnull=False, status=S.ACCEPTED).count() == 4
