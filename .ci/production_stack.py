"""CI: the production stack on loopback, as deploy/ runs it — gunicorn with the production
settings (deploy/gunicorn.conf.py) on PostgreSQL and Redis, an RQ worker and the scheduler — then
a county officer signs in, imports a ledger through the worker, and /health/ answers 200.

    .venv/bin/python .ci/production_stack.py      # needs PostgreSQL and Redis on 127.0.0.1

Exit status 0 when all of it worked; the processes' output is printed when something did not."""

import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PY = str(Path(sys.executable))
PORT = int(os.environ.get("STACK_PORT", 8765))
BASE = f"http://127.0.0.1:{PORT}"
DB = f"kp_stack_{os.getpid()}"
PASSWORD = "Stack-pass-" + secrets.token_hex(4)
PG = os.environ.get("STACK_PG", "postgres://postgres@127.0.0.1:5432")


def environment(work: Path) -> dict:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "KEYPROJECTS_TASKS"))},
        "KEYPROJECTS_PRODUCTION": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"{PG}/{DB}",
        "REDIS_URL": os.environ.get("STACK_REDIS", "redis://127.0.0.1:6379/14"),
        "KEYPROJECTS_VAR": str(work),
        "MEDIA_ROOT": str(work / "media"),
        "PROMETHEUS_MULTIPROC_DIR": str(work / "prometheus"),
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "GUNICORN_WORKERS": "2",
        "ADMIN_SECOND_FACTOR": "0",  # the county officer of this run is no administrator anyway
        "HEALTH_HEARTBEAT_SECONDS": "120",
    }


def run(env, *args):
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)


class Browser:
    """A client that sends the secure cookies over loopback http, behind the header a TLS proxy sets."""

    def __init__(self):
        self.cookies = {}

    def request(self, method, path, **kwargs):
        headers = {"X-Forwarded-Proto": "https", "Referer": f"https://127.0.0.1:{PORT}/", **kwargs.pop("headers", {})}
        response = requests.request(
            method, BASE + path, headers=headers, cookies=self.cookies, allow_redirects=False, timeout=30, **kwargs
        )
        self.cookies.update(response.cookies.get_dict())
        return response

    def post(self, path, data=None, **kwargs):
        data = {**(data or {}), "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        return self.request("POST", path, data=data, **kwargs)


def wait_for(what, check, seconds=90):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if check():
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise SystemExit(f"timed out waiting for {what}")


def job_done(browser, url):
    state = {}

    def finished():
        state.update(browser.request("GET", url, headers={"Accept": "application/json"}).json())
        return state["status"] in {"done", "failed"}

    wait_for(f"the job at {url}", finished, 120)
    assert state["status"] == "done", state
    return state


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="kp-stack-"))
    (work / "prometheus").mkdir()
    env = environment(work)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB], check=True)
    processes = []
    logs = work / "logs"
    logs.mkdir()
    try:
        run(env, "migrate", "--no-input", "-v", "0")
        run(env, "collectstatic", "--no-input", "-v", "0")
        run(env, "shell", "-v", "0", "-c", (
            "from keyprojects.orgs.models import Membership, Region, User\n"
            f"u = User.objects.create_user('stack-county', password='{PASSWORD}')\n"
            "Membership.objects.create(user=u, role='region_staff', region=Region.objects.get(name='郾城区'))\n"
        ))  # fmt: skip
        commands = {
            "web": [str(Path(PY).with_name("gunicorn")), "-c", "deploy/gunicorn.conf.py", "keyprojects.wsgi"],
            "worker": [PY, "manage.py", "rqworker", "default", "--job-class", "django_tasks_rq.Job"],
            "scheduler": [PY, "manage.py", "run_scheduler"],
        }
        for name, command in commands.items():
            out = open(logs / f"{name}.log", "w")
            processes.append((name, subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)))

        wait_for("/health/", lambda: requests.get(BASE + "/health/", timeout=5).status_code == 200)
        browser = Browser()
        browser.request("GET", "/login/")
        signed_in = browser.post("/login/", {"username": "stack-county", "password": PASSWORD})
        assert signed_in.status_code == 302, signed_in.text[:500]
        ledger = "姓名,职务,联系电话,所属区域\n周一,专员,13900000003,郾城区\n吴二,科长,13900000004,郾城区\n"
        upload = browser.post("/orgs/contacts/import/", files={"file": ("台账.csv", ledger.encode(), "text/csv")})
        assert upload.status_code == 302, upload.text[:500]
        preview = job_done(browser, upload.headers["Location"])
        commit = browser.post(upload.headers["Location"])
        assert commit.status_code == 302, commit.text[:500]
        job_done(browser, commit.headers["Location"])
        token = requests.post(
            BASE + "/api/auth/token/", json={"username": "stack-county", "password": PASSWORD}, timeout=30,
            headers={"X-Forwarded-Proto": "https"},
        ).json()["token"]  # fmt: skip
        listed = requests.get(
            BASE + "/api/orgs/contacts/?q=周一",
            headers={"Authorization": f"Token {token}", "X-Forwarded-Proto": "https"},
            timeout=30,
        ).json()
        assert listed["count"] == 1, listed
        health = requests.get(BASE + "/health/", timeout=10)
        assert health.status_code == 200, health.text
        metrics = requests.get(BASE + "/metrics/", timeout=10)
        assert metrics.status_code == 200 and "django_http_requests" in metrics.text
        print(f"production stack: signed in, imported {preview} through the RQ worker, health {health.json()}")
        return 0
    except BaseException:
        for log in sorted(logs.glob("*.log")):
            print(f"--- {log.name}\n{log.read_text()[-4000:]}")
        raise
    finally:
        for _name, process in processes:
            process.send_signal(signal.SIGTERM)
        for _name, process in processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB], check=False)


if __name__ == "__main__":
    sys.exit(main())
