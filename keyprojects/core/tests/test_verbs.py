"""Verbs and their rights (STYLE habits 8 and 9).

- Every declared verb has a row in the role × verb matrix, checked through the API and the page
  alike; a verb declared without a row fails `test_every_declared_verb_has_a_matrix_row`.
- Read-only roles (leader, auditor, dispatcher) change nothing through any route: every API
  route and every page that takes a POST is called as each of them with a plausible body, and
  the database is compared row by row before and after.
- docs/access.md carries the table generated from the code.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from keyprojects.approvals.tests.factories import MATRIX_BODIES as APPROVAL_BODIES
from keyprojects.approvals.tests.factories import matrix_world as approval_world
from keyprojects.attraction.tests.factories import MATRIX_BODIES, matrix_world
from keyprojects.campaigns import services as campaign_services
from keyprojects.campaigns.choices import Batch
from keyprojects.campaigns.tests.factories import listed, make_phase, project_at
from keyprojects.core.management.commands.access_table import DOC, declared_verbs, render_document
from keyprojects.core.models import ChangeAction
from keyprojects.core.testing.cases import ROLES
from keyprojects.enterprises.models import Enterprise
from keyprojects.policies.choices import GrantStatus
from keyprojects.policies.tests.factories import grants_at_every_step, make_policy
from keyprojects.projects import services
from keyprojects.projects.choices import Stage
from keyprojects.projects.models import ProgressReport
from keyprojects.projects.tests.factories import make_project

pytestmark = pytest.mark.django_db

ALLOWED, SEEN, UNSEEN = 200, 403, 404
# Per verb, the API answer for each role of ROLES (city_admin, county_a, county_b, department,
# office, leader, service_officer, dispatcher, enterprise, auditor, anonymous): 200 it works,
# 403 the role sees the record but may not, 404 the record is outside its scope.
VERB_MATRIX = {
    ("projects.Project", "advance"): [200, 200, 404, 403, 403, 403, 403, 403, 403, 403, 401],
    ("projects.Project", "request_stage"): [403, 403, 404, 403, 403, 403, 200, 403, 200, 403, 401],
    ("projects.Project", "publish"): [200, 200, 404, 403, 403, 403, 403, 403, 403, 403, 401],
    ("projects.Project", "withdraw"): [200, 200, 404, 403, 403, 403, 403, 403, 403, 403, 401],
    ("projects.ProgressReport", "submit"): [200, 200, 404, 403, 403, 403, 200, 403, 200, 403, 401],
    ("projects.ProgressReport", "accept"): [200, 200, 404, 403, 403, 403, 403, 403, 403, 403, 401],
    ("projects.ProgressReport", "return"): [200, 200, 404, 403, 403, 403, 403, 403, 403, 403, 401],
    ("projects.Project", "freeze_baseline"): [200, 200, 404, 403, 403, 403, 403, 403, 403, 403, 401],
    ("projects.Project", "replan"): [200, 200, 404, 403, 403, 403, 200, 403, 200, 403, 401],
    ("projects.Baseline", "approve"): [200, 200, 404, 403, 403, 403, 403, 403, 403, 403, 401],
    ("projects.Baseline", "reject"): [200, 200, 404, 403, 403, 403, 403, 403, 403, 403, 401],
    ("projects.StageRequest", "confirm"): [200, 200, 404, 403, 403, 403, 403, 403, 403, 403, 401],
    ("projects.StageRequest", "reject"): [200, 200, 404, 403, 403, 403, 403, 403, 403, 403, 401],
    ("campaigns.Phase", "candidates"): [200, 200, 200, 403, 403, 403, 403, 403, 403, 403, 401],
    ("campaigns.Phase", "lock"): [200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 401],
    ("campaigns.Phase", "held"): [200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 401],
    # A problem of the world's project (land: 大项目统筹办, the office column). The department sees
    # it once it is assigned to it; 400: the role may, but only the raiser (the enterprise) does.
    ("problems.Problem", "accept"): [200, 200, 404, 404, 200, 403, 403, 403, 403, 403, 401],
    ("problems.Problem", "assign"): [200, 200, 404, 404, 200, 403, 403, 403, 403, 403, 401],
    ("problems.Problem", "return"): [200, 200, 404, 404, 200, 403, 403, 403, 403, 403, 401],
    ("problems.Problem", "resubmit"): [400, 400, 404, 404, 400, 403, 400, 403, 200, 403, 401],
    ("problems.Problem", "start"): [200, 200, 404, 200, 200, 403, 403, 403, 403, 403, 401],
    ("problems.Problem", "propose"): [200, 200, 404, 200, 200, 403, 403, 403, 403, 403, 401],
    ("problems.Problem", "confirm"): [400, 400, 404, 403, 400, 403, 400, 403, 200, 403, 401],
    ("problems.Problem", "close"): [200, 403, 404, 403, 200, 403, 403, 403, 403, 403, 401],
    ("problems.Problem", "escalate"): [200, 200, 404, 403, 200, 403, 403, 403, 403, 403, 401],
    ("problems.Problem", "deadline"): [200, 200, 404, 403, 200, 403, 403, 403, 403, 403, 401],
    ("problems.Problem", "unresolvable"): [200, 200, 404, 200, 200, 403, 403, 403, 403, 403, 401],
    ("problems.Problem", "approve"): [200, 403, 404, 403, 403, 200, 403, 403, 403, 403, 401],
    ("problems.Problem", "transfer"): [200, 403, 404, 403, 200, 403, 403, 403, 403, 403, 401],
    ("problems.Problem", "reopen"): [200, 403, 404, 403, 200, 403, 403, 403, 403, 403, 401],
    ("problems.Problem", "instruct"): [200, 403, 404, 403, 403, 200, 403, 403, 403, 403, 401],
    ("problems.Problem", "comment"): [200, 200, 404, 200, 200, 403, 200, 403, 200, 403, 401],
    # Meetings are city-wide (everyone reads them); 大项目统筹办 and the city keep them.
    ("problems.Meeting", "agenda"): [200, 403, 403, 403, 200, 403, 403, 403, 403, 403, 401],
    ("problems.Meeting", "decide"): [200, 403, 403, 403, 200, 403, 403, 403, 403, 403, 401],
    ("problems.Meeting", "hold"): [200, 403, 403, 403, 200, 403, 403, 403, 403, 403, 401],
    # A decision owned by the world's department about the world's project.
    ("problems.Decision", "report"): [200, 403, 404, 200, 200, 403, 404, 403, 404, 403, 401],
    ("problems.Decision", "close"): [200, 403, 404, 403, 200, 403, 404, 403, 404, 403, 401],
    ("problems.Decision", "send_back"): [200, 403, 404, 403, 200, 403, 404, 403, 404, 403, 401],
    **{
        (label, verb): [200, 200, 404, 404, 404, 404, 404, 404, 404, 403, 401]
        for label, verbs in {
            "attraction.Lead": ("contact", "visit", "negotiate", "evaluate", "sign", "hand_over", "drop"),
            "attraction.Trip": ("approve", "reject", "record_visit", "conclude"),
        }.items()
        for verb in verbs
    },
    # policies are public documents; the city and the policy's department run and revise them
    ("policies.Policy", "run"): [200, 403, 403, 200, 403, 403, 403, 403, 403, 403, 401],
    ("policies.Policy", "import_rules"): [200, 403, 403, 200, 403, 403, 403, 403, 403, 403, 401],
    ("policies.PolicyItem", "revise"): [200, 403, 403, 200, 403, 403, 403, 403, 403, 403, 401],
    ("policies.PolicyItem", "top_up"): [200, 403, 403, 200, 403, 403, 403, 403, 403, 403, 401],
    # grants: the policy's department reviews, pushes and pays; the enterprise confirms its own
    ("policies.Grant", "review"): [200, 403, 404, 200, 404, 404, 404, 403, 403, 403, 401],
    ("policies.Grant", "push"): [200, 403, 404, 200, 404, 404, 404, 403, 403, 403, 401],
    ("policies.Grant", "confirm"): [403, 403, 404, 403, 404, 404, 404, 403, 200, 403, 401],
    ("policies.Grant", "fulfil"): [200, 403, 404, 200, 404, 404, 404, 403, 403, 403, 401],
    ("policies.Grant", "close"): [200, 403, 404, 200, 404, 404, 404, 403, 403, 403, 401],
    # a matter of the world's project handled by the world's department: the department and the
    # county work it; the applicant (enterprise, service officer) applies, the enterprise withdraws;
    # 大项目统筹办 and the read-only roles see it and do nothing
    **{
        ("approvals.ProjectApproval", verb): [200, 200, 404, 200, 403, 403, 403, 403, 403, 403, 401]
        for verb in ("accept", "review", "ask_supplement", "resume", "supplied", "approve", "refuse")
    },
    ("approvals.ProjectApproval", "apply"): [200, 200, 404, 200, 403, 403, 200, 403, 200, 403, 401],
    ("approvals.ProjectApproval", "withdraw"): [200, 200, 404, 200, 403, 403, 403, 403, 200, 403, 401],
    # video dispatch: the county tests its camera (400: nothing listens at the world camera's
    # address, and the answer says so); the dispatcher raises a problem from a finding
    ("monitoring.Camera", "test"): [400, 400, 404, 403, 403, 403, 403, 403, 404, 403, 401],
    ("monitoring.Inspection", "raise"): [200, 403, 404, 403, 403, 403, 403, 200, 403, 403, 401],
}
# A body each verb accepts on the world below (the same for every role, so that only the role
# decides the answer).
BODIES = {
    "advance": {"to": "signed", "on": "2024-03-01"},
    "request_stage": {"to": "signed", "on": "2024-03-01"},
    "return": {"reason": "投资额与形象进度不符", "note": "请补充用地红线图"},
    "reject": {"reason": "缺少签约合同"},
    "confirm": {"note": "已核实", "satisfied": "yes"},
    "assign": {"problem_class": "simple"},  # and the world's department as lead_department
    "resubmit": {"note": "已补充"},
    "start": {"note": "已对接"},
    "propose": {"resolution": "已解决"},
    "escalate": {"note": "多次催办无果"},
    "deadline": {"due": "2026-12-31", "note": "涉及省级审批"},
    "unresolvable": {"note": "涉及基本农田"},
    # a problem's, a trip's and an approval matter's (its 文号)
    "approve": {"verdict": "approve", "decision": "同意", "note": "同意", "document_number": "漯审〔2026〕1号"},
    "transfer": {"note": "推诿扯皮"},
    "reopen": {"note": "问题反弹"},
    "instruct": {"instruction": "请本周内解决"},
    "comment": {"note": "补充说明"},
    "decide": {"text": "限期解决", "deadline": "2026-12-31"},  # and the world's department as owner
    "hold": {"minutes": "会议听取了汇报"},
    "report": {"report": "已落实"},
    "send_back": {"note": "请附批复"},
    **{verb: body for verb, body in MATRIX_BODIES.items() if verb != "approve"},  # attraction's
    "review": {"decision": "grant"},
    **APPROVAL_BODIES,
    "revise": {"condition_text": "营业收入 2亿元以上", "formula_text": "20万元"},
    "top_up": {"amount": "1000"},
    "replan": {"reason": "land", "note": "征地报批延后两个月", "planned_production_date": "2027-06-01"},
    "import_rules": {"text": "[Z9] 测试奖励\n条件: 营业收入 1亿元以上\n金额: 1万元\n"},
    "test": {},
    "raise": {"category": "other", "title": "现场停工"},
}
# Verbs whose body carries a file: sent as multipart, the body built anew for each call.
MULTIPART = {verb for verb, body in BODIES.items() if callable(body)}


def body_of(verb):
    body = BODIES.get(verb, {})
    return body() if callable(body) else body


READ_ONLY = ["leader", "auditor", "dispatcher"]
# What a leader does write: a decision on an unresolvable problem and an instruction (批示). The
# walk of read-only roles leaves those two bodies out, so that every other route stays proved.
LEADER_WRITES = ("approve", "instruct")
# What a dispatcher does write: findings (巡查记录) and the problems they raise. The walk leaves
# the raise body out and skips the finding routes for the dispatcher, proving every other route.
DISPATCHER_WRITES = ("raise",)
DISPATCHER_ROUTES = ("/monitoring/inspections/", "/monitoring/dispatch/record/", "/api/monitoring/inspections/")


@pytest.fixture
def world(users, department, regions):
    """One 郾城区 project reached by every role: its county, its department, its leader and
    officer, its owner enterprise's user; a draft and a submitted report; a pending stage
    request; a phase in planning and a locked one whose date has passed."""
    owner = Enterprise.objects.create(
        name="矩阵企业有限公司", credit_code="91411100MA9XXXXX1K", region=regions["郾城区"]
    )
    owner.users.add(users["enterprise"])
    project = make_project(
        name="矩阵项目",
        department=department.pk,
        leader=users["leader"].pk,
        service_officer=users["service_officer"].pk,
        owner=owner.pk,
        by=users["county_a"],
    )
    services.advance_stage(project, to=Stage.NEGOTIATING, on=date(2024, 1, 10), by=users["county_a"])
    started = make_project(
        name="在建项目",
        owner=owner.pk,
        department=department.pk,
        leader=users["leader"].pk,
        service_officer=users["service_officer"].pk,
        by=users["county_a"],
    )
    services.advance_stage(started, to=Stage.SIGNED, on=date(2024, 1, 5), by=users["county_a"])
    from keyprojects.projects.tests.factories import photo

    services.advance_stage(started, to=Stage.STARTED, on=date(2024, 2, 1), by=users["county_a"], evidence=photo())
    draft = services.save_report(
        ProgressReport(project=started, month=date(2024, 3, 1), investment=Decimal(10), physical_progress="基础"),
        by=users["enterprise"],
    )
    submitted = services.save_report(
        ProgressReport(project=started, month=date(2024, 2, 1), investment=Decimal(20), physical_progress="土方"),
        by=users["enterprise"],
    )
    services.submit_report(submitted, by=users["enterprise"])
    request = services.request_stage(
        started, by=users["enterprise"], to=Stage.PRODUCING, on=date(2024, 6, 1), note="试生产"
    )
    planning = make_phase(20, timezone.localdate() + timedelta(days=30))
    locked = make_phase(19, timezone.localdate() - timedelta(days=1))
    listed(planning, project_at("待锁定项目", signed=date(2024, 4, 1)), Batch.SIGN)
    listed(locked, project_at("已锁定项目", signed=date(2024, 4, 2)), Batch.SIGN)
    campaign_services.lock_phase(locked, by=users["city_admin"])
    problems = problem_world(users, department, project)
    owner.bank_account = "6222 0000 0000 0001"
    owner.save()
    policy = make_policy(department, regions["漯河市"])
    grants = grants_at_every_step(policy, owner, users["city_admin"])
    from keyprojects.projects.baselines import propose_replan

    replan = propose_replan(
        started, by=users["enterprise"], reason="funding", note="银行贷款推迟", planned_production_date=date(2026, 6, 1)
    )
    return {
        **problems,
        ("policies.Policy", "run"): policy,
        ("policies.Policy", "import_rules"): policy,
        ("policies.PolicyItem", "revise"): grants[GrantStatus.MATCHED].item,
        ("policies.PolicyItem", "top_up"): grants[GrantStatus.MATCHED].item,
        ("policies.Grant", "review"): grants[GrantStatus.MATCHED],
        ("policies.Grant", "push"): grants[GrantStatus.REVIEWED],
        ("policies.Grant", "confirm"): grants[GrantStatus.PUSHED],
        ("policies.Grant", "fulfil"): grants[GrantStatus.CONFIRMED],
        ("policies.Grant", "close"): grants[GrantStatus.FULFILLED],
        ("projects.Project", "advance"): project,
        ("projects.Project", "request_stage"): project,
        ("projects.Project", "publish"): project,
        ("projects.Project", "withdraw"): project,
        ("projects.ProgressReport", "submit"): draft,
        ("projects.ProgressReport", "accept"): submitted,
        ("projects.ProgressReport", "return"): submitted,
        ("projects.Project", "freeze_baseline"): project,
        ("projects.Project", "replan"): project,
        ("projects.Baseline", "approve"): replan,
        ("projects.Baseline", "reject"): replan,
        ("projects.StageRequest", "confirm"): request,
        ("projects.StageRequest", "reject"): request,
        ("campaigns.Phase", "candidates"): planning,
        ("campaigns.Phase", "lock"): planning,
        ("campaigns.Phase", "held"): locked,
        **matrix_world(users),
        **approval_world(users, department, project),
        **monitoring_world(users, project),
    }


def monitoring_world(users, project):
    """A camera on the world's project (at an address nothing listens on) and a finding."""
    from keyprojects.monitoring import services as monitoring_services
    from keyprojects.monitoring.models import Camera, Inspection

    camera = monitoring_services.save_camera(
        Camera(project=project, name="矩阵摄像头", url="http://127.0.0.1:9/snap.jpg"), by=users["county_a"]
    )
    finding = monitoring_services.record_inspection(
        Inspection(project=project, finding="stopped", note="现场无人"), by=users["dispatcher"]
    )
    return {("monitoring.Camera", "test"): camera, ("monitoring.Inspection", "raise"): finding}


