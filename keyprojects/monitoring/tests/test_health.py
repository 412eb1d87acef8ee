"""Camera health as events from a real ffmpeg HLS stream stopped mid-test; idle runs over
holidays and stoppage days; retention; findings that raise problems for the county."""

import datetime

import pytest
from django.utils import timezone

from keyprojects.problems.models import Problem

from .. import services
from ..choices import CameraEventType, Health
from ..models import Camera, CameraEvent, DailyActivity, Inspection, Snapshot, StoppageDay
from ..synthetic import site_image
from .factories import camera, site

pytestmark = pytest.mark.django_db


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


DAY = datetime.date(2026, 12, 3)  # a Thursday


def test_a_stopped_stream_goes_offline_and_comes_back_with_the_outage_length(users, hls_stream):
    cam = camera(site(by=users["county_a"]), by=users["county_a"], url=hls_stream.url, source="hls", offline_after=30)
    assert services.pull_due(at(DAY, 9))["pulled"] == 1  # a real frame decoded by ffmpeg from HLS
    cam.refresh_from_db()
    assert cam.health == Health.ONLINE
    url = hls_stream.url
    hls_stream.stop()  # the site's stream dies
    Camera.objects.filter(pk=cam.pk).update(next_pull_at=None)
    counts = services.pull_due(at(DAY, 9, 10), timeout=3)
    assert counts["failed"] == 1 and counts["offline"] == 0  # not yet 30 minutes
    Camera.objects.filter(pk=cam.pk).update(next_pull_at=at(DAY, 23))
    assert services.pull_due(at(DAY, 9, 31))["offline"] == 1
    cam.refresh_from_db()
    assert cam.health == Health.OFFLINE
    offline = CameraEvent.objects.get(camera=cam, type=CameraEventType.OFFLINE)
    assert "09:00" in offline.sentence
    # the stream comes back (a snapshot pushed for the test stands in for the restarted stream)
    del url
    services.store_snapshot(Camera.objects.get(pk=cam.pk), site_image(1), taken_at=at(DAY, 10, 30))
    cam.refresh_from_db()
    back = CameraEvent.objects.get(camera=cam, type=CameraEventType.ONLINE)
    assert back.data["minutes"] == 90 and ("1 h 30 min" in back.sentence or "1 小时 30 分钟" in back.sentence)
    assert cam.health == Health.ONLINE and cam.uptime is not None


def test_a_night_without_pulls_is_no_outage(users):
    cam = camera(site(by=users["county_a"]), by=users["county_a"], source="push")
    services.store_snapshot(cam, site_image(1), taken_at=at(DAY, 18, 50))
    next_morning = DAY + datetime.timedelta(days=1)
    assert services.check_health(at(next_morning, 7, 20)) == 0
    assert services.check_health(at(next_morning, 7, 31)) == 1


def test_the_same_image_for_hours_is_flagged_frozen_never_live(users):
    cam = camera(site(by=users["county_a"]), by=users["county_a"], source="push")
    frozen = site_image(5)
    for minutes in range(0, 150, 30):
        services.store_snapshot(
            Camera.objects.get(pk=cam.pk), frozen, taken_at=at(DAY, 9) + datetime.timedelta(minutes=minutes)
        )
    cam.refresh_from_db()
    assert cam.stale
    assert Snapshot.objects.filter(camera=cam).latest("taken_at").stale
    assert CameraEvent.objects.filter(camera=cam, type=CameraEventType.STALE).count() == 1
    services.store_snapshot(Camera.objects.get(pk=cam.pk), site_image(6), taken_at=at(DAY, 12))
    cam.refresh_from_db()
    assert not cam.stale and CameraEvent.objects.filter(camera=cam, type=CameraEventType.FRESH).exists()


def _quiet_day(cam, day):
    for hour in (9, 11, 15):
        still = site_image(3, moving=False, grain=day.toordinal() + hour)
        services.store_snapshot(Camera.objects.get(pk=cam.pk), still, taken_at=at(day, hour))
    services.refresh_activity(day)


def test_suspected_idle_counts_working_days_only(users, regions):
    """Thu, Fri quiet; Sat and Sun are rest days; Mon is a heavy-pollution stoppage for the
    city; Tue quiet: three working days, not six."""
    cam = camera(site(by=users["county_a"]), by=users["county_a"], source="push")
    StoppageDay.objects.create(day=DAY + datetime.timedelta(days=4), reason="重污染天气橙色预警")
    for offset in range(6):
        _quiet_day(cam, DAY + datetime.timedelta(days=offset))
    runs = dict(DailyActivity.objects.filter(project=cam.project).values_list("day", "idle_days"))
    assert [runs[DAY + datetime.timedelta(days=d)] for d in range(6)] == [1, 2, 2, 2, 2, 3]
    # a moving day breaks the run
    day = DAY + datetime.timedelta(days=6)
    for step, hour in enumerate((9, 10, 11)):
        services.store_snapshot(Camera.objects.get(pk=cam.pk), site_image(step), taken_at=at(day, hour))
    services.refresh_activity(day)
    assert DailyActivity.objects.get(project=cam.project, day=day).idle_days == 0


