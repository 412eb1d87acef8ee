"""The campaign dashboard on a small hand-made campaign: the figures on the page and in the
embedded chart data are the ones counted by hand below; a county user sees only their county;
the number of queries does not grow with the entries; every drill-down opens the entries counted."""

import json
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from keyprojects.campaigns import services
from keyprojects.campaigns.choices import Batch
from keyprojects.campaigns.tests.factories import listed, make_phase, project_at

pytestmark = pytest.mark.django_db
URL = "/dashboards/campaign/"
SCREEN = "/dashboards/campaign/screen/"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def campaign(users):
    """Three held phases; 郾城区: a project rolling through all three batches to capacity and one
    signed only; 舞阳县: one started, one started then producing, now at capacity.

    Counted by hand: 7 entries (SIGN 2, START 3, PRODUCE 2) of 4 projects, 2 at capacity.
    Phase 1: SIGN 2 + START 1 = 3 (12 + 5 + 3 = 20 亿元); phase 2: START 2 + PRODUCE 1 = 3
    (12 + 8 + 3 = 23 亿元); phase 3: PRODUCE 1 (12 亿元)."""
    p1, p2, p3 = make_phase(1, date(2024, 3, 1)), make_phase(2, date(2024, 6, 1)), make_phase(3, date(2024, 9, 1))
    rolling = project_at(
        "三期滚动项目",
        total="120000",
        signed=date(2024, 2, 1),
        started=date(2024, 5, 1),
        producing=date(2024, 8, 1),
        capacity=date(2024, 8, 20),
    )
    stalled = project_at("签约未开工项目", total="50000", signed=date(2024, 2, 10))
    started = project_at(
        "舞阳开工项目", region="舞阳县", total="80000", signed=date(2024, 1, 5), started=date(2024, 5, 6)
    )
    done = project_at(
        "舞阳达效项目",
        region="舞阳县",
        total="30000",
        signed=date(2023, 12, 1),
        started=date(2024, 1, 10),
        producing=date(2024, 4, 2),
        capacity=date(2024, 5, 20),
    )
    listed(p1, rolling, Batch.SIGN)
    listed(p1, stalled, Batch.SIGN)
    listed(p1, done, Batch.START)
    listed(p2, rolling, Batch.START)
    listed(p2, started, Batch.START)
    listed(p2, done, Batch.PRODUCE)
    listed(p3, rolling, Batch.PRODUCE)
    for phase in (p1, p2, p3):
        services.lock_phase(phase, by=users["city_admin"])
        services.mark_held(phase, by=users["city_admin"])
    return {"phases": (p1, p2, p3), "rolling": rolling, "stalled": stalled, "started": started, "done": done}


def page_figures(response):
    text = response.content.decode()
    kpis = dict(re.findall(r'data-testid="kpi-(\w+)">([^<]*)<', text))
    charts = json.loads(
        re.search(r'<script id="campaign-charts" type="application/json">(.*?)</script>', text).group(1)
    )
    headline = re.search(r'data-testid="headline">(.*?)</p>', text, re.S).group(1)
    return kpis, charts, " ".join(headline.split())


def test_dashboard_shows_the_hand_counted_figures(campaign, client_for):
    response = client_for("city_admin").get(URL)
    assert response.status_code == 200
    kpis, charts, headline = page_figures(response)
    assert kpis == {
        "phases": "3",
        "entries": "7",
        "sign": "2",
        "start": "3",
        "produce": "2",
        "capacity": "2",
        "projects": "4",
        "investment": "55.00",
    }
    assert headline == (
        "3 phases held; 7 entries carried out on a rolling basis — 2 in signing batches, 3 in starting batches "
        "and 2 in production batches; 2 projects built and at capacity."
    )
    # Each batch's entries and how many moved on: entries only (unique projects at capacity are a
    # figure of their own, never a layer drawn as if it were entries).
    assert [(item["key"], item["entries"], item["converted"], item["rate"]) for item in charts["conversion"]] == [
        ("sign", 2, 1, "50.0"),
        ("start", 3, 2, "66.7"),
        ("produce", 2, 2, "100.0"),
    ]
    phases = charts["phases"]
    assert phases["labels"] == ["第一期", "第二期", "第三期"]
    assert {s["key"]: s["data"] for s in phases["series"]} == {
        "sign": [2, 0, 0],
        "start": [1, 2, 0],
        "produce": [0, 1, 1],
    }
    assert phases["investment"] == ["20.00", "23.00", "12.00"]
    trends = {s["key"]: (s["data"], s["counted"]) for s in charts["trends"]["series"]}
    # 开工率: phase 1's SIGN entries rolling (started) and stalled (not) → 50%.
    assert trends["start"] == (["50.0", None, None], ["1/2", "0/0", "0/0"])
    # 投产率: phase 1's START entry (done) produces; phase 2's rolling does, started does not.
    assert trends["production"] == (["100.0", "50.0", None], ["1/1", "1/2", "0/0"])
    # 达效率: phase 2's PRODUCE entry (done) and phase 3's (rolling), both at capacity.
    assert trends["capacity"] == ([None, "100.0", "100.0"], ["0/0", "1/1", "1/1"])
    keys = ("name", "entries", "sign", "start", "produce", "projects", "at_capacity", "investment")
    regions = [tuple(r[k] for k in keys) for r in charts["regions"]]
    assert regions == [("郾城区", 4, 2, 1, 1, 2, 1, "41.00"), ("舞阳县", 3, 0, 2, 1, 2, 1, "14.00")]


