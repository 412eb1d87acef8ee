"""Video dispatch: scoring against decoding, the pull pipeline's throughput, and the daily
dispatch list against the bare ORM query of its rows.

    python -m bench.monitoring                         # SQLite under var/, quick sizes
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kp_monitoring python -m bench.monitoring \\
        --cameras 10000 --pull 400 --markdown

1. scoring: everything store_snapshot computes on one 1920×1080 JPEG (decode at a quarter,
   thumbnail, hash, frame difference with a mask, HOG people where it moved) against the
   reference cv2.imdecode of the same JPEG at full size, same run; target ≤ 1.5×.
2. pipeline: two ticks of `services.pull_due` over N cameras pulling 1080p JPEGs from local
   HTTP servers (`python -m http.server`, separate processes), storing and scoring each (the
   second tick serves each camera another site's picture: three in four frames moved, HOG
   runs on those); snapshots a second, target ≥ 17 (10,000 cameras at one every 10 minutes).
   Reference, same run: fetching the same JPEGs with the same client and threads and decoding
   each at full size, nothing kept, timed just before and after each tick; ratio = reference
   rate / pipeline rate. CPU per
   snapshot = this process (all threads) + its PostgreSQL backend, the camera servers left out;
   2,000 ms / that = snapshots a second two idle cores could keep.
3. dispatch list: the page (30 rows, summary, snapshots) for a city dispatcher over N sites
   with a camera and two days of snapshots each, against the bare ORM query of the same rows.
"""

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyprojects.settings")


def median_ms(function, repeat=30, warmup=3):
    for _ in range(warmup):
        function()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def bench_scoring(out):
    import cv2
    import numpy as np

    from keyprojects.monitoring import detection
    from keyprojects.monitoring.synthetic import site_image

    previous = site_image(1, size=(1920, 1080), grain=1)
    current = site_image(2, size=(1920, 1080), grain=2)
    masks = [[[0, 0], [1, 0], [1, 0.25], [0, 0.25]]]  # the sky
    before = detection.process(previous)
    detector = detection.detector()

    def score():
        processed = detection.process(current)
        mask = detection.mask_for(processed.small.grey.shape, masks)
        found = detector.score(processed.small, before.small, mask)
        if found.moved:
            detector.people_in(processed.frame, masks)

    def decode():
        cv2.imdecode(np.frombuffer(current, np.uint8), cv2.IMREAD_COLOR)

    reference = median_ms(decode)
    scoring = median_ms(score)
    ratio = scoring / reference
    verdict = "ok" if ratio <= 1.5 else "**missed**"
    size = f"{len(current) // 1024} KiB"
    out(f"| scoring one 1080p snapshot | {size} | {scoring:.1f} | {reference:.1f} | {ratio:.2f} | ≤ 1.5 {verdict} |")
    return ratio


def _site_world(n_sites, days=2, with_files=False):
    """n started projects in 漯河's counties, each with a push camera and `days` days of two
    snapshots (rows only: the files are not read by the list)."""
    from django.utils import timezone

    from keyprojects.monitoring.models import Camera, DailyActivity, Snapshot
    from keyprojects.orgs.models import Region
    from keyprojects.projects.models import Project

    regions = list(Region.objects.filter(parent__isnull=False))
    projects = Project.objects.bulk_create(
        [
            Project(
                name=f"基准项目{i:05d}", region=regions[i % len(regions)], stage="started", signboard_token=f"bm{i}"
            )
            for i in range(n_sites)
        ],
        batch_size=2000,
    )
    cameras = Camera.objects.bulk_create(
        [Camera(project=p, name="1号", source="push") for p in projects], batch_size=2000
    )
    today = timezone.localdate()
    shots, activity = [], []
    for back in range(days):
        day = today - datetime.timedelta(days=back)
        at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
        for i, camera in enumerate(cameras):
            for k in range(2):
                shots.append(
                    Snapshot(
                        camera=camera, project_id=camera.project_id, taken_at=at + datetime.timedelta(hours=k), day=day,
                        image=f"bench/{i}.jpg", thumbnail=f"bench/{i}-t.jpg", source="demo", activity=i % 50,
                    )
                )  # fmt: skip
            activity.append(
                DailyActivity(project_id=camera.project_id, day=day, index=i % 50, snapshots=2, idle_days=i % 5)
            )
    Snapshot.objects.bulk_create(shots, batch_size=5000)
    DailyActivity.objects.bulk_create(activity, batch_size=5000)
    return projects


