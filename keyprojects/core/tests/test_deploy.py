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
