"""The load run (issue 18, item 8): the production stack as deploy/ runs it (gunicorn with
deploy/gunicorn.conf.py and the production settings, PostgreSQL, Redis for cache and sessions) on
loopback over the benchmark database, then signed-in users reading the main pages and API in a
loop: one user alone first, then `--users` at once, each for `--seconds`, in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kp_bench .venv/bin/python -m bench.load --markdown

Reports requests, errors (any status but 200, or a failed connection), median and p95 latency
and throughput, and the ratio of the concurrent throughput to the single user's (target ≥ 1.6×
on two cores: the machine is shared, so the ratio is the measure). The client (httpx, asyncio)
runs on the same machine. Not part of `make test`: a benchmark."""

import argparse
import asyncio
import os
import secrets
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
USERS = ("bench_city_admin", "bench_county", "bench_city")
PATHS = (
    "/projects/projects/",
    "/projects/projects/?stage=started",
    "/api/projects/projects/",
    "/projects/reports/",
    "/orgs/contacts/",
    "/api/orgs/contacts/",
    "/campaigns/indicators/",
    "/api/campaigns/indicators/?by=phase",
    "/dashboards/campaign/",
)
THROUGHPUT_TARGET = 1.6


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--single-seconds", type=int, default=30, help="the one-user run (default 30 s)")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (2 threads each)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--note", default="")
    return parser.parse_args(argv)


def environment(args, work):
    database = os.environ.get("DATABASE_URL")
    if not database or not database.startswith("postgres"):
        sys.exit("bench.load: set DATABASE_URL to the PostgreSQL benchmark database (python -m bench made it).")
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("KEYPROJECTS_TASKS")},
        "KEYPROJECTS_PRODUCTION": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database,
        "REDIS_URL": args.redis,
        "KEYPROJECTS_VAR": str(work),
        "MEDIA_ROOT": str(work / "media"),
        "PROMETHEUS_MULTIPROC_DIR": str(work / "prometheus"),
        "GUNICORN_BIND": f"127.0.0.1:{args.port}",
        "GUNICORN_WORKERS": str(args.workers),
        "GUNICORN_ACCESSLOG": "/dev/null",
        "ADMIN_SECOND_FACTOR": "0",
    }


class Session:
    """One signed-in browser over loopback http, behind the header a TLS proxy sets (the cookies
    are Secure, so they are kept by hand)."""

    def __init__(self, client, base):
        self.client, self.base, self.cookies = client, base, {}

    async def get(self, path):
        response = await self.client.get(self.base + path, headers=self.headers())
        self.cookies.update(response.cookies)
        return response

    def headers(self):
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        referer = self.base.replace("http://", "https://") + "/"  # as the browser behind TLS sends it
        return {"X-Forwarded-Proto": "https", "Referer": referer, "Cookie": cookie}

    async def sign_in(self, username, password):
        await self.get("/login/")
        data = {"username": username, "password": password, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        response = await self.client.post(self.base + "/login/", data=data, headers=self.headers())
        self.cookies.update(response.cookies)
        if response.status_code != 302:
            raise SystemExit(f"bench.load: {username} could not sign in ({response.status_code})")


async def run_users(base, count, seconds, password):
    """`count` users, each reading the pages in turn from a different starting page, for `seconds`."""
    limits = httpx.Limits(max_connections=count + 5, max_keepalive_connections=count + 5)
    async with httpx.AsyncClient(timeout=60, limits=limits, follow_redirects=False) as client:
        sessions = [Session(client, base) for _ in range(count)]
        for n, session in enumerate(sessions):
            await session.sign_in(USERS[n % len(USERS)], password)
        latencies, errors = [], []
        deadline = time.perf_counter() + seconds

        async def user(n, session):
            step = n
            while time.perf_counter() < deadline:
                path = PATHS[step % len(PATHS)]
                step += 1
                started = time.perf_counter()
                try:
                    response = await session.get(path)
                    _ = response.content
                    if response.status_code != 200:
                        errors.append(f"{path} {response.status_code}")
                except httpx.HTTPError as error:
                    errors.append(f"{path} {type(error).__name__}")
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(user(n, s) for n, s in enumerate(sessions)))
        elapsed = time.perf_counter() - started
    return {"users": count, "requests": len(latencies), "errors": errors, "seconds": elapsed, "latencies": latencies}


