"""/health/ says whether the deployment is whole: database, cache, queue, a worker's heartbeat
and the scheduler's tick; 503 naming what is missing."""

import pytest
from django.core.management import call_command
from django.test import Client

from keyprojects.core.models import Heartbeat

pytestmark = pytest.mark.django_db


def test_health_is_503_until_the_scheduler_and_a_worker_have_shown_they_are_alive():
    client = Client()  # no sign-in
    before = client.get("/health/")
    assert before.status_code == 503
    checks = before.json()["checks"]
    assert checks["database"]["ok"] and checks["cache"]["ok"] and checks["queue"]["ok"]
    assert not checks["worker"]["ok"] and not checks["scheduler"]["ok"]
    # One scheduler minute: it beats, and queues the worker's heartbeat task (run at once here).
    call_command("run_scheduler", "--once")
    after = client.get("/health/")
    assert after.status_code == 200 and after.json()["ok"], after.json()
    assert set(Heartbeat.objects.values_list("name", flat=True)) == {"scheduler", "worker"}


def test_a_stale_worker_makes_health_fail(settings):
    call_command("run_scheduler", "--once")
    settings.HEALTH_HEARTBEAT_SECONDS = -1  # every heartbeat is now too old
    response = Client().get("/health/")
    assert response.status_code == 503 and not response.json()["checks"]["worker"]["ok"]
    assert "Cache-Control" in response and "no-cache" in response["Cache-Control"]


def test_metrics_answer_prometheus_on_loopback_and_nobody_else():
    client = Client()
    client.get("/health/")
    local = client.get("/metrics/", REMOTE_ADDR="127.0.0.1")
    assert local.status_code == 200 and "django_http_requests_total_by_view_transport_method" in local.content.decode()
    assert client.get("/metrics/", REMOTE_ADDR="203.0.113.9").status_code == 404
    # A forged header does not make a stranger local.
    assert client.get("/metrics/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 404
