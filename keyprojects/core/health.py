"""/health/: is this deployment whole? The database answers, the cache keeps what it is given,
the task queue is reachable, a task worker ran the scheduler's heartbeat task lately and the
scheduler ticked lately. 200 when all hold, 503 naming what does not: for the load balancer,
systemd's watchdog scripts and the CI's production stack. No sign-in, and nothing but
statuses and ages in the answer."""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from keyprojects.core.compat import task

from .schedule import every_minute


def beat(name: str) -> None:
    from .models import Heartbeat

    Heartbeat.objects.update_or_create(name=name, defaults={"seen": timezone.now()})


@task()
def worker_heartbeat():
    beat("worker")


@every_minute
def queue_heartbeat():
    """Each scheduler minute: the scheduler is alive, and a worker should prove it is."""
    beat("scheduler")
    worker_heartbeat.enqueue()


def _age(name: str):
    from .models import Heartbeat

    seen = Heartbeat.objects.filter(name=name).values_list("seen", flat=True).first()
    return None if seen is None else (timezone.now() - seen).total_seconds()


def checks() -> dict[str, dict]:
    result = {}
    try:
        from .models import Heartbeat

        Heartbeat.objects.exists()
        result["database"] = {"ok": True}
    except Exception as error:  # any driver error means the same: no database
        result["database"] = {"ok": False, "detail": type(error).__name__}
        return result
    probe = uuid.uuid4().hex
    try:
        cache.set("health-probe", probe, 30)
        result["cache"] = {"ok": cache.get("health-probe") == probe}
    except Exception as error:
        result["cache"] = {"ok": False, "detail": type(error).__name__}
    if settings.REDIS_URL and "RQBackend" in settings.TASKS["default"]["BACKEND"]:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
            result["queue"] = {"ok": True, "kind": "redis"}
        except Exception as error:
            result["queue"] = {"ok": False, "kind": "redis", "detail": type(error).__name__}
    else:
        result["queue"] = {"ok": True, "kind": "database"}
    limit = settings.HEALTH_HEARTBEAT_SECONDS
    for name in ("worker", "scheduler"):
        age = _age(name)
        result[name] = {"ok": age is not None and age <= limit, "seconds_ago": None if age is None else round(age)}
    return result


@never_cache
def metrics(request):
    """Prometheus metrics (django-prometheus: requests by view and status, latencies, database
    and cache calls) for the addresses in METRICS_ALLOWED_ADDRESSES only; 404 to anyone else."""
    from django.http import Http404
    from django_prometheus.exports import ExportToDjangoView

    from .network import client_address

    if client_address(request) not in settings.METRICS_ALLOWED_ADDRESSES:
        raise Http404
    return ExportToDjangoView(request)


@never_cache
def health(request):
    result = checks()
    ok = all(check["ok"] for check in result.values())
    return JsonResponse({"ok": ok, "checks": result}, status=200 if ok else 503)