def p95(values):
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def describe(result):
    lat = result["latencies"]
    return {
        **result,
        "rps": result["requests"] / result["seconds"],
        "median": statistics.median(lat) if lat else float("nan"),
        "p95": p95(lat) if lat else float("nan"),
    }


def main(argv=None):
    args = parse(sys.argv[1:] if argv is None else argv)
    work = Path(tempfile.mkdtemp(prefix="kp-load-"))
    (work / "prometheus").mkdir()
    env = environment(args, work)
    password = "Load-pass-" + secrets.token_hex(4)
    manage = [PY, "manage.py"]
    subprocess.run([*manage, "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [*manage, "shell", "-v", "0", "-c",
         "from keyprojects.orgs.models import User\n"
         f"for u in User.objects.filter(username__in={list(USERS)!r}):\n"
         f"    u.set_password({password!r}); u.save()\n"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    subprocess.run(["redis-cli", "-u", args.redis, "flushdb"], check=False, capture_output=True)
    log = open(work / "gunicorn.log", "w")
    gunicorn = str(Path(PY).with_name("gunicorn"))
    web = subprocess.Popen(
        [gunicorn, "-c", "deploy/gunicorn.conf.py", "keyprojects.wsgi"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                if httpx.get(base + "/health/", timeout=5).status_code in (200, 503):
                    break
            except httpx.HTTPError:
                pass
            if web.poll() is not None:
                raise SystemExit(f"bench.load: gunicorn stopped: {(work / 'gunicorn.log').read_text()[-2000:]}")
            time.sleep(1)
        warm = asyncio.run(run_users(base, 2, 15, password))  # every page once cached, as in service
        single = describe(asyncio.run(run_users(base, 1, args.single_seconds, password)))
        many = describe(asyncio.run(run_users(base, args.users, args.seconds, password)))
    finally:
        web.send_signal(signal.SIGTERM)
        try:
            web.wait(30)
        except subprocess.TimeoutExpired:
            web.kill()
    ratio = many["rps"] / single["rps"]
    for result in (single, many):
        print(
            f"{result['users']:>3} users × {result['seconds']:.0f} s: {result['requests']} requests, "
            f"{len(result['errors'])} errors, median {result['median']:.0f} ms, p95 {result['p95']:.0f} ms, "
            f"{result['rps']:.1f} requests/s"
        )
    print(f"throughput {args.users} users ÷ 1 user: {ratio:.2f}× (target ≥ {THROUGHPUT_TARGET}×); warm-up "
          f"{warm['requests']} requests, {len(warm['errors'])} errors")  # fmt: skip
    errors = single["errors"] + many["errors"]
    if errors:
        print("errors (first 10): " + "; ".join(errors[:10]))
    if args.markdown:
        write_markdown(args, single, many, ratio)
    return 1 if errors or ratio < THROUGHPUT_TARGET else 0


def write_markdown(args, single, many, ratio):
    from . import __main__ as bench

    command = "python -m bench.load " + shlex.join(sys.argv[1:])
    lines = [
        "",
        f"## {datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')} · load run (issue 18, item 8)",
        "",
        *([args.note, ""] if args.note else []),
        f"- command: `DATABASE_URL={os.environ.get('DATABASE_URL')} {command}`",
        f"- machine: {bench.machine()}; load average at the end {os.getloadavg()[0]:.1f}",
        f"- stack: gunicorn (deploy/gunicorn.conf.py, {args.workers} workers × 2 threads, production settings), "
        f"PostgreSQL, Redis cache and sessions; client httpx/asyncio on the same machine",
        f"- pages, in turn from a different start per user: {', '.join(PATHS)}",
        "",
        "| run | users | seconds | requests | errors | median ms | p95 ms | requests/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in (("one user", single), ("concurrent", many)):
        lines.append(
            f"| {name} | {r['users']} | {r['seconds']:.0f} | {r['requests']:,} | {len(r['errors'])} "
            f"| {r['median']:.0f} | {r['p95']:.0f} | {r['rps']:.1f} |"
        )
    verdict = "ok" if ratio >= THROUGHPUT_TARGET and not (single["errors"] or many["errors"]) else "**missed**"
    lines += [
        "",
        f"Throughput {args.users} users ÷ one user: **{ratio:.2f}×** (target ≥ {THROUGHPUT_TARGET}×): {verdict}.",
    ]
    with bench.RESULTS.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
