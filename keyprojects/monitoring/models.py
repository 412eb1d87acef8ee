import datetime
import functools

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from keyprojects.core.access import ALL_ROLES, STAFF, Action, RestrictedQuerySet, Role, Scope
from keyprojects.core.events import Event
from keyprojects.core.models import BaseModel
from keyprojects.projects.models import Project

from .choices import CameraEventType, Finding, Health, SnapshotSource, SourceKind

SITE_SCOPE = Project.scope.via("project")
DISPATCH = frozenset({Role.DISPATCHER, Role.CITY_ADMIN})  # who records findings (视频调度员)
NOBODY = frozenset()


class Camera(BaseModel):
    """摄像头: one camera on a project's site, where its frames come from, when it is pulled,
    and its health. The password is kept encrypted (credentials.py) and never shown back."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="cameras")
    name = models.CharField(_("name"), max_length=100)
    position = models.CharField(_("position on site"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=SourceKind.choices, default=SourceKind.HTTP)
    url = models.CharField(
        _("address"),
        max_length=500,
        blank=True,
        help_text=_("rtsp://…, http(s)://… of a snapshot, an HLS .m3u8 or an HTTP-FLV stream; blank when pushed."),
    )
    username = models.CharField(_("user name"), max_length=100, blank=True)
    secret = models.TextField(_("password (encrypted)"), blank=True, editable=False)
    live_url = models.CharField(
        _("live view (HLS)"), max_length=500, blank=True, help_text=_("An .m3u8 address the browser may play.")
    )
    interval = models.PositiveSmallIntegerField(
        _("minutes between snapshots"), default=10, validators=[MinValueValidator(1), MaxValueValidator(720)]
    )
    work_start = models.TimeField(_("working hours from"), default=datetime.time(7, 0))
    work_end = models.TimeField(_("working hours to"), default=datetime.time(19, 0))
    offline_after = models.PositiveSmallIntegerField(
        _("offline after (minutes without a frame)"), default=30, validators=[MinValueValidator(1)]
    )
    # Polygons (lists of [x, y] in 0–1 of the image) left out of the activity score: roads, sky.
    masks = models.JSONField(_("masks"), default=list, blank=True)
    active = models.BooleanField(_("monitored"), default=True)
    # Kept by the scheduler, not by users.
    health = models.CharField(
        _("health"), max_length=10, choices=Health.choices, default=Health.UNKNOWN, editable=False, db_index=True
    )
    last_frame_at = models.DateTimeField(_("last frame"), null=True, blank=True, editable=False)
    offline_since = models.DateTimeField(_("offline since"), null=True, blank=True, editable=False)
    stale = models.BooleanField(_("frozen image"), default=False, editable=False)
    same_since = models.DateTimeField(null=True, blank=True, editable=False)  # the image unchanged since
    next_pull_at = models.DateTimeField(_("next snapshot"), null=True, blank=True, editable=False)
    failures = models.PositiveSmallIntegerField(_("failures in a row"), default=0, editable=False)
    last_error = models.CharField(_("last error"), max_length=300, blank=True, editable=False)
    online_seconds = models.BigIntegerField(default=0, editable=False)
    offline_seconds = models.BigIntegerField(default=0, editable=False)

    # The password is recorded as changed, never with its value; the scheduler's bookkeeping
    # is not news (health changes are CameraEvent rows).
    log_mask = frozenset({"secret"})
    log_exclude = frozenset(
        {
            "updated",
            "last_frame_at",
            "same_since",
            "next_pull_at",
            "failures",
            "last_error",
            "online_seconds",
            "offline_seconds",
        }
    )
    scope = SITE_SCOPE
    rights = {
        Action.VIEW: ALL_ROLES - {Role.ENTERPRISE},  # an enterprise sees its sites' snapshots only
        Action.ADD: STAFF,
        Action.CHANGE: STAFF,
        Action.ARCHIVE: STAFF,
        "test": STAFF,
    }

    class Meta:
        ordering = ["project", "name", "pk"]
        verbose_name = _("camera")
        verbose_name_plural = _("cameras")
        indexes = [models.Index(fields=["active", "next_pull_at"])]

    def __str__(self):
        return f"{self.project} · {self.name}"

    @property
    def has_password(self) -> bool:
        return bool(self.secret)

    @property
    def uptime(self) -> float | None:
        """Share of the watched time the camera was online, in %."""
        total = self.online_seconds + self.offline_seconds
        return round(100 * self.online_seconds / total, 1) if total else None


class SnapshotQuerySet(RestrictedQuerySet):
    pass


class Snapshot(models.Model):
    """抓拍: one timed image from a camera, as a JPEG with its thumbnail and its activity score.

    Machine data, not a user's record: tens of thousands a day, so not in the change log; the
    retention job thins old ones to one a day (DESIGN's "nothing a user created is deleted"
    does not cover them; a snapshot attached to a finding is kept)."""

    camera = models.ForeignKey(Camera, verbose_name=_("camera"), on_delete=models.PROTECT, related_name="snapshots")
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="+")
    taken_at = models.DateTimeField(_("taken at"), db_index=True)
    day = models.DateField(_("day"))
    image = models.ImageField(_("image"), upload_to="snapshots/%Y/%m/%d/", max_length=200)
    thumbnail = models.ImageField(_("thumbnail"), upload_to="snapshots/%Y/%m/%d/", max_length=200)
    width = models.PositiveSmallIntegerField(_("width"), default=0)
    height = models.PositiveSmallIntegerField(_("height"), default=0)
    source = models.CharField(_("source"), max_length=10, choices=SnapshotSource.choices)
    digest = models.CharField(max_length=64, blank=True)  # a small image hash: a frozen stream repeats it
    change = models.FloatField(_("change score"), default=0)  # % of the unmasked image that moved
    people = models.PositiveSmallIntegerField(_("people seen"), default=0)
    activity = models.FloatField(_("activity"), default=0)  # 0–100
    stale = models.BooleanField(_("frozen image"), default=False)
    kept = models.BooleanField(_("kept for the record"), default=False)  # the day's one after thinning

    objects = SnapshotQuerySet.as_manager()
    scope = SITE_SCOPE
    rights = {
        Action.VIEW: ALL_ROLES,
        Action.ADD: STAFF | {Role.ENTERPRISE},  # a site pushes its own snapshots
        Action.CHANGE: NOBODY,
        Action.ARCHIVE: NOBODY,
    }

    class Meta:
        ordering = ["-taken_at", "-pk"]
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        indexes = [
            models.Index(fields=["camera", "-taken_at"]),
            models.Index(fields=["project", "day", "-taken_at"]),
        ]

    def __str__(self):
        return f"{self.camera.name} · {self.taken_at:%Y-%m-%d %H:%M}"

    @classmethod
    def url_name(cls, view):
        return f"monitoring:snapshot_{view}"

    def get_absolute_url(self):
        return reverse("monitoring:snapshot_detail", args=[self.pk])

    @property
    def is_archived(self):
        return False

    @property
    def image_url(self):
        return _url("monitoring:snapshot_image", get_script_prefix()).replace(_PK, str(self.pk))

    @property
    def thumbnail_url(self):
        return _url("monitoring:snapshot_thumbnail", get_script_prefix()).replace(_PK, str(self.pk))


_PK = "2147483646"  # a pk standing for the snapshot's in an address reversed once


@functools.cache
def _url(name, script_prefix):
    """reverse() once per address and script prefix: the dispatch list shows 60 snapshots, two
    addresses each (the same habit as core.models._detail_url)."""
    return reverse(name, args=[_PK])


class CameraEvent(Event):
    """摄像头动态: a camera going offline, coming back (with the outage's length), freezing,
    a connection test; shown on the project's timeline and the dispatch list."""

    camera = models.ForeignKey(Camera, verbose_name=_("camera"), on_delete=models.PROTECT, related_name="events")
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="+")
    type = models.CharField(_("type"), max_length=10, choices=CameraEventType.choices)

    scope = SITE_SCOPE
    rights = {Action.ADD: NOBODY, Action.CHANGE: NOBODY, Action.ARCHIVE: NOBODY}  # by services
    texts = {
        CameraEventType.OFFLINE: _("%(camera)s went offline: no frame since %(since)s."),
        CameraEventType.ONLINE: _("%(camera)s is back online after %(outage)s."),
        CameraEventType.STALE: _("%(camera)s shows the same image for %(hours)s hours: not live."),
        CameraEventType.FRESH: _("%(camera)s shows a moving image again."),
        CameraEventType.TESTED: _("Connection to %(camera)s tested: %(result)s"),
        CameraEventType.FAILED: _("Snapshot from %(camera)s failed: %(result)s"),
    }

    class Meta(Event.Meta):
        verbose_name = _("camera event")
        verbose_name_plural = _("camera events")

    def __str__(self):
        return f"{self.get_type_display()} · {self.camera}"


