from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    """Where a camera's frames come from."""

    RTSP = "rtsp", _("RTSP stream (H.264/H.265)")
    HTTP = "http", _("HTTP snapshot URL")
    HLS = "hls", _("HLS stream from a video platform")
    FLV = "flv", _("HTTP-FLV stream from a video platform")
    PUSH = "push", _("Snapshots pushed by the site")


class Health(models.TextChoices):
    """摄像头状态: what the dispatcher sees of a camera."""

    UNKNOWN = "unknown", _("No frame yet")
    ONLINE = "online", _("Online")
    OFFLINE = "offline", _("Offline")


class CameraEventType(models.TextChoices):
    OFFLINE = "offline", _("Camera offline")
    ONLINE = "online", _("Camera back online")
    STALE = "stale", _("Frozen image")
    FRESH = "fresh", _("Image moving again")
    TESTED = "tested", _("Connection tested")
    FAILED = "failed", _("Snapshot failed")


class SnapshotSource(models.TextChoices):
    PULLED = "pulled", _("Pulled on schedule")
    PUSHED = "pushed", _("Pushed by the site")
    DEMO = "demo", _("Generated (demo)")


class Finding(models.TextChoices):
    """巡查结论: the dispatcher's finding for one site on one day."""

    WORKING = "working", _("Normal construction")  # 正常施工
    FEW = "few", _("Few workers and machines")  # 人员机械少
    STOPPED = "stopped", _("Work stopped")  # 停工
    NO_SIGNAL = "no_signal", _("No signal")  # 无信号
    HAZARD = "hazard", _("Safety hazard")  # 安全隐患
    DUST = "dust", _("Dust")  # 扬尘
    OTHER = "other", _("Other")


# The findings that usually become a problem for the responsible unit.
PROBLEM_FINDINGS = frozenset({Finding.STOPPED, Finding.NO_SIGNAL, Finding.HAZARD, Finding.DUST})
# The problem ledger's category for a finding raised as a problem.
FINDING_CATEGORY = {Finding.DUST: "environment", Finding.HAZARD: "other", Finding.STOPPED: "other"}