def bench_dispatch(n_sites, out):
    from django.test import Client

    from keyprojects.core.access import Role
    from keyprojects.monitoring.models import Camera
    from keyprojects.orgs.models import Membership, User
    from keyprojects.projects.models import Project

    _site_world(n_sites)
    user = User.objects.create_user("bench_dispatcher", password="x")
    Membership.objects.create(user=user, role=Role.DISPATCHER)
    client = Client()
    client.force_login(user)

    def page():
        answer = client.get("/monitoring/dispatch/")
        assert answer.status_code == 200

    def reference():  # the same 30 rows and their count, by the bare ORM
        watched = Camera.objects.filter(active=True).values("project_id")
        rows = Project.objects.filter(pk__in=watched, archived_at__isnull=True).order_by("region__path", "pk")
        rows.count()
        list(rows.values("pk", "name", "region__name")[:30])

    ms, ref = median_ms(page, repeat=15), median_ms(reference, repeat=15)
    ratio = ms / ref
    verdict = "ok" if ratio <= 3 else "**missed**"
    out(f"| dispatch list, city dispatcher | {n_sites:,} sites | {ms:.1f} | {ref:.1f} | {ratio:.2f} | ≤ 3 {verdict} |")
    return ratio


def _cpu_seconds() -> float:
    """This process's CPU (every thread) plus its PostgreSQL backend's, read from /proc (the
    server runs on this machine): what a snapshot costs us, the cameras' servers left out."""
    from django.db import connection

    total = time.process_time()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            pass
    return total


def _reference_pull(urls, workers):
    """The bare cost: fetch the same JPEGs with the same client and number of threads, and
    decode each at full size, nothing kept."""
    from concurrent.futures import ThreadPoolExecutor

    import cv2
    import numpy as np

    from keyprojects.monitoring import capture

    def one(url):
        content = capture._client().get(url, timeout=capture.TIMEOUT).content
        return cv2.imdecode(np.frombuffer(content, np.uint8), cv2.IMREAD_COLOR).shape

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return len(list(pool.map(one, urls)))