class DailyActivity(models.Model):
    """现场活跃度: one site's activity index for one day, from its cameras' snapshots."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    index = models.FloatField(_("activity index"), default=0)
    snapshots = models.PositiveIntegerField(_("snapshots"), default=0)
    people = models.PositiveSmallIntegerField(_("most people seen"), default=0)
    active = models.BooleanField(_("active"), default=False)
    # Observed working days in a row without activity up to this day (holidays, rest days and
    # stoppage days neither count nor break the run).
    idle_days = models.PositiveSmallIntegerField(_("working days without activity"), default=0)

    objects = RestrictedQuerySet.as_manager()
    scope = SITE_SCOPE
    rights = {Action.ADD: NOBODY, Action.CHANGE: NOBODY, Action.ARCHIVE: NOBODY}

    class Meta:
        ordering = ["-day", "project"]
        verbose_name = _("daily activity")
        verbose_name_plural = _("daily activity")
        constraints = [models.UniqueConstraint(fields=["project", "day"], name="dailyactivity_one_per_day")]
        # The dispatch list's idle count, read from the index alone (no visit to the table).
        indexes = [models.Index(fields=["day", "idle_days", "project"], name="dailyactivity_idle")]

    def __str__(self):
        return f"{self.project} · {self.day}"


class StoppageDay(BaseModel):
    """重污染天气停工日: a day construction is ordered to stop (heavy pollution), in a region or
    citywide; it is not counted towards "suspected idle"."""

    day = models.DateField(_("day"))
    region = models.ForeignKey(
        "orgs.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Blank for the whole city."),
    )
    reason = models.CharField(_("reason"), max_length=200, default="重污染天气应急管控")

    scope = Scope(reference=True)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("construction stoppage day")
        verbose_name_plural = _("construction stoppage days")

    def __str__(self):
        return f"{self.day} · {self.reason}"


class Inspection(BaseModel):
    """巡查记录: the dispatcher's finding for one site on one day, with its note and snapshot;
    it may raise a problem in the problem ledger for the responsible unit."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="inspections"
    )
    day = models.DateField(_("day"))
    finding = models.CharField(_("finding"), max_length=12, choices=Finding.choices)
    note = models.TextField(_("note"), blank=True)
    snapshot = models.ForeignKey(
        Snapshot, verbose_name=_("snapshot"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dispatcher"), on_delete=models.PROTECT, related_name="+"
    )
    problem = models.ForeignKey(
        "problems.Problem",
        verbose_name=_("problem raised"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scope = SITE_SCOPE
    rights = {
        Action.VIEW: ALL_ROLES,
        Action.ADD: DISPATCH,
        Action.CHANGE: DISPATCH,
        Action.ARCHIVE: DISPATCH,
        "raise": DISPATCH,
    }

    class Meta:
        ordering = ["-day", "-pk"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        constraints = [models.UniqueConstraint(fields=["project", "day"], name="inspection_one_per_site_day")]
        indexes = [models.Index(fields=["day"])]  # the day's round, city-wide

    def __str__(self):
        return f"{self.project} · {self.day} · {self.get_finding_display()}"
