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

from keyprojects.campaigns import services as campaign_services
from keyprojects.campaigns.choices import Batch
from keyprojects.campaigns.tests.factories import listed, make_phase, project_at
from keyprojects.core.management.commands.access_table import DOC, declared_verbs, render_document
from keyprojects.core.testing.cases import ROLES
from keyprojects.enterprises.models import Enterprise
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
    ("projects.StageRequest", "confirm"): [200, 200, 404, 403, 403, 403, 403, 403, 403, 403, 401],
    ("projects.StageRequest", "reject"): [200, 200, 404, 403, 403, 403, 403, 403, 403, 403, 401],
    ("campaigns.Phase", "candidates"): [200, 200, 200, 403, 403, 403, 403, 403, 403, 403, 401],
    ("campaigns.Phase", "lock"): [200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 401],
    ("campaigns.Phase", "held"): [200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 401],
}
# A body each verb accepts on the world below (the same for every role, so that only the role
# decides the answer).
BODIES = {
    "advance": {"to": "signed", "on": "2024-03-01"},
    "request_stage": {"to": "signed", "on": "2024-03-01"},
    "return": {"reason": "投资额与形象进度不符"},
    "reject": {"reason": "缺少签约合同"},
    "confirm": {"note": "已核实"},
}
READ_ONLY = ["leader", "auditor", "dispatcher"]


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
    return {
        ("projects.Project", "advance"): project,
        ("projects.Project", "request_stage"): project,
        ("projects.Project", "publish"): project,
        ("projects.Project", "withdraw"): project,
        ("projects.ProgressReport", "submit"): draft,
        ("projects.ProgressReport", "accept"): submitted,
        ("projects.ProgressReport", "return"): submitted,
        ("projects.StageRequest", "confirm"): request,
        ("projects.StageRequest", "reject"): request,
        ("campaigns.Phase", "candidates"): planning,
        ("campaigns.Phase", "lock"): planning,
        ("campaigns.Phase", "held"): locked,
    }


def api_path(obj):
    prefixes = {
        "projects.Project": "/api/projects/projects/",
        "projects.ProgressReport": "/api/projects/reports/",
        "projects.StageRequest": "/api/projects/stage-requests/",
        "campaigns.Phase": "/api/campaigns/phases/",
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
                lambda url=url, role=role, verb=verb: api_for(role).post(url, BODIES.get(verb, {}), format="json")
            )
            if got.status_code != want:
                wrong.append(f"{verb} × {role}: expected {want}, got {got.status_code} {getattr(got, 'data', '')}")
    assert not wrong, "\n".join(wrong)


def test_verb_matrix_through_the_pages(world, client_for):
    """The same rights on the pages: done (a redirect), 403 with a way back, 404, or sign in."""
    page_answer = {200: 302, 403: 403, 404: 404, 401: 302}
    wrong = []
    for (label, verb), expected in VERB_MATRIX.items():
        obj = world[label, verb]
        url = f"{obj.get_absolute_url()}{verb}/"
        for role, want in zip(ROLES, expected, strict=True):
            got = rolled_back(lambda url=url, role=role, verb=verb: client_for(role).post(url, BODIES.get(verb, {})))
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

# A user's own rows (jobs, saved views, API tokens, sessions) and sign-in bookkeeping.
PERSONAL = {"core.Job", "core.SavedView", "authtoken.Token", "authtoken.TokenProxy", "sessions.Session"}
# A user's own sign-in state: sessions, the second factor, the audit chain's head that sign-ins move.
PERSONAL |= {"core.UserSession", "core.ChainHead", "core.Heartbeat"}
SIGN_IN_EVENTS = ("login", "login_fail", "logout", "token", "token_end")  # logged, but no data changed


def fingerprint():
    """Every row of every table a user's data lives in (the world is small)."""
    rows = {}
    for model in apps.get_models():
        label = model._meta.label
        if label in PERSONAL or label.startswith(("axes.", "admin.", "contenttypes.", "django_tasks", "otp_")):
            continue
        queryset = model._base_manager.order_by("pk")
        if label == "core.ObjectChange":
            queryset = queryset.exclude(action__in=SIGN_IN_EVENTS)
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
    body = {**{k: v for b in BODIES.values() for k, v in b.items()}, "accept": True, "name": "改名", "pick": []}
    before = fingerprint()
    routes = write_routes(world)
    assert len(routes) > 100  # the walk reached the API and the pages
    for role in READ_ONLY:
        client, api = client_for(role), api_for(role)
        for path in routes:
            if path.startswith("/api/"):
                for method in ("post", "put", "patch", "delete"):
                    answer = getattr(api, method)(path, body, format="json")
                    assert answer.status_code != 500, f"{method} {path} as {role}"
            else:
                answer = client.post(path, body)
                assert answer.status_code != 500, f"post {path} as {role}"
    after = fingerprint()
    changed = [label for label in before if before[label] != after[label]]
    assert not changed, f"read-only roles changed {changed}"


def test_access_doc_matches_the_code():
    current = DOC.read_text(encoding="utf-8")
    assert current == render_document(current), "run `python manage.py access_table` and commit docs/access.md"
