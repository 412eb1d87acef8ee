"""The ledger's pages and API as each role meets them: raising from the project page, the list
and its export, the detail with the verbs the user may use, the department's queue, scoping."""

import pytest

from keyprojects.core.testing.cases import ROLES, assert_matrix, read_xlsx
from keyprojects.problems import services
from keyprojects.problems.models import Problem
from keyprojects.projects.tests.factories import photo

from .factories import assigned, county_department, enterprise_of, project_of, raise_one

pytestmark = pytest.mark.django_db
LIST = "/problems/problems/"


def test_enterprise_raises_from_the_project_page(users, department, client_for):
    project = project_of(users)
    client = client_for("enterprise")
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'data-testid="raise-problem"' in page
    form = client.get(f"/problems/problems/add/?project={project.pk}&source=project")
    assert form.status_code == 200
    answer = client.post(
        "/problems/problems/add/",
        {
            "title": "施工用电未接入",
            "category": "power",
            "description": "项目厂房已封顶，施工用电仍未接入。",
            "project": project.pk,
            "source": "project",
            "raised_on": "2026-09-30",
            "evidence": photo(),
        },
    )
    problem = Problem.objects.get(title="施工用电未接入")
    assert answer.status_code == 302 and answer.url == problem.get_absolute_url()
    assert problem.raised_by == users["enterprise"] and problem.enterprise == project.owner
    assert problem.actions.get().evidence
    detail = client.get(problem.get_absolute_url()).content.decode()
    assert "施工用电未接入" in detail and 'data-testid="assign"' not in detail
    file_url = problem.actions.get().evidence_url
    assert client.get(file_url).status_code == 200
    assert client_for("county_b").get(file_url).status_code == 404


def test_raising_without_project_enterprise_or_region_says_so(users, department, client_for):
    answer = client_for("county_a").post(
        "/problems/problems/add/", {"title": "无主问题", "category": "other", "description": "x", "source": "meeting"}
    )
    assert answer.status_code == 400 and 'data-testid="form-errors"' in answer.content.decode()
    assert not Problem.objects.exists()


def test_the_office_assigns_on_the_verb_page(users, department, client_for):
    problem = raise_one(users["enterprise"], project=project_of(users))
    client = client_for("office")
    detail = client.get(problem.get_absolute_url()).content.decode()
    assert 'data-testid="assign"' in detail and 'data-testid="accept"' in detail
    answer = client.post(
        f"{problem.get_absolute_url()}assign/",
        {"problem_class": "simple", "lead_department": department.pk, "co_departments": [county_department().pk]},
    )
    assert answer.status_code == 302
    problem.refresh_from_db()
    assert problem.lead_department == department and problem.co_departments.count() == 1
    bad = client.post(f"{problem.get_absolute_url()}deadline/", {"due": "2026-09-01", "note": "提前"})
    assert bad.status_code == 400 and "2026-09-01" not in str(Problem.objects.get(pk=problem.pk).resolve_due)


def test_the_department_queue_lists_its_problems_by_deadline(users, department, client_for):
    project = project_of(users)
    later = assigned(raise_one(users["enterprise"], project=project, title="较晚问题"), users["office"], department)
    services.change_deadline(
        services.start_problem(later, by=users["department"], note="办理中"),
        by=users["office"],
        due=later.raised_on.replace(day=30, month=11),
        note="顺延",
    )
    sooner = assigned(raise_one(users["enterprise"], project=project, title="较早问题"), users["office"], department)
    raise_one(users["enterprise"], project=project, title="未交办问题")
    page = client_for("department").get("/problems/queue/")
    titles = [p.title for p in page.context["problems"]]
    assert titles == [sooner.title, later.title]
    home = client_for("department").get("/").content.decode()
    assert 'data-testid="home-problems"' in home and "较早问题" in home


