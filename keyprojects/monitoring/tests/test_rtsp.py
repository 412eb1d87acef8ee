"""A real RTSP camera: GStreamer's RTSP server on loopback serving H.264, pulled through the
camera's RTSP path (ffmpeg), its wrong password named, and the camera going offline when the
server stops and back online, with the outage's length, when it returns."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from .. import services
from ..choices import CameraEventType, Health
from ..models import Camera, CameraEvent, Snapshot
from .factories import camera, site

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 12, 3)  # a Thursday


def at(hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(hour, minute)))


def test_a_snapshot_is_pulled_from_a_real_rtsp_camera_which_goes_offline_and_comes_back(users, rtsp_camera):
    server = rtsp_camera()
    cam = camera(site(by=users["county_a"]), by=users["county_a"], source="rtsp", url=server.url, offline_after=30)
    services.test_connection(cam, by=users["county_a"])
    assert "320×240" in CameraEvent.objects.get(camera=cam, type=CameraEventType.TESTED).sentence

    assert services.pull_due(at(9))["pulled"] == 1
    shot = Snapshot.objects.get(camera=cam)
    assert (shot.width, shot.height) == (320, 240) and shot.image.read(3) == b"\xff\xd8\xff"
    assert Camera.objects.get(pk=cam.pk).health == Health.ONLINE

    server.stop()  # the site's camera loses power
    Camera.objects.filter(pk=cam.pk).update(next_pull_at=None)
    counts = services.pull_due(at(9, 10), timeout=3)
    assert counts["failed"] == 1 and counts["offline"] == 0  # not yet 30 minutes
    failed = Camera.objects.get(pk=cam.pk)
    assert "refused" in failed.last_error.lower() or "拒绝" in failed.last_error
    assert services.check_health(at(9, 31)) == 1
    assert Camera.objects.get(pk=cam.pk).health == Health.OFFLINE
    assert "09:00" in CameraEvent.objects.get(camera=cam, type=CameraEventType.OFFLINE).sentence

    server.start()  # power is back, on the same address
    Camera.objects.filter(pk=cam.pk).update(next_pull_at=None)
    assert services.pull_due(at(10, 30))["pulled"] == 1
    back = Camera.objects.get(pk=cam.pk)
    assert back.health == Health.ONLINE and back.last_error == ""
    online = CameraEvent.objects.get(camera=cam, type=CameraEventType.ONLINE)
    assert online.data["minutes"] == 90
    assert Snapshot.objects.filter(camera=cam).count() == 2


def test_a_wrong_rtsp_password_is_named_and_the_right_one_works(users, rtsp_camera):
    server = rtsp_camera("admin:secret")
    project = site(by=users["county_a"])
    wrong = camera(project, by=users["county_a"], source="rtsp", url=server.url, username="admin", password="nope")
    with pytest.raises(ValidationError) as refused:
        services.test_connection(wrong, by=users["county_a"])
    assert "401" in str(refused.value)
    right = camera(
        project, by=users["county_a"], name="2号", source="rtsp", url=server.url, username="admin", password="secret"
    )
    services.test_connection(right, by=users["county_a"])
    assert CameraEvent.objects.filter(camera=right, type=CameraEventType.TESTED).exists()
