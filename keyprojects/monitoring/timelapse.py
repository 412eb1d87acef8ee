"""A monthly timelapse per camera from the kept snapshots: the day's last frame of each day of
the month, four a second, as H.264 MP4 by ffmpeg (a month is at most 31 frames: built on
request in about a second, nothing stored)."""

import datetime
import subprocess
import tempfile
from pathlib import Path

from django.db.models import Max

from .models import Snapshot


def month_frames(camera, month: datetime.date) -> list[Snapshot]:
    start = month.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1)
    last = (
        Snapshot.objects.filter(camera=camera, day__gte=start, day__lt=end)
        .values("day")
        .annotate(last=Max("pk"))
        .values_list("last", flat=True)
    )
    return list(Snapshot.objects.filter(pk__in=list(last)).order_by("taken_at"))


def timelapse_mp4(frames: list[Snapshot], fps: int = 4) -> bytes:
    with tempfile.TemporaryDirectory(prefix="kp-timelapse-") as folder:
        for n, snapshot in enumerate(frames):
            with snapshot.image.open("rb") as handle:
                (Path(folder) / f"{n:04d}.jpg").write_bytes(handle.read())
        out = Path(folder) / "timelapse.mp4"
        command = [
            "ffmpeg", "-nostdin", "-loglevel", "error", "-framerate", str(fps), "-i", str(Path(folder) / "%04d.jpg"),
            "-vf", "scale=960:-2", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
            "-movflags", "+faststart", str(out),
        ]  # fmt: skip
        subprocess.run(command, check=True, capture_output=True, timeout=120)
        return out.read_bytes()
