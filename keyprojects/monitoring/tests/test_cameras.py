"""Cameras, credentials, snapshots pulled from a real HTTP camera and pushed through the API."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from keyprojects.core.models import ObjectChange

from .. import services
from ..choices import CameraEventType, Health
from ..models import Camera, CameraEvent, Snapshot
from ..synthetic import site_image
from .factories import camera, site

pytestmark = pytest.mark.django_db
NOON = timezone.make_aware(datetime.datetime(2026, 12, 3, 10, 0))


def test_password_is_stored_encrypted_and_never_shown_or_logged(users, client_for, api_for):
    cam = camera(site(by=users["county_a"]), by=users["county_a"], url="http://127.0.0.1:9/a.jpg", password="Pa55-秘密")
    stored = Camera.objects.get(pk=cam.pk)
    assert stored.secret and "Pa55" not in stored.secret
    logged = str(list(ObjectChange.for_object(stored).values_list("changes", flat=True)))
    assert "Pa55" not in logged and stored.secret not in logged
    page = client_for("county_a").get(f"/monitoring/cameras/{cam.pk}/edit/").content.decode()
    assert "Pa55" not in page and stored.secret not in page
    detail = client_for("county_a").get(f"/monitoring/cameras/{cam.pk}/").content.decode()
    assert "Pa55" not in detail and "stored encrypted" in detail or "加密" in detail
    answer = api_for("county_a").get(f"/api/monitoring/cameras/{cam.pk}/").json()
    assert "password" not in answer and "secret" not in answer


def test_editing_without_a_password_keeps_the_stored_one(users, client_for, snapshot_server):
    cam = camera(
        site(by=users["county_a"]), by=users["county_a"], url=snapshot_server.url("/auth.jpg"), password="secret"
    )
    cam.username = "admin"
    services.save_camera(cam, by=users["county_a"])
    services.save_camera(Camera.objects.get(pk=cam.pk), by=users["county_a"], password=None)
    services.test_connection(Camera.objects.get(pk=cam.pk), by=users["county_a"])  # still authorised


def test_connection_test_says_401_for_a_wrong_password(users, snapshot_server):
    cam = camera(
        site(by=users["county_a"]), by=users["county_a"], url=snapshot_server.url("/auth.jpg"), username="admin",
        password="wrong",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="401"):
        services.test_connection(cam, by=users["county_a"])


def test_connection_test_says_no_route_or_refused(users, client_for):
    cam = camera(site(by=users["county_a"]), by=users["county_a"], url="http://127.0.0.1:9/snap.jpg")
    answer = client_for("county_a").post(f"/monitoring/cameras/{cam.pk}/test/", follow=True)
    assert answer.status_code in (200, 400)
    text = answer.content.decode()
    assert "refused" in text or "拒绝" in text


def test_a_pulled_snapshot_is_kept_as_jpeg_with_a_thumbnail_and_scored(users, snapshot_server):
    cam = camera(site(by=users["county_a"]), by=users["county_a"], url=snapshot_server.url())
    services.pull_due(NOON)
    Camera.objects.filter(pk=cam.pk).update(next_pull_at=None)
    services.pull_due(NOON + datetime.timedelta(minutes=10))
    first, second = Snapshot.objects.filter(camera=cam).order_by("taken_at")
    assert second.image.read(3) == b"\xff\xd8\xff" and second.thumbnail.size < second.image.size
    assert (second.width, second.height) == (640, 360)
    assert second.change > 1  # the truck moved
    cam.refresh_from_db()
    assert cam.health == Health.ONLINE and cam.failures == 0


def test_an_unreachable_camera_backs_off_and_the_others_keep_going(users, snapshot_server):
    project = site(by=users["county_a"])
    dead = camera(project, by=users["county_a"], url="http://127.0.0.1:9/snap.jpg", name="坏")
    good = camera(project, by=users["county_a"], url=snapshot_server.url(), name="好")
    counts = services.pull_due(NOON)
    assert counts["pulled"] == 1 and counts["failed"] == 1
    dead.refresh_from_db()
    assert dead.failures == 1 and dead.next_pull_at == NOON + datetime.timedelta(minutes=dead.interval)
    assert Snapshot.objects.filter(camera=good).count() == 1
    services.pull_due(dead.next_pull_at)
    dead.refresh_from_db()
    assert dead.failures == 2 and dead.next_pull_at > NOON + datetime.timedelta(minutes=2 * dead.interval)
    assert CameraEvent.objects.filter(camera=dead, type=CameraEventType.FAILED).count() == 1  # once, not per try


def test_a_camera_is_not_pulled_outside_its_working_hours(users, snapshot_server):
    camera(site(by=users["county_a"]), by=users["county_a"], url=snapshot_server.url())
    night = timezone.make_aware(datetime.datetime(2026, 12, 3, 22, 0))
    assert services.pull_due(night)["pulled"] == 0


def test_a_pushed_file_that_is_not_an_image_or_too_big_is_refused(users, api_for):
    cam = camera(site(by=users["county_a"]), by=users["county_a"], source="push")
    api = api_for("county_a")
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("site.jpg", b"MZ\x90\x00 not a jpeg", content_type="image/jpeg")
    answer = api.post("/api/monitoring/snapshots/", {"camera": cam.pk, "image": fake}, format="multipart")
    assert answer.status_code == 400 and "JPEG" in str(answer.json())
    huge = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"0" * (6 * 1024 * 1024), content_type="image/jpeg")
    answer = api.post("/api/monitoring/snapshots/", {"camera": cam.pk, "image": huge}, format="multipart")
    assert answer.status_code == 400 and "MB" in str(answer.json())
    good = SimpleUploadedFile("site.png", site_image(1), content_type="image/png")
    answer = api.post("/api/monitoring/snapshots/", {"camera": cam.pk, "image": good}, format="multipart")
    assert answer.status_code == 201, answer.content
    assert Snapshot.objects.filter(camera=cam).count() == 1


def test_a_county_cannot_push_to_another_countys_camera(users, api_for):
    cam = camera(site(by=users["county_a"]), by=users["county_a"], source="push")
    from django.core.files.uploadedfile import SimpleUploadedFile

    good = SimpleUploadedFile("site.jpg", site_image(1), content_type="image/jpeg")
    answer = api_for("county_b").post(
        "/api/monitoring/snapshots/", {"camera": cam.pk, "image": good}, format="multipart"
    )
    assert answer.status_code == 400
    assert not Snapshot.objects.exists()


def test_connection_test_says_the_stream_has_no_video(users):
    from .servers import HLSStream

    sound_only = HLSStream(video=False)
    try:
        cam = camera(site(by=users["county_a"]), by=users["county_a"], url=sound_only.url, source="hls")
        with pytest.raises(ValidationError) as refused:
            services.test_connection(cam, by=users["county_a"])
    finally:
        sound_only.stop()
    assert "no video" in str(refused.value) or "没有视频" in str(refused.value)


def test_masks_are_polygons_inside_the_picture_or_the_camera_is_not_saved(users, client_for):
    project = site(by=users["county_a"])
    data = {
        "project": project.pk, "name": "球机", "source": "push", "interval": 10, "work_start": "07:00",
        "work_end": "19:00", "offline_after": 30, "active": "on", "masks": "[[[0, 0], [1, 0], [1, 2]]]",
    }  # fmt: skip
    answer = client_for("county_a").post("/monitoring/cameras/add/", data)
    assert answer.status_code == 400 and not Camera.objects.exists()
    data["masks"] = "[[[0, 0], [1, 0], [1, 0.3], [0, 0.3]]]"
    assert client_for("county_a").post("/monitoring/cameras/add/", data).status_code == 302
    assert Camera.objects.get().masks == [[[0, 0], [1, 0], [1, 0.3], [0, 0.3]]]
