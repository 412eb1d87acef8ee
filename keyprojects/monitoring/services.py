"""State changes of video dispatch, one function each (STYLE habit 2): cameras and their
credentials, the connection test, storing a snapshot (pulled or pushed) with its score, the
scheduler's pulls with bounded concurrency and back-off, health events, daily activity and
idle runs, retention, and the dispatcher's findings that raise problems."""

import datetime
import logging
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from keyprojects.core.access import Action, can
from keyprojects.core.context import acting

from . import capture, detection
from .choices import FINDING_CATEGORY, CameraEventType, Health, SnapshotSource, SourceKind
from .credentials import encrypt
from .models import Camera, CameraEvent, DailyActivity, Inspection, Snapshot, StoppageDay

log = logging.getLogger(__name__)

MAX_UPLOAD = 5 * 1024 * 1024  # a pushed snapshot: 5 MB is a 4K JPEG with room to spare
STALE_HOURS = 2  # the same image this long is a frozen stream, not a quiet site
FROZEN_NOISE = 0.1  # mean grey levels: below, two frames with the same hash are "the same image"
MAX_BACKOFF = 120  # minutes


def workers() -> int:
    return getattr(settings, "MONITORING_WORKERS", 8)


def idle_after() -> int:
    return getattr(settings, "MONITORING_IDLE_DAYS", 3)


def keep_days() -> int:
    return getattr(settings, "MONITORING_KEEP_DAYS", 90)


# --- cameras -------------------------------------------------------------------------------


def save_camera(camera: Camera, *, by, password: str | None = None, clear_password: bool = False) -> Camera:
    """Save a camera from the form or the API. A password given is stored encrypted; none
    keeps the one stored; `clear_password` removes it."""
    if clear_password:
        camera.secret = ""
    elif password:
        camera.secret = encrypt(password)
    if camera.source != SourceKind.PUSH and not camera.url:
        raise ValidationError({"url": _("Give the camera's address, or choose pushed snapshots.")})
    with acting(by):
        camera.full_clean()
        camera.save()
    return camera


def test_connection(camera: Camera, *, by) -> Camera:
    """试连接: take one frame now; the real reason when it fails (nothing is written then)."""
    try:
        content = capture.grab(camera)
        frame = detection.decode(content)
    except capture.CaptureError as error:
        raise ValidationError(str(error)) from error
    except detection.NotAnImage as error:
        raise ValidationError(_("The camera answered, but not with an image.")) from error
    result = _("works, %(width)s×%(height)s") % {"width": frame.width, "height": frame.height}
    _event(camera, CameraEventType.TESTED, by=by, result=result)
    return camera


def _event(camera, type_, by=None, note="", **data) -> CameraEvent:
    return CameraEvent.objects.create(
        camera=camera,
        project_id=camera.project_id,
        type=type_,
        actor=by,
        note=note,
        data={"camera": camera.name, **data},
    )


# --- snapshots -----------------------------------------------------------------------------


