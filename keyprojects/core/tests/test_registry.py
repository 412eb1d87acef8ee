"""Apps plug into core through AppConfig.ready(): demo steps in order, and panels on another
app's detail page (the campaign's entries on the project page; projects does not import it)."""

from datetime import date

import pytest

from keyprojects.campaigns.choices import Batch
from keyprojects.campaigns.tests.factories import listed, make_phase, project_at
from keyprojects.core.registry import demo_steps


def test_demo_steps_come_from_the_apps_in_dependency_order():
    names = [step.__module__ for step in demo_steps()]
    assert names[:4] == [
        "keyprojects.orgs.demo",
        "keyprojects.enterprises.demo",
        "keyprojects.projects.demo",
        "keyprojects.campaigns.demo",
    ]


def test_the_seed_demo_command_names_no_app():
    from pathlib import Path

    from keyprojects.core.management.commands import seed_demo

    assert "keyprojects." not in Path(seed_demo.__file__).read_text().replace("keyprojects.core", "")


@pytest.mark.django_db
def test_project_page_shows_the_campaign_panel_only_when_it_has_entries(client_for):
    phase = make_phase(1, date(2024, 6, 1))
    listed_project = project_at("入列项目", signed=date(2024, 3, 1))
    other = project_at("未入列项目", signed=date(2024, 3, 2))
    listed(phase, listed_project, Batch.SIGN)
    client = client_for("county_a")
    page = client.get(listed_project.get_absolute_url()).content.decode()
    assert 'data-testid="panel-entries"' in page and "第一期" in page and "签约一批" in page
    assert 'data-testid="panel-entries"' not in client.get(other.get_absolute_url()).content.decode()
