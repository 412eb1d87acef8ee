"""Masks drawn on the picture, in a real chromium: the county's staff draw the area where
trucks pass on the camera's latest snapshot, save the camera through the same form and its
validation, and the dispatch list then shows no activity for that site while a site without
the mask, sent the very same pictures, shows some. Screenshots in test-artifacts/browser/."""

import datetime
import json

import pytest
from django.utils import timezone

from keyprojects.core.access import Role
from keyprojects.core.testing.fixtures import PASSWORD
from keyprojects.orgs.models import Membership, Region, User

from .. import services
from ..models import Camera
from ..synthetic import site_image
from .factories import camera, site

pytestmark = pytest.mark.browser


def at(hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(hour, minute)))


def test_a_mask_drawn_on_the_snapshot_keeps_the_road_out_of_the_activity(browser_session, media):
    county = User.objects.create_user("yancheng", password=PASSWORD, first_name="郾城")
    Membership.objects.create(user=county, role=Role.REGION_STAFF, region=Region.objects.get(name="郾城区"))
    masked = camera(site("郾城区物流园道路工程", by=county), by=county, source="push", name="路口球机")
    plain = camera(site("郾城区体育中心", by=county), by=county, source="push", name="大门枪机")
    for cam in (masked, plain):  # the latest snapshot the editor draws on
        services.store_snapshot(Camera.objects.get(pk=cam.pk), site_image(1), taken_at=at(9))

    page = browser_session.new_page()
    browser_session.sign_in(page, "yancheng", PASSWORD)
    page.goto(f"/monitoring/cameras/{masked.pk}/edit/")
    canvas = page.get_by_test_id("mask-canvas")
    canvas.wait_for(state="visible")
    page.wait_for_function("() => document.querySelector('[data-mask-canvas]').width > 100")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    # The lower half, where the trucks and the workers move: four corners, then finish.
    for x, y in ((0.02, 0.47), (0.98, 0.47), (0.98, 0.98), (0.02, 0.98)):
        canvas.click(position={"x": x * box["width"], "y": y * box["height"]})
    page.get_by_test_id("mask-finish").click()
    drawn = json.loads(page.locator("#id_masks").input_value())
    assert len(drawn) == 1 and len(drawn[0]) == 4
    assert all(0.45 <= y <= 1 for _x, y in drawn[0])
    browser_session.shot(page, "mask-drawn", full_page=True)
    page.locator("form.col-lg-8 button[type=submit]").click()
    page.wait_for_load_state()
    assert f"/monitoring/cameras/{masked.pk}/" in page.url
    saved = Camera.objects.get(pk=masked.pk).masks
    assert saved == drawn

    # A typed mask that is no polygon is refused by the same validation, in the user's language.
    page.goto(f"/monitoring/cameras/{masked.pk}/edit/")
    page.locator("#id_masks").fill("[[[0, 0], [2, 0]]]")
    page.locator("form.col-lg-8 button[type=submit]").click()
    page.wait_for_load_state()
    assert "至少三个" in page.content() or "at least three" in page.content()
    assert Camera.objects.get(pk=masked.pk).masks == drawn

    # The site sends its next picture: the truck has moved, inside the mask only.
    for cam in (masked, plain):
        services.store_snapshot(Camera.objects.get(pk=cam.pk), site_image(2), taken_at=at(9, 10))
    services.refresh_activity(timezone.localdate())
    page.goto("/monitoring/dispatch/")
    masked_activity = page.get_by_test_id(f"site-{masked.project_id}").get_by_test_id("activity")
    plain_activity = page.get_by_test_id(f"site-{plain.project_id}").get_by_test_id("activity")
    assert float(masked_activity.locator("strong").inner_text()) == 0
    assert float(plain_activity.locator("strong").inner_text()) > 5
    browser_session.shot(page, "activity-respects-the-mask", full_page=True)