def problem_world(users, department, project):
    """A problem of the world's project in each state a problem verb starts from."""
    from keyprojects.problems import services as problem_services
    from keyprojects.problems.models import Meeting, Problem

    BODIES["assign"]["lead_department"] = BODIES["decide"]["owner_department"] = department.pk
    by, office, dept = users["enterprise"], users["office"], users["department"]

    def raised(title):
        problem = Problem(
            title=title, description="矩阵问题", category="land", project=project, raised_on=date(2026, 6, 1)
        )
        return problem_services.raise_problem(problem, by=by)

    def working(title):
        return problem_services.assign_problem(
            raised(title), by=office, problem_class="simple", lead_department=department
        )

    def proposed(title):
        return problem_services.propose_resolution(working(title), by=dept, resolution="已解决")

    submitted = raised("待受理问题")
    returned = problem_services.return_problem(raised("退回问题"), by=office, note="请补充")
    assigned = working("已交办问题")
    confirmed = problem_services.confirm_resolution(proposed("待销号问题"), by=by, satisfied=True)
    closed = problem_services.close_problem(
        problem_services.confirm_resolution(proposed("已销号问题"), by=by, satisfied=True), by=office
    )
    pending = problem_services.declare_unresolvable(working("无法解决问题"), by=dept, note="涉及基本农田")
    states = {
        "accept": submitted,
        "assign": submitted,
        "return": submitted,
        "resubmit": returned,
        "start": assigned,
        "propose": assigned,
        "confirm": proposed("待确认问题"),
        "close": confirmed,
        "escalate": assigned,
        "deadline": assigned,
        "unresolvable": assigned,
        "approve": pending,
        "transfer": assigned,
        "reopen": closed,
        "instruct": assigned,
        "comment": assigned,
    }
    found = {("problems.Problem", verb): problem for verb, problem in states.items()}
    meeting = problem_services.create_meeting(Meeting(date=date(2026, 10, 26)), by=office)

    def decided(text):
        problem_services.add_decision(
            meeting, by=office, text=text, owner_department=department, deadline=date(2026, 12, 1), projects=[project]
        )
        return meeting.decisions.get(text=text)

    done = problem_services.report_decision(decided("已办结事项"), by=dept, report="已落实")
    return {
        **found,
        **{("problems.Meeting", verb): meeting for verb in ("agenda", "decide", "hold")},
        ("problems.Decision", "report"): decided("办理中事项"),
        ("problems.Decision", "close"): done,
        ("problems.Decision", "send_back"): done,
    }