def test_retention_keeps_one_a_day_after_ninety_days_and_what_a_finding_shows(users, media):
    cam = camera(site(by=users["county_a"]), by=users["county_a"], source="push")
    old = DAY - datetime.timedelta(days=100)
    shots = [
        services.store_snapshot(Camera.objects.get(pk=cam.pk), site_image(i), taken_at=at(old, 9 + i)) for i in range(4)
    ]
    recent = services.store_snapshot(Camera.objects.get(pk=cam.pk), site_image(9), taken_at=at(DAY, 9))
    Inspection.objects.create(
        project=cam.project, day=old, finding="working", snapshot=shots[0], inspector=users["dispatcher"]
    )
    removed = services.thin_snapshots(DAY)
    assert removed == 2
    left = set(Snapshot.objects.values_list("pk", flat=True))
    assert left == {shots[0].pk, shots[3].pk, recent.pk}
    assert not (media / shots[1].image.name).exists() and (media / shots[3].image.name).exists()


def test_a_finding_raises_a_problem_with_the_snapshot_that_the_county_sees(users, client_for):
    project = site(by=users["county_a"])
    cam = camera(project, by=users["county_a"], source="push")
    shot = services.store_snapshot(cam, site_image(1), taken_at=timezone.now())
    answer = client_for("dispatcher").post(
        "/monitoring/dispatch/record/",
        {
            "project": project.pk,
            "finding": "hazard",
            "note": "塔吊下有人员逗留",
            "snapshot": shot.pk,
            "back": "/monitoring/dispatch/",
        },
    )
    assert answer.status_code == 302
    inspection = Inspection.objects.get(project=project)
    answer = client_for("dispatcher").post(f"/monitoring/inspections/{inspection.pk}/raise/", {"category": "other"})
    assert answer.status_code == 302
    problem = Problem.objects.get(project=project)
    assert problem.source == "inspection" and problem.region == project.region
    assert problem.actions.get(type="raised").evidence.name.endswith(".jpg")
    county = client_for("county_a").get(f"/problems/problems/{problem.pk}/")
    assert county.status_code == 200 and "塔吊下有人员逗留" in county.content.decode()
    assert client_for("county_b").get(f"/problems/problems/{problem.pk}/").status_code == 404
    again = client_for("dispatcher").post(f"/monitoring/inspections/{inspection.pk}/raise/", {"category": "other"})
    assert Problem.objects.filter(project=project).count() == 1 and again.status_code in (302, 400, 403)


def test_a_county_cannot_record_findings_and_the_dispatcher_sees_every_site(users, client_for):
    a = site(by=users["county_a"])
    b = site("舞阳县储能电站", "舞阳县", by=users["county_b"])
    for project in (a, b):
        camera(project, by=users["city_admin"], source="push")
    answer = client_for("county_a").post("/monitoring/dispatch/record/", {"project": a.pk, "finding": "working"})
    assert answer.status_code == 403 and not Inspection.objects.exists()
    page = client_for("dispatcher").get("/monitoring/dispatch/").content.decode()
    assert a.name in page and b.name in page
    page = client_for("county_a").get("/monitoring/dispatch/").content.decode()
    assert a.name in page and b.name not in page


def test_coverage_counts_monitored_started_projects_and_the_briefing_downloads(users, client_for):
    import io

    from docx import Document

    watched = site(by=users["county_a"])
    site("郾城区未装摄像头项目", by=users["county_a"])
    camera(watched, by=users["county_a"], source="push")
    services.record_inspection(Inspection(project=watched, finding="dust", note="裸土未覆盖"), by=users["dispatcher"])
    page = client_for("dispatcher").get("/monitoring/figures/")
    assert page.status_code == 200 and page.context["data"]["coverage"] == 50.0
    docx = client_for("dispatcher").get("/monitoring/figures/?export=docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "50.0" in text and ("扬尘" in text or "Dust" in text)
    xlsx = client_for("dispatcher").get("/monitoring/figures/?export=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_a_month_of_snapshots_plays_as_a_timelapse(users, client_for):
    cam = camera(site(by=users["county_a"]), by=users["county_a"], source="push")
    for n in range(3):
        day = DAY - datetime.timedelta(days=n)
        for hour in (9, 15):
            services.store_snapshot(Camera.objects.get(pk=cam.pk), site_image(n, grain=hour), taken_at=at(day, hour))
    answer = client_for("county_a").get(f"/monitoring/cameras/{cam.pk}/timelapse.mp4?month=2026-12")
    assert answer.status_code == 200 and answer["Content-Type"] == "video/mp4"
    assert answer.content[4:8] == b"ftyp"
    assert client_for("county_b").get(f"/monitoring/cameras/{cam.pk}/timelapse.mp4?month=2026-12").status_code == 404
    assert client_for("county_a").get(f"/monitoring/cameras/{cam.pk}/timelapse.mp4?month=2025-01").status_code == 404
