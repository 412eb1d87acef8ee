"""Every transition of a problem and every refusal, through the services the pages and the API call."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from keyprojects.core.notifications import Notification
from keyprojects.problems import services
from keyprojects.problems.choices import ActionType, Level, Status
from keyprojects.problems.models import DeadlineRule, Problem

from .factories import RAISED, assigned, county_department, enterprise_of, office, project_of, raise_one

pytestmark = pytest.mark.django_db


def told(user, kind):
    return Notification.objects.filter(recipient=user, kind=f"problems.{kind}").count()


def test_enterprise_raises_for_its_project_and_the_office_and_county_are_told(users, department):
    project = project_of(users)
    problem = raise_one(users["enterprise"], project=project)
    assert problem.enterprise == project.owner and problem.region == project.region
    assert problem.office == office("coordination")  # land problems go to 大项目统筹办
    assert problem.status == Status.SUBMITTED and problem.raised_by == users["enterprise"]
    assert told(users["office"], "submitted") == 1 and told(users["county_a"], "submitted") == 1
    assert told(users["county_b"], "submitted") == 0
    assert list(problem.actions.values_list("type", flat=True)) == [ActionType.RAISED]


def test_deadlines_skip_national_day_and_count_the_adjusted_saturday(users, department):
    problem = raise_one(users["enterprise"], project=project_of(users))
    assert problem.assign_due == date(2026, 10, 8)  # 1 working day: 10-01…10-07 are the holiday
    assert problem.progress_due == date(2026, 10, 10)  # 3: Thursday 8, Friday 9, Saturday 10 (调休上班)
    assert problem.resolve_due == date(2026, 10, 15)  # simple, 7
    complex_ = assigned(problem, users["office"], department, problem_class="complex")
    assert complex_.resolve_due == date(2026, 11, 17)  # 30 working days
    assert complex_.due == complex_.progress_due  # judged by first progress until it starts


def test_a_category_rule_overrides_the_default(users, department):
    DeadlineRule.objects.create(
        category="power", problem_class="simple", assign_days=1, progress_days=2, resolve_days=5
    )
    problem = raise_one(users["enterprise"], project=project_of(users), category="power")
    assert problem.resolve_due == date(2026, 10, 13)  # 5 working days: 8, 9, 10, 12, 13
    assert problem.office == office("construction")  # power goes to 大建设调度办


def test_the_whole_loop_to_closing(users, department):
    enterprise, office_user, dept = users["enterprise"], users["office"], users["department"]
    problem = raise_one(enterprise, project=project_of(users))
    problem = services.accept_problem(problem, by=office_user)
    problem = assigned(problem, office_user, department, co_departments=[county_department()])
    assert problem.status == Status.ASSIGNED and told(dept, "assigned") == 1
    problem = services.start_problem(problem, by=dept, note="已对接自然资源局，正在组卷报批")
    assert told(enterprise, "progress") == 1
    problem = services.propose_resolution(problem, by=dept, resolution="用地指标已下达")
    assert problem.status == Status.PROPOSED and problem.due is None and told(enterprise, "proposed") == 1
    problem = services.confirm_resolution(problem, by=enterprise, satisfied=True)
    assert problem.status == Status.CONFIRMED and told(office_user, "satisfied") == 1
    problem = services.close_problem(problem, by=office_user)
    assert problem.status == Status.CLOSED and problem.closed_on and problem.satisfied
    assert problem.on_time is False  # proposed today, long after 2026-10-15
    assert problem.working_days > 40
    assert told(enterprise, "closed") == 1 and told(dept, "closed") == 1
    types = list(problem.actions.order_by("time", "pk").values_list("type", flat=True))
    assert types == ["raised", "accepted", "assigned", "started", "proposed", "satisfied", "closed"]
    assert mail.outbox == [] or all(m.to for m in mail.outbox)


def test_not_satisfied_sends_it_back_to_the_department(users, department):
    problem = assigned(raise_one(users["enterprise"], project=project_of(users)), users["office"], department)
    problem = services.propose_resolution(problem, by=users["department"], resolution="已协调")
    with pytest.raises(ValidationError, match="why"):
        services.confirm_resolution(problem, by=users["enterprise"], satisfied=False, note="")
    problem = services.confirm_resolution(problem, by=users["enterprise"], satisfied=False, note="指标仍未下达")
    assert problem.status == Status.IN_PROGRESS and problem.due == problem.resolve_due
    assert told(users["department"], "not_satisfied") == 1


def test_closing_without_the_raisers_confirmation_is_refused(users, department):
    problem = assigned(raise_one(users["enterprise"], project=project_of(users)), users["office"], department)
    problem = services.propose_resolution(problem, by=users["department"], resolution="已协调")
    with pytest.raises(ValidationError, match="not confirmed"):
        services.close_problem(problem, by=users["office"])
    assert Problem.objects.get(pk=problem.pk).status == Status.PROPOSED


def test_confirming_someone_elses_problem_is_refused(users, department):
    problem = assigned(raise_one(users["enterprise"], project=project_of(users)), users["office"], department)
    problem = services.propose_resolution(problem, by=users["department"], resolution="已协调")
    with pytest.raises(ValidationError, match="Only whoever raised"):
        services.confirm_resolution(problem, by=users["county_a"], satisfied=True)
    assert Problem.objects.get(pk=problem.pk).status == Status.PROPOSED


def test_a_deadline_before_the_raise_date_is_refused(users, department):
    problem = raise_one(users["enterprise"], project=project_of(users))
    with pytest.raises(ValidationError, match="before the day the problem was raised"):
        assigned(problem, users["office"], department, resolve_due=date(2026, 9, 1))
    problem = services.start_problem(
        assigned(problem, users["office"], department), by=users["department"], note="办理中"
    )
    with pytest.raises(ValidationError, match="before the day the problem was raised"):
        services.change_deadline(problem, by=users["office"], due=date(2026, 9, 29), note="顺延")
    moved = services.change_deadline(problem, by=users["office"], due=date(2027, 1, 29), note="涉及省级审批")
    assert moved.resolve_due == date(2027, 1, 29) and moved.overdue_days == 0
    line = moved.actions.get(type=ActionType.DEADLINE)
    assert line.note == "涉及省级审批" and line.data == {"old": "2026-10-15", "new": "2027-01-29"}


def test_a_county_assigns_only_within_the_problems_region_the_office_anywhere(users, department):
    problem = raise_one(users["enterprise"], project=project_of(users))
    other = county_department("舞阳县", "舞阳县自然资源局")
    with pytest.raises(ValidationError, match="outside the problem's region"):
        assigned(problem, users["county_a"], other)
    assert Problem.objects.get(pk=problem.pk).status == Status.SUBMITTED
    assert assigned(problem, users["county_a"], department).lead_department == department  # the city's, above
    again = raise_one(users["enterprise"], project=project_of(users), title="另一个问题")
    assert assigned(again, users["office"], other).lead_department == other


def test_a_closed_problem_is_not_edited_until_reopened(users, department):
    problem = raise_one(users["enterprise"], project=project_of(users))
    problem = assigned(problem, users["office"], department)
    problem = services.propose_resolution(problem, by=users["department"], resolution="已解决")
    problem = services.confirm_resolution(problem, by=users["enterprise"], satisfied=True)
    problem = services.close_problem(problem, by=users["office"])
    problem.title = "改了"
    with pytest.raises(ValidationError, match="closed"):
        services.edit_problem(problem, by=users["office"])
    with pytest.raises(ValidationError, match="closed"):
        services.comment(problem, by=users["office"], note="补充")
    problem = services.reopen_problem(Problem.objects.get(pk=problem.pk), by=users["office"], note="问题反弹")
    assert problem.status == Status.IN_PROGRESS and problem.closed_on is None and problem.satisfied is None


def test_return_for_information_and_resubmit(users, department):
    problem = raise_one(users["enterprise"], project=project_of(users))
    with pytest.raises(ValidationError):
        services.return_problem(problem, by=users["office"], note=" ")
    problem = services.return_problem(problem, by=users["office"], note="请补充用地红线图")
    assert problem.status == Status.RETURNED and problem.due is None and told(users["enterprise"], "returned") == 1
    with pytest.raises(ValidationError, match="Only whoever raised"):
        services.resubmit_problem(problem, by=users["county_a"], note="已补充")
    problem = services.resubmit_problem(problem, by=users["enterprise"], note="已补充红线图")
    assert problem.status == Status.SUBMITTED and problem.assign_due > RAISED


def test_escalation_by_hand_goes_up_only(users, department):
    project = project_of(users)
    problem = assigned(raise_one(users["enterprise"], project=project), users["office"], department)
    problem = services.escalate_problem(problem, by=users["office"], note="多次催办无果")
    assert problem.escalation == Level.DEPARTMENT_HEAD
    problem = services.escalate_problem(problem, by=users["office"], note="提交周例会", level=Level.MEETING)
    assert problem.escalation == Level.MEETING and told(users["leader"], "escalated") == 1
    with pytest.raises(ValidationError, match="above the current"):
        services.escalate_problem(problem, by=users["office"], note="再次", level=Level.LEADER)


def test_unresolvable_needs_the_leaders_approval_to_leave_the_count(users, department):
    problem = assigned(raise_one(users["enterprise"], project=project_of(users)), users["office"], department)
    problem = services.declare_unresolvable(problem, by=users["department"], note="涉及基本农田，无法调整")
    assert problem.status == Status.UNRESOLVABLE_PENDING and problem.is_open
    assert told(users["leader"], "unresolvable") == 1
    rejected = services.decide_unresolvable(problem, by=users["leader"], approve=False, note="继续协调")
    assert rejected.status == Status.IN_PROGRESS
    problem = services.declare_unresolvable(rejected, by=users["department"], note="确无法解决")
    approved = services.decide_unresolvable(problem, by=users["leader"], approve=True, note="同意")
    assert approved.status == Status.UNRESOLVABLE and not approved.is_open


def test_transfer_to_discipline_inspection_is_recorded_once(users, department):
    problem = assigned(raise_one(users["enterprise"], project=project_of(users)), users["office"], department)
    problem = services.transfer_problem(problem, by=users["office"], note="推诿扯皮")
    assert problem.transferred_on and problem.is_open
    with pytest.raises(ValidationError, match="already transferred"):
        services.transfer_problem(problem, by=users["office"], note="再次")


def test_a_leaders_instruction_notifies_the_departments(users, department):
    problem = assigned(raise_one(users["enterprise"], project=project_of(users)), users["office"], department)
    services.instruct(problem, by=users["leader"], instruction="请自然资源局本周内解决")
    assert told(users["department"], "instruction") == 1
    assert problem.actions.filter(type=ActionType.INSTRUCTION, note="请自然资源局本周内解决").exists()


def test_a_verb_in_the_wrong_state_says_so(users, department):
    problem = raise_one(users["enterprise"], project=project_of(users))
    with pytest.raises(ValidationError, match="Not possible while"):
        services.propose_resolution(problem, by=users["department"], resolution="x")


def test_a_service_officer_raises_for_an_enterprise_and_follows_it(users, department):
    enterprise = enterprise_of(users)
    problem = raise_one(users["service_officer"], enterprise=enterprise, source="visit", category="labour")
    assert problem.region == enterprise.region and problem.office == office("supervision")
    assert Problem.objects.restrict(users["service_officer"]).filter(pk=problem.pk).exists()


def test_the_raise_date_is_not_edited(users, department):
    problem = raise_one(users["enterprise"], project=project_of(users))
    problem.raised_on = date(2026, 9, 1)
    with pytest.raises(ValidationError, match="stays as raised"):
        services.edit_problem(problem, by=users["office"])