def api_path(obj):
    prefixes = {
        "problems.Problem": "/api/problems/problems/",
        "problems.Meeting": "/api/problems/meetings/",
        "problems.Decision": "/api/problems/decisions/",
        "projects.Project": "/api/projects/projects/",
        "projects.ProgressReport": "/api/projects/reports/",
        "projects.StageRequest": "/api/projects/stage-requests/",
        "projects.Baseline": "/api/projects/baselines/",
        "campaigns.Phase": "/api/campaigns/phases/",
        "attraction.Lead": "/api/attraction/leads/",
        "attraction.Trip": "/api/attraction/trips/",
        "policies.Policy": "/api/policies/policies/",
        "policies.PolicyItem": "/api/policies/items/",
        "policies.Grant": "/api/policies/grants/",
        "approvals.ProjectApproval": "/api/approvals/items/",
        "monitoring.Camera": "/api/monitoring/cameras/",
        "monitoring.Inspection": "/api/monitoring/inspections/",
    }
    return f"{prefixes[obj._meta.label]}{obj.pk}/"


def rolled_back(call):
    """The answer of one call, with whatever it wrote undone: each cell starts from the world."""
    with transaction.atomic():
        answer = call()
        transaction.set_rollback(True)
    return answer


def test_every_declared_verb_has_a_matrix_row():
    declared = {(model._meta.label, verb.name) for model, verbs in declared_verbs().items() for verb in verbs}
    assert declared == set(VERB_MATRIX), "add each new verb to VERB_MATRIX (and its body to BODIES)"