def test_list_filters_and_export(users, department, client_for):
    project = project_of(users)
    assigned(raise_one(users["enterprise"], project=project, title="逾期问题"), users["office"], department)
    waiting = raise_one(users["enterprise"], project=project, title="=HYPERLINK(1)")
    services.return_problem(waiting, by=users["office"], note="请补充")  # the clock stops: not overdue
    client = client_for("city_admin")
    shown = {p.title for p in client.get(f"{LIST}?overdue=true").context["table"].data}
    assert "逾期问题" in shown and "=HYPERLINK(1)" not in shown
    rows = read_xlsx(client.get(f"{LIST}?export=xlsx"))
    cells = [c for row in rows for c in row if c]
    assert "逾期问题" in cells and "=HYPERLINK(1)" not in cells


def test_who_sees_a_problem(users, department, client_for, api_for):
    project = project_of(users)
    problem = raise_one(users["enterprise"], project=project)

    def check(row, role):
        if role == "anonymous":
            return client_for(None).get(LIST).status_code == 200
        if row == "list":
            return problem.pk in {p.pk for p in client_for(role).get(LIST).context["table"].data}
        return problem.pk in {p["id"] for p in api_for(role).get("/api/problems/problems/").json()["results"]}

    # city, county A, not county B, not the department before it is assigned, the land office,
    # the project's leader and officer, a city dispatcher, the enterprise, the auditor
    seen = [True, True, False, False, True, True, True, True, True, True, False]
    assert_matrix({"list": seen, "api": seen}, ROLES, check)
    assigned(problem, users["office"], county_department(), co_departments=[department])
    assert problem.pk in {p.pk for p in client_for("department").get(LIST).context["table"].data}


def test_intake_api_refuses_a_second_request_with_the_same_key(users, department, api_for):
    enterprise = enterprise_of(users)
    api = api_for("county_a")
    body = {
        "title": "12345热线：企业反映供水压力不足",
        "description": "工单 20261001-0042",
        "category": "water",
        "source": "hotline",
        "enterprise": enterprise.pk,
        "raised_on": "2026-09-30",
        "intake_key": "12345-20261001-0042",
    }
    first = api.post("/api/problems/problems/", body, format="json")
    assert first.status_code == 201, first.json()
    second = api.post("/api/problems/problems/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert second.status_code == 400 and "intake key" in str(second.json())
    assert Problem.objects.count() == 1
    assert first.json()["due"] == "2026-10-08" and first.json()["region"] == enterprise.region_id


def test_enterprise_cannot_raise_for_another_enterprise_through_the_api(users, department, api_for):
    other = enterprise_of(users, "舞阳县", "别人家企业")
    other.users.clear()
    answer = api_for("enterprise").post(
        "/api/problems/problems/",
        {"title": "x", "description": "x", "category": "other", "enterprise": other.pk},
        format="json",
    )
    assert answer.status_code in (400, 403)
    assert not Problem.objects.exists()


def test_enterprise_raises_from_its_own_page(users, department, client_for):
    enterprise = enterprise_of(users)
    page = client_for("enterprise").get(enterprise.get_absolute_url()).content.decode()
    assert 'data-testid="raise-problem"' in page and f"?enterprise={enterprise.pk}&amp;source=enterprise" in page
    raise_one(users["enterprise"], enterprise=enterprise, title="融资担保难")
    assert "融资担保难" in client_for("enterprise").get(enterprise.get_absolute_url()).content.decode()


def test_queue_list_and_board_pages_cost_the_same_queries_for_few_or_many_rows(users, department, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    project = project_of(users)
    client = client_for("department")

    def cost(n):
        for i in range(n):
            assigned(raise_one(users["enterprise"], project=project, title=f"问题{n}-{i}"), users["office"], department)
        counts = []
        for url in ("/problems/queue/", LIST, "/problems/board/"):
            client.get(url)  # cached figures warm, as on any page after the first
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return counts

    assert cost(2) == cost(6)
