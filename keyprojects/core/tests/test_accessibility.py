"""Accessibility checked in the browser: axe-core (served locally) runs on the main pages of every
role in Chromium over the demo data `make run` loads, on a desktop and on a phone, and finds no
critical or serious violation. Lights read by icon and word, not colour alone.

The same walk takes the README's tour: with KEYPROJECTS_SCREENSHOTS=1 the screenshots are also
written to docs/screenshots/ (look at each one before committing it)."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from keyprojects.core.testing.axe import axe_violations, serious
from keyprojects.core.testing.browser import PHONE
from keyprojects.orgs.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser
DOCS = Path(settings.BASE_DIR) / "docs" / "screenshots"


@pytest.fixture
def demo(browser_session):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return browser_session


def project_of(**where):
    from keyprojects.projects.models import Project

    return Project.objects.filter(archived_at__isnull=True, **where).order_by("-total_investment").first()


def attraction_lead():
    from keyprojects.attraction.models import Lead

    return Lead.objects.filter(owner__user__username="zhaoshang").first().get_absolute_url()


def walks():
    """(account, label, pages, phone pages): the main pages of each role."""
    from keyprojects.orgs.models import User

    big = project_of(stage="started", light="red") or project_of(stage="started")
    county = project_of(region__name="郾城区", stage="started")
    leader = project_of(leader=User.objects.get(username="leader")) or big
    owned = project_of(owner__users__username="enterprise") or county
    from keyprojects.problems.models import Meeting, Problem

    meeting = Meeting.objects.order_by("-number").first()
    problem = Problem.objects.filter(enterprise__users__username="enterprise").first()
    return [
        (
            "cityadmin",
            "city-admin",
            [
                ("home", "/"),
                ("project-list", "/projects/projects/"),
                ("project", big.get_absolute_url()),
                ("history", f"{big.get_absolute_url()}history/"),
                ("dashboard", "/dashboards/campaign/"),
                ("rankings", "/campaigns/rankings/"),
                ("indicators", "/campaigns/indicators/"),
                ("change-log", "/core/changes/"),
                ("problem-board", "/problems/board/"),
                ("problem-list", "/problems/problems/"),
                ("meeting", meeting.get_absolute_url()),
            ],
            [("project", big.get_absolute_url())],
        ),
        (
            "yancheng",
            "county",
            [
                ("home", "/"),
                ("project-list", "/projects/projects/"),
                ("project", county.get_absolute_url()),
                ("reports", "/projects/reports/"),
                ("report-form", "/projects/reports/add/"),
            ],
            [("project-list", "/projects/projects/"), ("reports", "/projects/reports/")],
        ),
        (
            "leader",
            "leader",
            [("home", "/"), ("my-projects", "/projects/mine/"), ("project", leader.get_absolute_url())],
            [("my-projects", "/projects/mine/"), ("project", leader.get_absolute_url())],
        ),
        (
            "zhaoshang",
            "attraction-cadre",
            [
                ("home", "/"),
                ("pipeline", "/attraction/"),
                ("lead", attraction_lead()),
                ("chain", "/attraction/chains/"),
                ("rankings", "/attraction/rankings/"),
                ("trip-form", "/attraction/trips/add/"),
            ],
            [("pipeline", "/attraction/"), ("travelling", "/attraction/travelling/")],
        ),
        (
            "enterprise",
            "enterprise",
            [
                ("home", "/"),
                ("project-list", "/projects/projects/"),
                ("project", owned.get_absolute_url()),
                ("problem", problem.get_absolute_url()),
            ],
            [("project", owned.get_absolute_url()), ("problem", problem.get_absolute_url())],
        ),
    ]


def settle(page):
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(400)  # charts' first frame


def keep(path, name):
    if os.environ.get("KEYPROJECTS_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOCS / f"{name}.png")


def test_main_pages_of_every_role_have_no_critical_or_serious_violation(demo):
    found = {}
    for account, label, pages, phone_pages in walks():
        for viewport, listed, suffix in ((None, pages, ""), (PHONE, phone_pages, "-phone")):
            page = demo.new_page(viewport=viewport) if viewport else demo.new_page()
            demo.sign_in(page, account, DEMO_PASSWORD)
            for name, url in listed:
                page.goto(url)
                settle(page)
                blocking = serious(axe_violations(page))
                if blocking:
                    found[f"{label} {name}{suffix} {url}"] = blocking
                keep(demo.shot(page, f"{label}-{name}{suffix}", full_page=not viewport), f"{label}-{name}{suffix}")
    screen = demo.new_page(viewport={"width": 1920, "height": 1080})
    demo.sign_in(screen, "cityadmin", DEMO_PASSWORD)
    screen.goto("/dashboards/campaign/screen/")
    settle(screen)
    blocking = serious(axe_violations(screen))
    if blocking:
        found["big screen"] = blocking
    keep(demo.shot(screen, "big-screen"), "big-screen")
    assert not found, "axe found:\n" + "\n".join(f"{where}: {v}" for where, vs in found.items() for v in vs)


def test_lights_carry_an_icon_and_a_word(demo):
    page = demo.new_page()
    demo.sign_in(page, "cityadmin", DEMO_PASSWORD)
    page.goto(project_of(light="red").get_absolute_url())
    light = page.get_by_test_id("project-light")
    assert light.locator("i.bi").count() == 1 and light.inner_text().strip() == "红灯"
    page.goto("/projects/projects/?light=red")
    first = page.locator("table tbody tr td.light-column").first
    assert first.locator("i.bi-x-octagon-fill").count() == 1  # a shape for red, not only a colour
    assert first.locator(".light-word").inner_text() == "红灯"  # and its word, read aloud