def test_verb_matrix_through_the_api(world, api_for):
    wrong = []
    for (label, verb), expected in VERB_MATRIX.items():
        obj = world[label, verb]
        for role, want in zip(ROLES, expected, strict=True):
            url = f"{api_path(obj)}{verb}/"
            got = rolled_back(
                lambda url=url, role=role, verb=verb: api_for(role).post(
                    url, body_of(verb), format="multipart" if verb in MULTIPART else "json"
                )
            )
            if got.status_code != want:
                wrong.append(f"{verb} × {role}: expected {want}, got {got.status_code} {getattr(got, 'data', '')}")
    assert not wrong, "\n".join(wrong)


def test_verb_matrix_through_the_pages(world, client_for):
    """The same rights on the pages: done (a redirect), 403 with a way back, 404, or sign in."""
    page_answer = {200: 302, 400: 400, 403: 403, 404: 404, 401: 302}
    wrong = []
    for (label, verb), expected in VERB_MATRIX.items():
        obj = world[label, verb]
        url = f"{obj.get_absolute_url()}{verb}/"
        for role, want in zip(ROLES, expected, strict=True):
            got = rolled_back(lambda url=url, role=role, verb=verb: client_for(role).post(url, body_of(verb)))
            if got.status_code != page_answer[want]:
                wrong.append(f"{verb} × {role}: expected {page_answer[want]}, got {got.status_code}")
            if got.status_code == 302 and role != "anonymous" and "/login/" in got.url:
                wrong.append(f"{verb} × {role}: sent to sign in")
    assert not wrong, "\n".join(wrong)