def bench_pipeline(n_cameras, out):
    """Two ticks of `pull_due` over N cameras: the first finds no previous frame, the second
    serves every camera another picture, so each frame is scored as moved (HOG runs); the
    reference pulls and decodes the same files just before and after each tick."""
    from django.conf import settings
    from django.utils import timezone

    from keyprojects.monitoring import detection, services
    from keyprojects.monitoring.models import Camera, Snapshot
    from keyprojects.monitoring.synthetic import site_image
    from keyprojects.projects.models import Project

    folder = Path(tempfile.mkdtemp(prefix="kp-cams-"))
    for k in range(8):  # eight sites; a tick later each camera shows another: most frames moved
        (folder / f"cam{k}.jpg").write_bytes(site_image(k, seed=k, size=(1920, 1080), grain=k))
    servers, ports = [], []
    for k in range(2):
        port = 18600 + k + os.getpid() % 1000
        servers.append(
            subprocess.Popen(
                [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "-d", str(folder)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
        )
        ports.append(port)
    time.sleep(1.0)
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="kp-media-")

    def url(i, tick):
        return f"http://127.0.0.1:{ports[i % 2]}/cam{(i + 4 * tick) % 8}.jpg"

    rates = []
    try:
        project = Project.objects.filter(name__startswith="基准项目").first() or _site_world(1, days=0)[0]
        cameras = Camera.objects.bulk_create(
            [Camera(project=project, name=f"拉取{i}", source="http", url=url(i, 0)) for i in range(n_cameras)]
        )
        day = timezone.localdate()
        for tick, label in enumerate(("first frames", "against the previous frame")):
            if tick:
                for i, camera in enumerate(cameras):
                    camera.url = url(i, tick)
                Camera.objects.bulk_update(cameras, ["url"])
            urls = [url(i, tick) for i in range(n_cameras)]
            now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, tick * 10)))
            _reference_pull(urls[:20], services.workers())  # warm
            ref_seconds, ref_cpu = [], []
            for _ in range(2):  # before and after the tick: the machine is shared
                if ref_seconds:
                    before = Snapshot.objects.count()
                    cpu, started = _cpu_seconds(), time.perf_counter()
                    counts = services.pull_due(now)
                    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
                    pulled = Snapshot.objects.count() - before
                cpu0, started = _cpu_seconds(), time.perf_counter()
                _reference_pull(urls, services.workers())
                ref_seconds.append(time.perf_counter() - started)
                ref_cpu.append(_cpu_seconds() - cpu0)
            moved = Snapshot.objects.filter(taken_at=now, change__gte=detection.ACTIVE_CHANGE).count()
            if tick:
                label += f", {100 * moved // max(pulled, 1)} % moved"
            rate, ref_rate = pulled / seconds, n_cameras / statistics.mean(ref_seconds)
            cpu_ms, ref_cpu_ms = cpu * 1000 / max(pulled, 1), statistics.mean(ref_cpu) * 1000 / n_cameras
            verdict = "ok" if rate >= 17 else "**missed**"
            out(
                f"| pull pipeline, {label} (HTTP, 1080p JPEG, store + score) | {n_cameras} cameras "
                f"| {rate:.1f}/s | {ref_rate:.1f}/s | {ref_rate / rate:.2f} "
                f"| ≥ 17/s {verdict} (failed {counts['failed']}) |"
            )
            out(
                f"| … CPU per snapshot (process + its PostgreSQL backend) | {n_cameras} cameras | {cpu_ms:.1f} ms "
                f"| {ref_cpu_ms:.1f} ms | {cpu_ms / ref_cpu_ms:.2f} | {2000 / cpu_ms:.0f}/s on 2 idle cores |"
            )
            rates.append(rate)
        return rates
    finally:
        for server in servers:
            server.terminate()


HEAD = "| scenario | size | ms (median) | reference ms | ratio | target |\n|---|---:|---:|---:|---:|---|"
PIPE_HEAD = (
    "| pipeline | size | ours | reference | ratio (ours ÷ reference in cost) | target |\n|---|---:|---:|---:|---:|---|"
)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cameras", type=int, default=2000, help="sites on the dispatch list")
    parser.add_argument("--pull", type=int, default=200, help="cameras pulled by the pipeline run")
    parser.add_argument("--only", nargs="*", default=["scoring", "dispatch", "pipeline"])
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    django.setup()
    from django.conf import settings
    from django.db import connection, transaction

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    lines, pipe = [], []

    def out(line):
        (pipe if line.startswith(("| pull", "| …")) else lines).append(line)
        print(line, flush=True)

    if "scoring" in args.only:
        bench_scoring(out)
    with transaction.atomic():  # generated rows are rolled back
        if "dispatch" in args.only:
            bench_dispatch(args.cameras, out)
        if "pipeline" in args.only:
            bench_pipeline(args.pull, out)
        transaction.set_rollback(True)
    if args.markdown:
        stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
        prefix = "DATABASE_URL=… " if os.environ.get("DATABASE_URL") else ""
        command = " ".join([f"{prefix}python -m bench.monitoring", *sys.argv[1:]])
        db = connection.vendor
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        with open(Path(__file__).with_name("RESULTS.md"), "a", encoding="utf-8") as handle:
            handle.write(f"\n## {stamp} · video dispatch\n\n- command: `{command}` ({db})\n")
            handle.write(f"- machine: {os.cpu_count()} CPUs, shared; load average at the end {load}\n\n")
            if lines:
                handle.write(HEAD + "\n" + "\n".join(lines) + "\n\n")
            if pipe:
                handle.write(PIPE_HEAD + "\n" + "\n".join(pipe) + "\n")


if __name__ == "__main__":
    main()
