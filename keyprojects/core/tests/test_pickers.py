"""Filters and forms that fit a hand: a report form offers its projects by search instead of
listing them all; the search answers within the user's scope and right; a yes/no filter left open
reads 全部; the column chooser and the field filter say what they are."""

import pytest

from keyprojects.core.testing.pages import visible_text
from keyprojects.projects.tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(users):
    mine = [make_project(name=f"郾城食品项目{n}", by=users["county_a"]) for n in range(30)]
    theirs = make_project("舞阳县", name="舞阳食品项目", by=users["county_b"])
    return mine, theirs


def test_the_report_form_does_not_list_every_project(projects, client_for):
    html = client_for("county_a").get("/projects/reports/add/").content.decode()
    form = html[html.index('name="project"') - 200 :]
    form = form[: form.index("</select>")]
    assert form.count("<option") <= 1 and "郾城食品项目" not in form
    assert 'data-search-url="/core/pick/?model=projects.Project&amp;action=report"' in form


def test_the_picker_searches_within_scope_and_right(projects, client_for):
    mine, theirs = projects
    county = client_for("county_a")
    found = county.get("/core/pick/?model=projects.Project&action=report&q=食品").json()["results"]
    assert len(found) == 20 and all(r["text"].startswith("郾城食品项目") for r in found)
    assert county.get("/core/pick/?model=projects.Project&action=report&q=项目5").json()["results"] == [
        {"value": mine[5].pk, "text": "郾城食品项目5"}
    ]
    assert client_for("leader").get("/core/pick/?model=projects.Project&action=report&q=食品").json()["results"] == []
    assert client_for("city_admin").get("/core/pick/?model=projects.Project&q=舞阳").json()["results"] == [
        {"value": theirs.pk, "text": "舞阳食品项目"}
    ]
    for bad in ("model=orgs.User", "model=nothing", "model=projects.Project&action=delete_everything"):
        assert county.get(f"/core/pick/?{bad}&q=a").status_code == 404
    assert client_for(None).get("/core/pick/?model=projects.Project&q=a").status_code == 302


def test_a_report_for_a_project_outside_the_scope_is_refused(projects, client_for):
    _mine, theirs = projects
    response = client_for("county_a").post(
        "/projects/reports/add/",
        {"project": theirs.pk, "month": "2024-03", "investment": "10", "physical_progress": "x"},
    )
    assert response.status_code == 400 and response.context["form"].has_error("project")


def test_open_filters_read_all_and_labels_say_what_they_choose(client_for):
    client = client_for("city_admin")
    projects = client.get("/projects/projects/").content.decode()
    assert "未知" not in visible_text(projects) and "---------" not in projects
    assert "显示列" in visible_text(projects) and "列说明" not in visible_text(projects)
    indicators = visible_text(client.get("/campaigns/indicators/").content.decode())
    assert "项目领域" in indicators and "字段" not in indicators
