"""Demo data: cameras on the 84 largest started key projects (the seed's "84个重大项目的全程可视"),
each with a week of generated snapshots, so that the daily dispatch list, idle flags, camera
health and coverage look real on `make run` without any camera. Most sites move every day;
some have been quiet for days (suspected idle); a few cameras are offline or frozen."""

import datetime

from django.db import transaction
from django.utils import timezone

from keyprojects.core.context import acting

from .choices import CameraEventType, Health, SnapshotSource, SourceKind
from .models import Camera, CameraEvent, Inspection, StoppageDay

SITES = 84
DAYS = 6
HOURS = (9, 15)


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def seed_monitoring(stdout=None, *, today=None):
    from keyprojects.orgs.models import User
    from keyprojects.projects.models import Project

    from . import services
    from .synthetic import site_image

    today = today or timezone.localdate()
    if Camera.objects.exists():
        if stdout:
            stdout.write(f"Demo cameras: already there ({Camera.objects.count()}).")
        return {}
    projects = list(
        Project.objects.filter(archived_at__isnull=True, stage="started").order_by("-total_investment", "pk")[:SITES]
    )
    if not projects:
        return {}
    admin = User.objects.filter(is_superuser=True).first()
    dispatcher = User.objects.filter(memberships__role="dispatcher").first()
    with acting(admin, "seed_demo"), transaction.atomic():
        cameras = []
        for n, project in enumerate(projects):
            camera = Camera(
                project=project,
                name="1号塔吊球机" if n % 2 else "大门枪机",
                position="塔吊顶部，朝向主体结构" if n % 2 else "项目部大门",
                source=SourceKind.PUSH,
            )
            cameras.append(services.save_camera(camera, by=admin))
        StoppageDay.objects.get_or_create(
            day=today - datetime.timedelta(days=3), region=None, defaults={"reason": "重污染天气橙色预警 应急减排"}
        )
    quiet = set(range(5, SITES, 9))  # about one site in nine has been still for the week
    for day_offset in range(DAYS - 1, -1, -1):
        day = today - datetime.timedelta(days=day_offset)
        for n, camera in enumerate(cameras):
            if n % 29 == 3 and day_offset == 0:
                continue  # offline today: no frame
            still = n in quiet or (n % 7 == 2 and day_offset in (2, 3))
            frozen = n % 31 == 4 and day_offset == 0
            for k, hour in enumerate(HOURS):
                step = 0 if frozen else day_offset * 3 + k
                content = site_image(
                    step,
                    moving=not still and not frozen,
                    seed=n,
                    floors=2 + (DAYS - day_offset) // 2,
                    grain=None if frozen else day_offset * 10 + k,
                )
                services.store_snapshot(camera, content, source=SnapshotSource.DEMO, taken_at=_at(day, hour))
        services.refresh_activity(day)
    with acting(admin, "seed_demo"), transaction.atomic():
        for n, camera in enumerate(cameras):
            if n % 29 == 3:  # no frame since yesterday afternoon
                camera.refresh_from_db()
                camera.health, camera.offline_since = Health.OFFLINE, camera.last_frame_at
                camera.save()
                CameraEvent.objects.create(
                    camera=camera,
                    project=camera.project,
                    type=CameraEventType.OFFLINE,
                    data={
                        "camera": camera.name,
                        "since": timezone.localtime(camera.last_frame_at).strftime("%Y-%m-%d %H:%M"),
                    },
                )
        if dispatcher:  # yesterday's round, worked through; today's is left to do
            yesterday = today - datetime.timedelta(days=1)
            for n, camera in enumerate(cameras[:40]):
                finding = "stopped" if n in quiet else ("dust" if n % 13 == 0 else "working")
                Inspection.objects.create(
                    project=camera.project, day=yesterday, finding=finding, inspector=dispatcher,
                    note="" if finding == "working" else "现场未见人员机械",
                )  # fmt: skip
    if stdout:
        stdout.write(f"Demo video dispatch: {len(cameras)} cameras, {DAYS} days of snapshots.")
    return {"cameras": len(cameras)}
