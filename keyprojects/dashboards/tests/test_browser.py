"""The campaign dashboard and the big screen in a real chromium, over the demo data `make run`
loads: the seed's figures on the page, every chart drawn on a canvas, a click on a bar opening
the entries it counts. Screenshots in test-artifacts/browser/ (the README's tour uses two)."""

import re

import pytest
from django.core.management import call_command

from keyprojects.campaigns import indicators
from keyprojects.orgs.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser
CHARTS = ("conversion", "phases", "trends", "regions")


@pytest.fixture
def demo(browser_session):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return browser_session


def kpis(page):
    keys = ("phases", "entries", "sign", "start", "produce", "capacity")
    return {key: page.get_by_test_id(f"kpi-{key}").inner_text() for key in keys}


def wait_for_charts(page):
    for chart in CHARTS:
        page.locator(f'[data-chart="{chart}"] canvas').first.wait_for()
    page.locator("[data-dashboard][data-charts-ready]").wait_for()  # drawn, animations over
    # drawn, not only created: the canvas has a size
    sizes = page.evaluate("Object.values(window.campaignCharts).map(c => [c.getWidth(), c.getHeight()])")
    assert len(sizes) == 4 and all(w > 200 and h > 150 for w, h in sizes), sizes


def test_campaign_dashboard_and_big_screen_show_the_seed_figures(demo):
    seed = {"phases": "13", "entries": "766", "sign": "353", "start": "296", "produce": "117", "capacity": "523"}
    page = demo.new_page()
    demo.sign_in(page, "cityadmin", DEMO_PASSWORD)
    page.locator("#sidebar").get_by_role(
        "link", name=re.compile("Campaign dashboard|三个一批.*(看板|总览)|活动看板")
    ).click()
    page.wait_for_url("**/dashboards/campaign/")
    assert kpis(page) == seed
    headline = page.get_by_test_id("headline").inner_text()
    assert all(n in headline for n in ("13", "766", "353", "296", "117", "523"))
    wait_for_charts(page)
    demo.shot(page, "campaign-dashboard", full_page=True)

    # A real click on the region chart's first bar opens that region's entries.
    first = page.evaluate("JSON.parse(document.getElementById('campaign-charts').textContent).regions[0]")
    x, y = page.evaluate(
        "(r) => window.campaignCharts.regions.convertToPixel({seriesIndex: 0}, [r.sign / 2, 0])", first
    )
    chart = page.locator('[data-chart="regions"]')
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url("**/campaigns/entries/?region=*")
    assert page.get_by_test_id("row-count").inner_text() == str(first["entries"])
    demo.shot(page, "drill-down-region-entries")

    # The meeting-room screen: same figures, dark, large, refreshing itself.
    screen = demo.new_page(viewport={"width": 1920, "height": 1080})
    demo.sign_in(screen, "cityadmin", DEMO_PASSWORD)
    screen.goto("/dashboards/campaign/screen/")
    assert kpis(screen) == seed
    wait_for_charts(screen)
    assert screen.locator("body").get_attribute("data-refresh-seconds") == "60"
    # Readable from a distance: the figures are large and the whole screen fits without scrolling.
    size = screen.evaluate("parseFloat(getComputedStyle(document.querySelector('.screen .kpi-value')).fontSize)")
    assert size >= 40
    assert screen.evaluate("document.documentElement.scrollHeight") <= 1080
    demo.shot(screen, "campaign-big-screen")


def test_county_user_sees_their_county_on_the_dashboard(demo):
    from keyprojects.orgs.models import User

    county = User.objects.get(username="yancheng")
    expected = indicators.summary(indicators.entries_for(county))
    page = demo.new_page()
    demo.sign_in(page, "yancheng", DEMO_PASSWORD)
    page.goto("/dashboards/campaign/")
    assert page.get_by_test_id("kpi-entries").inner_text() == str(expected["entries"])
    assert page.get_by_test_id("kpi-capacity").inner_text() == str(expected["at_capacity"])
    assert 0 < expected["entries"] < 766
    regions = page.evaluate("JSON.parse(document.getElementById('campaign-charts').textContent).regions")
    assert [r["name"] for r in regions] == ["郾城区"]
    wait_for_charts(page)
