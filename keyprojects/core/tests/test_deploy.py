"""Production settings pass Django's deployment checks. `make test` runs the default production
configuration at WARNING level; this covers the Redis one (RQ workers), whose backend refuses
to start without django_rq installed."""

import os
import subprocess
import sys

from django.conf import settings


def test_production_settings_with_redis_pass_the_deploy_check(tmp_path):
    env = {
        **os.environ,
        "KEYPROJECTS_PRODUCTION": "1",
        "KEYPROJECTS_VAR": str(tmp_path),
        "SECRET_KEY": "deploy-check-" + "k3y" * 20,
        "ALLOWED_HOSTS": "keyprojects.example.org",
        "REDIS_URL": "redis://127.0.0.1:6379/15",  # not contacted by the checks
    }
    env.pop("KEYPROJECTS_TASKS_IMMEDIATE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "django_rq" not in result.stderr


def test_openapi_schema_generates_without_warnings(tmp_path):
    """Every endpoint documents itself: a view drf-spectacular cannot read fails here, not in CI's deploy check."""
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(target))
    assert "/api/campaigns/indicators/" in target.read_text()


def test_the_environment_file_documents_every_setting_the_application_reads():
    """deploy/keyprojects.env names every variable settings.py reads, so an operator sees them all."""
    import re

    base = settings.BASE_DIR
    read = set(
        re.findall(
            r"""(?:environ\.get|env_bool|env_list)\(\s*["']([A-Z0-9_]+)["']""",
            (base / "keyprojects" / "settings.py").read_text(),
        )
    )
    documented = set(re.findall(r"\b([A-Z][A-Z0-9_]{2,})=", (base / "deploy" / "keyprojects.env").read_text()))
    assert read and not (read - documented), f"not in deploy/keyprojects.env: {sorted(read - documented)}"


def test_gunicorn_settings_load_and_bind_to_loopback(monkeypatch):
    import runpy

    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    conf = runpy.run_path(str(settings.BASE_DIR / "deploy" / "gunicorn.conf.py"))
    assert conf["bind"].startswith("127.0.0.1:") and conf["workers"] >= 2 and conf["preload_app"]


def test_pages_forbid_inline_scripts_and_no_template_has_one(client_for, db):
    import re

    response = client_for("city_admin").get("/")
    policy = response["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert script_src.split() == ["script-src", "'self'"] and "frame-ancestors 'none'" in policy
    inline = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>|\son[a-z]+=\"", re.I)
    found = [
        str(path.relative_to(settings.BASE_DIR))
        for root in (settings.BASE_DIR / "templates", settings.BASE_DIR / "keyprojects")
        for path in root.rglob("*.html")
        if inline.search(path.read_text())
    ]
    assert not found, f"inline scripts (move them to a static file): {found}"
