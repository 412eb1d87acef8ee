"""Every role's menu works: each page it offers answers, whether the role's scope holds rows or
nothing at all (a role with nothing in scope sees an empty state, never a server error)."""

import pytest

from keyprojects.core.testing.cases import ROLES
from keyprojects.projects.tests.factories import make_project

PAGES = ["/", "/core/inbox/", "/dashboards/campaign/", "/dashboards/campaign/screen/", "/projects/mine/"]


def menu_answers(client):
    home = client.get("/")
    urls = [entry["url"] for section in home.context["nav_sections"].values() for entry in section]
    return {url: client.get(url, follow=True).status_code for url in dict.fromkeys(urls + PAGES)}


@pytest.mark.django_db
@pytest.mark.parametrize("with_rows", [False, True], ids=["nothing in scope", "a project in scope"])
@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_every_page_of_a_roles_menu_answers(role, with_rows, client_for, users, department):
    if with_rows:
        make_project(department=department.pk, leader=users["leader"].pk, service_officer=users["service_officer"].pk)
    answers = menu_answers(client_for(role))
    assert len(answers) > 5
    assert {url: code for url, code in answers.items() if code != 200} == {}
