"""The Done-when of video dispatch in a real chromium: the dispatcher opens today's list, sees
a site suspected idle and a camera offline (a real ffmpeg HLS stream stopped mid-test),
records findings, raises a problem with the snapshot for the responsible county, and the
county sees it; the project page's live view plays a real HLS stream with hls.js (its time
advances). Screenshots in test-artifacts/browser/<test>/."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from keyprojects.core.access import Role
from keyprojects.core.testing.fixtures import PASSWORD
from keyprojects.orgs.models import Membership, Region, User
from keyprojects.problems.models import Problem

from .. import services
from ..choices import Health
from ..models import Camera
from ..synthetic import site_image
from .factories import camera, site
from .servers import HLSStream

pytestmark = pytest.mark.browser
HLS_JS = Path(settings.BASE_DIR) / "keyprojects/static/vendor/hls/hls.min.js"
HLS_NPM = Path(settings.BASE_DIR) / "node_modules/hls.js/dist/hls.min.js"


def person(username, role, **scope):
    user = User.objects.create_user(username, password=PASSWORD, first_name=username)
    Membership.objects.create(user=user, role=role, **scope)
    return user


def serve_hls_js(page):
    """hls.js from the vendored copy; before `make assets` has copied it, from npm's."""
    if HLS_JS.exists():
        return
    if not HLS_NPM.exists():
        pytest.skip("hls.js is not installed: run `make assets`")
    page.route(
        "**/static/vendor/hls/hls.min.js",
        lambda route: route.fulfill(path=str(HLS_NPM), content_type="application/javascript"),
    )


@pytest.fixture
def streams():
    live, doomed = HLSStream(), HLSStream()
    yield live, doomed
    live.stop()
    doomed.stop()


def test_dispatcher_finds_idle_and_offline_raises_a_problem_county_sees_it_live_view_plays(
    browser_session, streams, media
):
    live, doomed = streams
    yancheng = Region.objects.get(name="郾城区")
    county = person("yancheng", Role.REGION_STAFF, region=yancheng)
    person("diaodu", Role.DISPATCHER)
    idle = site("漯河食品产业园冷链仓储项目", by=county)
    dark = site("郾城区污水处理厂提标改造", by=county)
    all_day = {"work_start": datetime.time(0, 0), "work_end": datetime.time(23, 59)}
    quiet = camera(
        idle, by=county, source="hls", url=live.url, live_url=live.url, name="塔吊球机", offline_after=240, **all_day
    )
    now = timezone.now()
    for back in range(12, 0, -1):  # twelve days of a still site: at least six working days
        day = timezone.localdate() - datetime.timedelta(days=back)
        for hour in (9, 15):
            at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
            still = site_image(1, moving=False, grain=back * 100 + hour)  # a live camera on a still site
            services.store_snapshot(Camera.objects.get(pk=quiet.pk), still, taken_at=at)
        services.refresh_activity(day)
    services.store_snapshot(Camera.objects.get(pk=quiet.pk), site_image(1, moving=False, grain=1), taken_at=now)
    services.refresh_activity(timezone.localdate())
    watched = camera(dark, by=county, source="hls", url=doomed.url, name="大门枪机", offline_after=30, **all_day)
    Camera.objects.filter(pk=quiet.pk).update(next_pull_at=now + datetime.timedelta(hours=1))
    assert services.pull_due(now)["pulled"] == 1  # a real frame from the stream
    doomed.stop()  # the site's stream dies
    services.check_health(now + datetime.timedelta(minutes=40))
    assert Camera.objects.get(pk=watched.pk).health == Health.OFFLINE

    # 1. The dispatcher opens today's list: one site idle, one camera offline, two left.
    page = browser_session.new_page()
    browser_session.sign_in(page, "diaodu", PASSWORD)
    page.goto("/monitoring/dispatch/")
    idle_card, dark_card = page.get_by_test_id(f"site-{idle.pk}"), page.get_by_test_id(f"site-{dark.pk}")
    assert idle_card.get_by_test_id("idle").is_visible()
    assert dark_card.get_by_test_id("offline").is_visible()
    assert not idle_card.get_by_test_id("offline").count()  # idle, yet its camera is alive and not frozen
    assert "frozen" not in idle_card.inner_text() and "冻结" not in idle_card.inner_text()
    assert "2" in page.get_by_test_id("left-today").inner_text()
    browser_session.shot(page, "dispatch-list", full_page=True)

    # 2. Findings for both sites.
    idle_card.locator("select[name=finding]").select_option("stopped")
    idle_card.locator("input[name=note]").fill("连续多日未见人员机械")
    idle_card.get_by_role("button").last.click()
    page.wait_for_load_state()
    dark_card = page.get_by_test_id(f"site-{dark.pk}")
    dark_card.locator("select[name=finding]").select_option("no_signal")
    dark_card.get_by_role("button").last.click()
    page.wait_for_load_state()
    assert "0" in page.get_by_test_id("left-today").inner_text()
    browser_session.shot(page, "findings-recorded", full_page=True)

    # 3. The idle site's finding becomes a problem with its snapshot.
    page.get_by_test_id(f"site-{idle.pk}").get_by_test_id("raise").click()
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    problem = Problem.objects.get(project=idle)
    assert problem.actions.get(type="raised").evidence
    browser_session.shot(page, "problem-raised")

    # 4. The county sees the problem, with the snapshot, in its ledger.
    other = browser_session.new_page()
    browser_session.sign_in(other, "yancheng", PASSWORD)
    other.goto("/problems/problems/")
    other.get_by_text(problem.title).first.click()
    other.wait_for_load_state()
    assert "连续多日未见人员机械" in other.content()
    browser_session.shot(other, "county-sees-problem", full_page=True)

    # 5. The live view on the project page plays: its time advances.
    serve_hls_js(other)
    other.goto(idle.get_absolute_url())
    other.get_by_test_id("panel-tab-cameras").click()
    other.get_by_test_id("live-view").wait_for(state="visible")
    other.wait_for_function(
        "() => { const v = document.querySelector('[data-testid=live-view]'); return v && v.currentTime > 1.5; }",
        timeout=30_000,
    )
    browser_session.shot(other, "live-view-playing", full_page=True)