def test_county_user_sees_only_their_county(campaign, client_for):
    kpis, charts, _headline = page_figures(client_for("county_a").get(URL))  # 郾城区
    # rolling ×3 + stalled ×1; phases are city-wide events, so all three are held for everyone
    assert (kpis["phases"], kpis["entries"], kpis["sign"], kpis["start"], kpis["produce"]) == ("3", "4", "2", "1", "1")
    assert (kpis["capacity"], kpis["projects"], kpis["investment"]) == ("1", "2", "41.00")
    assert [r["name"] for r in charts["regions"]] == ["郾城区"]
    assert "舞阳" not in json.dumps(charts, ensure_ascii=False)
    kpis, charts, _headline = page_figures(client_for("county_b").get(URL))  # 舞阳县
    assert (kpis["entries"], kpis["capacity"], kpis["investment"]) == ("3", "1", "14.00")


def test_anonymous_is_sent_to_sign_in(client_for):
    for url in (URL, SCREEN):
        response = client_for(None).get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_drill_down_links_open_the_entries_counted(campaign, client_for):
    client = client_for("city_admin")
    _kpis, charts, _headline = page_figures(client.get(URL))

    def rows(url):
        text = client.get(url).content.decode()
        return int(re.search(r'data-testid="row-count">(\d+)<', text).group(1))

    assert [rows(item["entries_url"]) for item in charts["conversion"]] == [2, 3, 2]
    phase_series = {s["key"]: s for s in charts["phases"]["series"]}
    assert rows(phase_series["start"]["urls"][1]) == 2  # phase 2's starting batch
    assert rows(charts["phases"]["investment_urls"][0]) == 3  # all of phase 1
    assert [rows(r["url"]) for r in charts["regions"]] == [4, 3]
    drill = client.get(charts["trends"]["series"][1]["urls"][1])  # 投产率 of phase 2
    assert drill.status_code == 200 and "舞阳开工项目" in drill.content.decode()


def test_big_screen_shows_the_same_figures_and_refreshes_itself(campaign, client_for):
    dashboard = page_figures(client_for("city_admin").get(URL))
    response = client_for("city_admin").get(SCREEN)
    assert page_figures(response) == dashboard
    assert 'data-refresh-seconds="60"' in response.content.decode()


def more_entries(count):
    """`count` more projects, each signed and started, listed in phase 4 (SIGN) and 5 (START)."""
    p4, p5 = make_phase(4, date(2024, 10, 1)), make_phase(5, date(2024, 11, 1))
    for i in range(count):
        project = project_at(
            f"批量项目{i}", region=("临颍县", "召陵区")[i % 2], signed=date(2024, 9, 2), started=date(2024, 10, 8)
        )
        listed(p4, project, Batch.SIGN)
        listed(p5, project, Batch.START)


def test_the_dashboard_costs_the_same_queries_with_few_or_many_entries(campaign, client_for):
    client = client_for("city_admin")
    client.get(URL)  # warm the session and the indicator definitions

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    few = queries()
    more_entries(12)
    assert page_figures(client.get(URL))[0]["entries"] == "31"  # 7 + 12 × 2: the new rows are counted
    assert queries() == few
    assert few <= 13  # session, user, memberships, the unread badge, then one per chart


def test_big_screen_names_the_city_maps_the_counties_and_lists_red_lights(campaign, client_for):
    from keyprojects.projects.choices import Light
    from keyprojects.projects.models import Project

    stalled = campaign["stalled"]
    reasons = [{"light": "red", "code": "not_started", "days": 120}]
    Project.objects.filter(pk=stalled.pk).update(light=Light.RED, light_reasons=reasons)
    response = client_for("city_admin").get(SCREEN)
    html = response.content.decode()
    assert "漯河市" in html.split('data-testid="screen-title"')[1][:200]
    rates = {r["name"]: r["value"] for r in response.context["map"]["regions"]}
    assert rates["郾城区"] == "50.0"  # its signing entries: one started, one stalled
    red = {p["name"] for p in response.context["red"]}
    assert stalled.name in red and red == set(Project.objects.filter(light=Light.RED).values_list("name", flat=True))
    assert stalled.name in html.split('data-testid="red-list"')[1]
    assert "/static/orgs/boundaries/411100.json" in html
    # a county sees its own red lights only
    theirs = {p["region"] for p in client_for("county_b").get(SCREEN).context["red"]}
    assert theirs <= {"舞阳县"}