def test_leader_cannot_accept_a_report_through_the_api(world, api_for):
    """The hole this closes: a read-only leader posting {"accept": true} made a report accepted."""
    report = world["projects.ProgressReport", "accept"]
    for route in ("accept", "review"):
        response = api_for("leader").post(
            f"/api/projects/reports/{report.pk}/{route}/", {"accept": True}, format="json"
        )
        assert response.status_code in (403, 404)
    english = api_for("leader").post(
        f"/api/projects/reports/{report.pk}/accept/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.status_code == 403 and "may not" in english.json()["detail"]
    chinese = api_for("leader").post(f"/api/projects/reports/{report.pk}/accept/", {}, format="json")
    assert "不能" in chinese.json()["detail"] or "无权" in chinese.json()["detail"]
    report.refresh_from_db()
    assert report.status == "submitted"


def test_forbidden_verb_page_is_styled_with_a_way_back(world, client_for):
    project = world["projects.Project", "advance"]
    response = client_for("leader").get(
        f"/projects/projects/{project.pk}/advance/", HTTP_REFERER="http://testserver/x/"
    )
    body = response.content.decode()
    assert response.status_code == 403 and 'data-testid="forbidden"' in body and 'href="http://testserver/x/"' in body


def test_buttons_show_only_the_verbs_a_role_may_use(world, client_for):
    project = world["projects.Project", "advance"]
    county = client_for("county_a").get(project.get_absolute_url()).content.decode()
    enterprise = client_for("enterprise").get(project.get_absolute_url()).content.decode()
    leader = client_for("leader").get(project.get_absolute_url()).content.decode()
    assert 'data-testid="advance"' in county and 'data-testid="request_stage"' not in county
    assert 'data-testid="request_stage"' in enterprise and 'data-testid="advance"' not in enterprise
    assert 'data-testid="file-report"' in enterprise
    assert not any(f'data-testid="{v}"' in leader for v in ("advance", "request_stage", "publish", "file-report"))


def test_an_undeclared_api_action_is_refused_never_read(world, api_for):
    from keyprojects.projects.api.views import ProgressReportViewSet

    assert ProgressReportViewSet(action="nonexistent", request=None).verb("nonexistent") is None
    response = api_for("city_admin").post("/api/projects/reports/1/review/", {"accept": True}, format="json")
    assert response.status_code == 404  # no such route: the old review action is gone


# --- read-only roles change nothing -----------------------------------------------------------

# A user's own rows (jobs, saved views, API tokens, sessions, their inbox: a leader marks the
# problems' notifications read) and sign-in bookkeeping.
PERSONAL = {
    "core.Notification",
    "core.Job",
    "core.SavedView",
    "authtoken.Token",
    "authtoken.TokenProxy",
    "sessions.Session",
    "core.ChainHead",
}
SIGNING_IN = (ChangeAction.LOGIN, ChangeAction.LOGIN_FAILED, ChangeAction.LOGOUT, ChangeAction.TOKEN)


def fingerprint():
    """Every row of every table a user's data lives in (the world is small); the audit trail's
    sign-ins and API tokens (the walk signs each role in) and the chain's head are not data."""
    rows = {}
    for model in apps.get_models():
        label = model._meta.label
        if label in PERSONAL or label.startswith(("axes.", "admin.", "contenttypes.", "django_tasks")):
            continue
        queryset = model._base_manager.order_by("pk")
        if label == "core.ObjectChange":
            queryset = queryset.exclude(action__in=SIGNING_IN)
        rows[label] = [{k: v for k, v in row.items() if k != "last_login"} for row in queryset.values()]
    return rows


def write_routes(world):
    """(method, path) for every route that could write: each API route with the methods it
    allows, and each page URL, with every id filled from the world's rows of its model."""
    ids = {obj._meta.label: obj.pk for obj in world.values()}
    ids.setdefault("projects.Project", world["projects.Project", "advance"].pk)
    routes = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                routes.append(prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns)
    result = []
    for route in routes:
        if route.startswith(("admin/", "i18n/", "login/", "logout/", "oidc/", "password/", "s/<", "api/auth/")):
            continue  # sign-in and the Django admin are not data routes
        if "<" in route and "<int:pk>" not in route and "<pk>" not in route and "(?P<pk>" not in route:
            continue
        path = "/" + route.replace("^", "").replace("$", "")
        path = (
            path.replace("\\.(?P<format>[a-z0-9]+)/?", "").replace("(?P<pk>[^/.]+)", "<pk>").replace("<int:pk>", "<pk>")
        )
        if "(?P<" in path or "<slug" in path or "<str" in path:
            continue
        if "<pk>" in path:
            for pk in set(ids.values()):
                result.append(path.replace("<pk>", str(pk)))
        else:
            result.append(path)
    return sorted(set(result))


def test_read_only_roles_change_nothing_through_any_route(world, client_for, api_for):
    writes = LEADER_WRITES + DISPATCHER_WRITES
    bodies = [b for verb, b in BODIES.items() if verb not in writes and not callable(b)]
    body = {**{k: v for b in bodies for k, v in b.items()}, "accept": True, "name": "改名", "pick": []}
    before = fingerprint()
    routes = write_routes(world)
    assert len(routes) > 100  # the walk reached the API and the pages
    for role in READ_ONLY:
        client, api = client_for(role), api_for(role)
        for path in routes:
            if role == "dispatcher" and path.startswith(DISPATCHER_ROUTES):
                continue
            if path.startswith("/api/"):
                for method in ("post", "put", "patch", "delete"):
                    answer = getattr(api, method)(path, body, format="json")
                    assert answer.status_code != 500, f"{method} {path} as {role}"
            else:
                answer = client.post(path, body)
                assert answer.status_code != 500, f"post {path} as {role}"
    after = fingerprint()
    changed = {
        label: [row for row in after[label] if row not in before[label]][:3]
        for label in before
        if before[label] != after[label]
    }
    assert not changed, f"read-only roles changed {changed}"


def test_access_doc_matches_the_code():
    current = DOC.read_text(encoding="utf-8")
    assert current == render_document(current), "run `python manage.py access_table` and commit docs/access.md"