def check_upload(content: bytes) -> None:
    """A pushed file: bounded in size, and a JPEG or PNG by its content, not its name."""
    if len(content) > MAX_UPLOAD:
        raise ValidationError({"image": _("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD // (1024 * 1024)}})
    if detection.kind_of(content) is None:
        raise ValidationError({"image": _("The file is not a JPEG or PNG image.")})


def _thumbnail_frame(snapshot: Snapshot | None):
    if snapshot is None or not snapshot.thumbnail:
        return None
    try:
        with snapshot.thumbnail.open("rb") as handle:
            content = handle.read()
    except OSError:
        return None
    return detection.decode_small(content)


def _last_snapshots(cameras) -> dict[int, Snapshot]:
    """Each camera's latest snapshot (what a new frame is scored against), in one query."""
    latest = Snapshot.objects.filter(camera=OuterRef("pk")).order_by("-taken_at", "-pk").values("pk")[:1]
    pks = Camera.objects.filter(pk__in=[c.pk for c in cameras]).annotate(last=Subquery(latest))
    wanted = [pk for pk in pks.values_list("last", flat=True) if pk]
    found = Snapshot.objects.only("pk", "camera_id", "taken_at", "digest", "thumbnail").in_bulk(wanted)
    return {snapshot.camera_id: snapshot for snapshot in found.values()}


def prepare(content: bytes) -> detection.Processed:
    """The CPU part of keeping a frame (checks, decode, thumbnail, hash): thread-safe and
    outside the GIL (OpenCV releases it), so the pull's pool runs it beside the downloads."""
    check_upload(content)
    try:
        return detection.process(content)
    except detection.NotAnImage as error:
        raise ValidationError({"image": _("The file is not a readable JPEG or PNG image.")}) from error


@dataclass
class _Frame:
    """A frame scored and its files written, waiting for its row (written in batches)."""

    camera: Camera
    snapshot: Snapshot
    previous: Snapshot | None
    noise: float
    next_pull_at: datetime.datetime | None = None


def _score(camera: Camera, processed, previous: Snapshot | None, taken_at, source) -> _Frame:
    """Everything but the database: the score against the previous thumbnail (masks left out),
    people where the scene moved, the JPEG and its thumbnail written to the media storage.
    Safe in the pull's threads: it reads no row and writes none."""
    detector = detection.detector()
    mask = detection.mask_for(processed.small.grey.shape, camera.masks)
    score = detector.score(processed.small, _thumbnail_frame(previous), mask)
    people = detector.people_in(processed.frame, camera.masks) if score.moved else 0
    score = detection.Score(change=score.change, people=people, noise=score.noise)
    snapshot = Snapshot(
        camera=camera,
        project_id=camera.project_id,
        taken_at=taken_at,
        day=timezone.localdate(taken_at),
        width=processed.width,
        height=processed.height,
        source=source,
        digest=processed.digest,
        change=score.change,
        people=score.people,
        activity=score.activity,
    )
    stamp = timezone.localtime(taken_at).strftime("%H%M%S")
    snapshot.image.save(f"c{camera.pk}-{stamp}.jpg", ContentFile(processed.jpeg), save=False)
    snapshot.thumbnail.save(f"c{camera.pk}-{stamp}-t.jpg", ContentFile(processed.thumbnail), save=False)
    return _Frame(camera=camera, snapshot=snapshot, previous=previous, noise=score.noise)


# The scheduler's bookkeeping on a camera, left out of the change log: a batch of frames updates
# it in one UPDATE per distinct set of values (one per pull interval in a steady tick; Django's
# bulk_update builds a CASE per field and row, 5 ms of Python per camera). A change of health
# or of the frozen state is news: saved one by one, through the change log.
_BOOKKEEPING = ("last_frame_at", "same_since", "next_pull_at", "failures", "last_error")


def _update_bookkeeping(cameras: list[tuple[Camera, int]]) -> None:
    groups: dict[tuple, list[int]] = {}
    for camera, online_before in cameras:
        key = (*(getattr(camera, name) for name in _BOOKKEEPING), camera.online_seconds - online_before)
        groups.setdefault(key, []).append(camera.pk)
    for key, pks in groups.items():
        values = dict(zip(_BOOKKEEPING, key[:-1], strict=True))
        Camera.objects.filter(pk__in=pks).update(**values, online_seconds=F("online_seconds") + key[-1])


def _keep(frames: list[_Frame], *, by=None) -> list[Snapshot]:
    """The rows of a batch of scored frames, in one transaction: the cameras locked in one
    query, the snapshots inserted in one, the cameras' bookkeeping updated in one; events (back
    online, frozen) and the cameras whose health changed one by one, as they are rare."""
    if not frames:
        return []
    with transaction.atomic(), acting(by):
        locked = Camera.objects.select_for_update().order_by("pk").in_bulk([f.camera.pk for f in frames])
        quiet, news = [], []
        for frame in frames:
            camera, snapshot, previous = locked[frame.camera.pk], frame.snapshot, frame.previous
            snapshot.camera = camera
            same = previous is not None and previous.digest == snapshot.digest and frame.noise < FROZEN_NOISE
            camera.same_since = (camera.same_since or previous.taken_at) if same else None
            at = snapshot.taken_at
            snapshot.stale = bool(same and at - camera.same_since >= datetime.timedelta(hours=STALE_HOURS))
            health, stale, online = camera.health, camera.stale, camera.online_seconds
            _frame_arrived(camera, at, snapshot.stale)
            if frame.next_pull_at is not None:
                camera.next_pull_at = frame.next_pull_at
            if (camera.health, camera.stale) == (health, stale):
                quiet.append((camera, online))
            else:
                news.append(camera)
        snapshots = Snapshot.objects.bulk_create([frame.snapshot for frame in frames])
        _update_bookkeeping(quiet)
        for camera in news:
            camera.save()
    return snapshots


def store_snapshot(
    camera: Camera,
    content: bytes | None,
    *,
    source: str = SnapshotSource.PULLED,
    taken_at=None,
    by=None,
    processed: detection.Processed | None = None,
    next_pull_at=None,
) -> Snapshot:
    """Keep one frame: checked, stored as JPEG with a thumbnail, scored against the camera's
    previous frame, and the camera's health brought up to date (back online, frozen)."""
    taken_at = taken_at or timezone.now()
    processed = processed or prepare(content)
    previous = _last_snapshots([camera]).get(camera.pk)
    frame = _score(camera, processed, previous, taken_at, source)
    frame.next_pull_at = next_pull_at
    return _keep([frame], by=by)[0]


def _frame_arrived(camera: Camera, at, stale: bool) -> None:
    if camera.health == Health.OFFLINE and camera.offline_since:
        outage = at - camera.offline_since
        camera.offline_seconds += max(0, int(outage.total_seconds()))
        _event(camera, CameraEventType.ONLINE, outage=_duration(outage), minutes=int(outage.total_seconds() // 60))
    elif camera.health == Health.ONLINE and camera.last_frame_at and at > camera.last_frame_at:
        camera.online_seconds += int((at - camera.last_frame_at).total_seconds())
    if stale and not camera.stale:
        _event(camera, CameraEventType.STALE, hours=STALE_HOURS)
    elif camera.stale and not stale:
        _event(camera, CameraEventType.FRESH)
    camera.health, camera.offline_since, camera.stale = Health.ONLINE, None, stale
    camera.last_frame_at = max(at, camera.last_frame_at) if camera.last_frame_at else at
    camera.failures, camera.last_error = 0, ""


def _duration(delta: datetime.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return _("%(minutes)s min") % {"minutes": minutes}
    hours, minutes = divmod(minutes, 60)
    return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}


def push_snapshot(camera: Camera, content: bytes, *, by) -> Snapshot:
    """A snapshot the site sends through the API, for a camera in the sender's scope."""
    if not Snapshot.objects.none().model or not can(by, Action.ADD, Snapshot):
        raise PermissionDenied
    project_ok = type(camera.project).objects.restrict(by, Action.VIEW).filter(pk=camera.project_id).exists()
    if not project_ok:
        raise PermissionDenied
    return store_snapshot(camera, content, source=SnapshotSource.PUSHED, by=by)


# --- the scheduler's work ------------------------------------------------------------------


def in_working_hours(camera: Camera, now) -> bool:
    local = timezone.localtime(now).time()
    return camera.work_start <= local < camera.work_end


def due_cameras(now, limit: int = 1000) -> list[Camera]:
    due = (
        Camera.objects.filter(active=True, archived_at__isnull=True)
        .exclude(source=SourceKind.PUSH)
        .filter(Q(next_pull_at__isnull=True) | Q(next_pull_at__lte=now))
        .order_by("next_pull_at", "pk")
    )
    return [camera for camera in due[:limit] if in_working_hours(camera, now)]


BATCH = 200  # frames written per transaction by the pull


def _pull_one(camera: Camera, previous: Snapshot | None, now, timeout: float) -> _Frame:
    """A pool thread's whole share of one camera: download (or ffmpeg), decode once at a
    quarter of the size, score, write the files. No database: the rows are the caller's."""
    frame = _score(camera, prepare(capture.grab(camera, timeout)), previous, now, SnapshotSource.PULLED)
    frame.next_pull_at = now + datetime.timedelta(minutes=camera.interval)
    return frame


def pull_due(now=None, *, timeout: float = capture.TIMEOUT) -> dict:
    """One tick: every due camera's frame grabbed, decoded, scored and written to storage in a
    bounded pool of threads (the network and OpenCV leave the GIL), then the rows kept in
    batches (bench/RESULTS.md: one transaction per frame was the pipeline's bottleneck); the
    failing cameras backed off, then the cameras gone silent looked for. One camera's failure
    never stops the others."""
    now = now or timezone.now()
    cameras = due_cameras(now)
    counts = {"pulled": 0, "failed": 0}
    touched = set()
    if cameras:
        previous = _last_snapshots(cameras)
        batch = []
        with ThreadPoolExecutor(max_workers=min(workers(), len(cameras))) as pool:
            futures = {pool.submit(_pull_one, c, previous.get(c.pk), now, timeout): c for c in cameras}
            for future in as_completed(futures):
                camera = futures[future]
                try:
                    batch.append(future.result())
                except (capture.CaptureError, ValidationError) as error:
                    reason = str(error) if isinstance(error, capture.CaptureError) else " ".join(error.messages)
                    _failed(camera, reason, now)
                    counts["failed"] += 1
                except Exception as error:  # a bug with one camera: logged, the rest go on
                    log.exception("snapshot of camera %s", camera.pk)
                    _failed(camera, str(error)[:300], now)
                    counts["failed"] += 1
                if len(batch) >= BATCH:
                    counts["pulled"] += _keep_batch(batch, touched)
                    batch = []
        counts["pulled"] += _keep_batch(batch, touched)
    counts["offline"] = check_health(now)
    if touched:
        refresh_activity(timezone.localdate(now), project_ids=touched)
    return counts


def _keep_batch(batch: list[_Frame], touched: set) -> int:
    _keep(batch)
    touched.update(frame.camera.project_id for frame in batch)
    return len(batch)


def _failed(camera: Camera, reason: str, now) -> None:
    """Back off: the interval doubled per failure in a row, up to two hours."""
    camera = Camera.objects.get(pk=camera.pk)
    camera.failures = min(camera.failures + 1, 20)
    wait = min(camera.interval * 2 ** (camera.failures - 1), MAX_BACKOFF)
    camera.next_pull_at = now + datetime.timedelta(minutes=wait)
    camera.last_error = reason[:300]
    if camera.failures == 1:
        _event(camera, CameraEventType.FAILED, result=reason[:200])
    camera.save()


def check_health(now=None) -> int:
    """Cameras without a frame for their `offline_after` minutes (counted within working
    hours, so that a night without pulls is no outage) go offline, with an event."""
    now = now or timezone.now()
    gone = 0
    candidates = Camera.objects.filter(active=True, archived_at__isnull=True).exclude(health=Health.OFFLINE)
    for camera in candidates.select_related(None):
        if not in_working_hours(camera, now):
            continue
        local = timezone.localtime(now)
        opened = timezone.make_aware(datetime.datetime.combine(local.date(), camera.work_start))
        last = camera.last_frame_at or camera.created
        since = max(last, opened)
        if now - since < datetime.timedelta(minutes=camera.offline_after):
            continue
        with transaction.atomic():
            camera = Camera.objects.select_for_update().get(pk=camera.pk)
            if camera.health == Health.OFFLINE:
                continue
            if camera.health == Health.ONLINE and camera.last_frame_at:
                camera.online_seconds += (
                    int((since - camera.last_frame_at).total_seconds()) if since > camera.last_frame_at else 0
                )
            camera.health, camera.offline_since = Health.OFFLINE, since
            local_since = timezone.localtime(camera.last_frame_at) if camera.last_frame_at else None
            _event(
                camera, CameraEventType.OFFLINE, since=local_since.strftime("%Y-%m-%d %H:%M") if local_since else "—"
            )
            camera.save()
            gone += 1
    return gone


# --- activity and idle runs ----------------------------------------------------------------


def _counts_towards_idle(day: datetime.date, region, stoppages) -> bool:
    from keyprojects.core.calendar import CalendarMissing, is_working_day

    try:
        working = is_working_day(day)
    except CalendarMissing:
        working = day.weekday() < 5
    if not working:
        return False
    return not any(s.region_id is None or region.path.startswith(s.region.path) for s in stoppages.get(day, ()))


def refresh_activity(day: datetime.date, project_ids=None) -> int:
    """The day's activity index per site (one aggregate), and its idle run carried on from the
    site's previous day."""
    from keyprojects.projects.models import Project

    snapshots = Snapshot.objects.filter(day=day)
    if project_ids is not None:
        snapshots = snapshots.filter(project_id__in=project_ids)
    rows = snapshots.values("project_id").annotate(
        n=Count("pk"),
        top=Max("activity"),
        people=Max("people"),
        moving=Count("pk", filter=Q(change__gte=detection.ACTIVE_CHANGE)),
    )
    rows = {row["project_id"]: row for row in rows}
    if not rows:
        return 0
    stoppages = {}
    for stop in StoppageDay.objects.filter(archived_at__isnull=True, day__lte=day).select_related("region"):
        stoppages.setdefault(stop.day, []).append(stop)
    regions = dict(Project.objects.filter(pk__in=rows).select_related("region").values_list("pk", "region__path"))
    before = {}
    for found in DailyActivity.objects.filter(project_id__in=rows, day__lt=day).order_by("project_id", "-day"):
        before.setdefault(found.project_id, found)
    fresh = []
    for project_id, row in rows.items():
        active = row["moving"] >= 2 or row["people"] > 0
        previous = before.get(project_id)
        carried = previous.idle_days if previous and not previous.active else 0
        region = _Path(regions.get(project_id, ""))
        if active:
            idle = 0
        elif _counts_towards_idle(day, region, stoppages):
            idle = carried + 1
        else:
            idle = carried
        fresh.append(
            DailyActivity(
                project_id=project_id,
                day=day,
                index=round(row["top"] or 0, 1),
                snapshots=row["n"],
                people=row["people"] or 0,
                active=active,
                idle_days=idle,
            )
        )
    with transaction.atomic():
        DailyActivity.objects.filter(day=day, project_id__in=rows).delete()
        DailyActivity.objects.bulk_create(fresh)
    return len(fresh)


class _Path:
    def __init__(self, path):
        self.path = path or ""


# --- retention -----------------------------------------------------------------------------


def thin_snapshots(today: datetime.date, keep: int | None = None) -> int:
    """Full snapshots for `keep` days (90), then one a day per camera (the day's last); a
    snapshot a finding shows is kept whatever its age. Returns how many were removed."""
    cutoff = today - datetime.timedelta(days=keep if keep is not None else keep_days())
    old = Snapshot.objects.filter(day__lt=cutoff)
    last_of_day = old.values("camera_id", "day").annotate(last=Max("pk")).values_list("last", flat=True)
    Snapshot.objects.filter(pk__in=list(last_of_day)).update(kept=True)
    shown = Inspection.objects.filter(snapshot__isnull=False).values("snapshot_id")
    doomed = old.filter(kept=False).exclude(pk__in=shown)
    removed = 0
    for snapshot in doomed.iterator(chunk_size=1000):
        for field in (snapshot.image, snapshot.thumbnail):
            if field:
                field.storage.delete(field.name)
        removed += 1
    doomed.delete()
    return removed


# --- findings ------------------------------------------------------------------------------


def record_inspection(inspection: Inspection, *, by) -> Inspection:
    """巡查: the dispatcher's finding for a site and day (today when not given); a second
    finding the same day replaces the first. The snapshot, when given, must be the site's."""
    from keyprojects.projects.models import Project

    if not Project.objects.restrict(by, Action.VIEW).filter(pk=inspection.project_id).exists():
        raise PermissionDenied(_("This site is outside your scope."))
    if not can(by, Action.ADD, Inspection):
        raise PermissionDenied
    inspection.day = inspection.day or timezone.localdate()
    if inspection.day > timezone.localdate():
        raise ValidationError({"day": _("The day is in the future.")})
    if inspection.snapshot_id and inspection.snapshot.project_id != inspection.project_id:
        raise ValidationError({"snapshot": _("This snapshot is from another site.")})
    existing = Inspection.objects.filter(project_id=inspection.project_id, day=inspection.day).first()
    if existing is not None and existing.pk != inspection.pk:
        existing.finding, existing.note = inspection.finding, inspection.note
        existing.snapshot_id = inspection.snapshot_id or existing.snapshot_id
        inspection = existing
    inspection.inspector = by
    with acting(by):
        inspection.full_clean()
        inspection.save()
    return inspection


def raise_from_inspection(inspection: Inspection, *, by, category: str = "", title: str = "") -> Inspection:
    """A finding becomes a problem in the ledger for the site's responsible unit (its county),
    with the snapshot attached; once per finding."""
    from keyprojects.problems import services as problems
    from keyprojects.problems.choices import Category, Source
    from keyprojects.problems.models import Problem

    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.problem_id:
        raise ValidationError(_("This finding has already raised a problem."))
    project = inspection.project
    title = title or _("Video dispatch: %(finding)s at %(project)s") % {
        "finding": inspection.get_finding_display(),
        "project": project.name,
    }
    description = inspection.note or str(inspection.get_finding_display())
    problem = Problem(
        title=title[:100],
        description=f"{description}\n({_('video dispatch')} {inspection.day:%Y-%m-%d})",
        category=category or FINDING_CATEGORY.get(inspection.finding, Category.OTHER),
        source=Source.INSPECTION,
        project=project,
    )
    evidence = None
    if inspection.snapshot_id and inspection.snapshot.image:
        with inspection.snapshot.image.open("rb") as handle:
            evidence = ContentFile(handle.read(), name=f"snapshot-{inspection.snapshot_id}.jpg")
    problem = problems.raise_problem(problem, by=by, evidence=evidence)
    inspection.problem = problem
    with acting(by):
        inspection.save()
    return inspection
