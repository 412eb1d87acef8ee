import pytest

from keyprojects.core.tests.test_query_counts import assert_no_query_per_row
from keyprojects.enterprises.models import Enterprise
from keyprojects.projects.models import Project, Tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def project_factory(regions, users, department):
    """Projects in 郾城区 with every relation the list, API and export show filled."""
    owner = Enterprise.objects.create(
        name="漯河测试食品有限公司", credit_code="914403001922038216", region=regions["郾城区"]
    )
    tags = list(Tag.objects.all()[:2])

    def make(n):
        project = Project.objects.create(
            name=f"项目{n:03d}",
            region=regions["郾城区"],
            owner=owner,
            leader=users["leader"],
            service_officer=users["service_officer"],
            department=department,
            total_investment=1000 + n,
            light_reasons=[{"light": "yellow", "code": "not_started", "days": n}],
        )
        project.tags.set(tags)
        return project

    return make


@pytest.mark.parametrize("role", ["city_admin", "county_a"])
@pytest.mark.parametrize(
    "url,kind",
    [
        ("/projects/projects/", "list"),
        ("/projects/projects/?export=xlsx", "xlsx"),
    ],
)
def test_project_pages_have_no_query_per_row(client_for, project_factory, role, url, kind):
    assert_no_query_per_row(client_for(role), url, project_factory, kind=kind)


@pytest.mark.parametrize("role", ["city_admin", "county_a"])
def test_project_api_has_no_query_per_row(api_for, project_factory, role):
    assert_no_query_per_row(api_for(role), "/api/projects/projects/", project_factory, kind="api")


@pytest.mark.parametrize(
    "url", ["/projects/reports/", "/projects/milestones/", "/projects/year-plans/", "/projects/team/"]
)
def test_project_filter_is_not_a_select_of_every_project(client_for, project_factory, url):
    """The lists of a project's rows filter by ?project=<id> (the project page links there)
    without offering every project as an option: 50,000 options took ~5 s per page (bench)."""
    projects = [project_factory(n) for n in range(3)]
    client = client_for("city_admin")
    page = client.get(url).content.decode()
    assert 'name="project"' in page
    assert f">{projects[0].name}</option>" not in page
    filtered = client.get(f"{url}?project={projects[1].pk}")
    assert filtered.status_code == 200
