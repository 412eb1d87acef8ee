"""Webhooks (消息推送接口): notifications sent to SMS or chat gateways the city administrator
configured, as a signed JSON POST, retried with back-off, every attempt in the delivery log.

One event (one `notify()` call) is one delivery per webhook that wants its kind; the body names
every recipient with their phone and e-mail, so an SMS gateway texts each and a chat gateway
posts once. The body is fixed when the delivery is made, so every retry sends the same bytes
and the same `id`. Signing and how a receiver checks it: docs/operations.md.

A delivery is attempted by a background task right after the write commits; one that fails
waits `WEBHOOK_RETRY_SECONDS` × 2^(attempts − 1) and is tried again by `retry_webhooks(now)`,
the frequent scheduled job, until `WEBHOOK_MAX_ATTEMPTS` attempts have failed.
"""

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone, translation

from .notification_models import Notification, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-KeyProjects-Signature"
TIMESTAMP_HEADER = "X-KeyProjects-Timestamp"
DELIVERY_HEADER = "X-KeyProjects-Delivery"
KIND_HEADER = "X-KeyProjects-Kind"


def retry_seconds() -> int:
    return int(getattr(settings, "WEBHOOK_RETRY_SECONDS", 60))


def max_attempts() -> int:
    return int(getattr(settings, "WEBHOOK_MAX_ATTEMPTS", 8))


def request_timeout() -> float:
    return float(getattr(settings, "WEBHOOK_TIMEOUT", 10))


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=` and the hex HMAC-SHA256 of "<timestamp>.<body>" under the webhook's secret."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, tolerance: int = 300) -> bool:
    """What a receiver does (docs/operations.md shows it stand-alone): the signature matches and
    the timestamp is recent, so a captured request cannot be replayed later."""
    try:
        fresh = abs(time.time() - int(timestamp)) <= tolerance
    except ValueError:
        return False
    return fresh and hmac.compare_digest(sign(secret, timestamp, body), signature)


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: 1, 2, 4, 8 … times WEBHOOK_RETRY_SECONDS."""
    return timedelta(seconds=retry_seconds() * 2 ** max(attempts - 1, 0))


# --- queueing ------------------------------------------------------------------------------


def queue_webhooks(ids: list[int], kind: str) -> list[WebhookDelivery]:
    """After a notify() commits: a delivery for each webhook that wants the kind, each attempted
    at once by a background task (retry_webhooks picks up any the queue lost)."""
    endpoints = [e for e in WebhookEndpoint.objects.filter(active=True, archived_at__isnull=True) if e.wants(kind)]
    if not endpoints:
        return []
    rows = list(Notification.objects.filter(pk__in=ids).select_related("recipient").order_by("pk"))
    if not rows:
        return []
    payload = event_payload(rows)
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=e, kind=kind, payload=payload, created=now, next_attempt_at=now) for e in endpoints
    )
    from .notification_tasks import deliver_webhook_task

    for delivery in deliveries:
        try:
            deliver_webhook_task.enqueue(delivery.pk)
        except Exception:  # retry_webhooks() will find it due
            logger.exception("Queueing webhook delivery %s failed", delivery.pk)
    return deliveries


def event_payload(rows: list[Notification]) -> dict[str, Any]:
    """The JSON body of one event: what happened (kind, neutral parameters and the sentence in
    the platform's language), where to see it, and who was told."""
    from .notifications import kind_label, render, site_url

    first = rows[0]
    with translation.override(settings.LANGUAGE_CODE):
        text, label = render(first), kind_label(first.kind)
    target = None
    if first.target_type_id:
        target = {"type": f"{first.target_type.app_label}.{first.target_type.model}", "id": first.target_id}
    return {
        "id": uuid.uuid4().hex,  # the event's: the same in every retry, for the receiver to drop repeats
        "kind": first.kind,
        "kind_label": label,
        "text": text,
        "params": first.params,
        "url": site_url(first.url) if first.url else "",
        "target": target,
        "created": first.created.isoformat(),
        "recipients": [
            {
                "username": n.recipient.username,
                "name": str(n.recipient),
                "phone": n.recipient.phone,
                "email": n.recipient.email,
            }
            for n in rows
        ],
    }


# --- attempts ------------------------------------------------------------------------------


def attempt(delivery_id: int, now: datetime | None = None) -> bool | None:
    """Send one delivery if it is due at `now`: True delivered, False failed, None not sent
    (delivered already, not due, or claimed by another run)."""
    now = now or timezone.now()
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.delivered_at or not delivery.next_attempt_at or delivery.next_attempt_at > now:
        return None
    # Claim it: the next attempt moves past this request's time-out, so a run at the same
    # moment (the task and the scheduled retry) finds it not due.
    lease = now + timedelta(seconds=request_timeout() * 2 + 5)
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, delivered_at__isnull=True, next_attempt_at=delivery.next_attempt_at
    ).update(next_attempt_at=lease)
    if not claimed:
        return None
    endpoint = delivery.endpoint
    attempts = delivery.attempts + 1
    if not endpoint.wants(delivery.kind):
        status, error = None, "The webhook was switched off."
        attempts = delivery.attempts  # nothing was sent
    else:
        status, error = post(endpoint, delivery)
    ok = status is not None and 200 <= status < 300
    if ok:
        next_at = None
    elif endpoint.wants(delivery.kind) and attempts < max_attempts():
        next_at = now + backoff(attempts)
    else:
        next_at = None  # given up
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts,
        last_attempt_at=now,
        last_status=status,
        last_error=error[:500],
        delivered_at=now if ok else None,
        next_attempt_at=next_at,
    )
    if not ok:
        logger.warning("Webhook %s delivery %s failed (attempt %s): %s", endpoint, delivery.pk, attempts, error)
    return ok


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer we do not follow: the signed body goes only where it was meant."""

    def redirect_request(self, *args, **kwargs):
        return None


def post(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> tuple[int | None, str]:
    """POST the delivery's body, signed; (status code or None, error text or "")."""
    body = json.dumps(delivery.payload, cls=DjangoJSONEncoder, ensure_ascii=False).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "KeyProjects-Webhook/1",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(endpoint.secret, timestamp, body),
            DELIVERY_HEADER: str(delivery.pk),
            KIND_HEADER: delivery.kind,
        },
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=request_timeout()) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code} {error.reason}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        return None, str(getattr(error, "reason", error)) or type(error).__name__


def retry_webhooks(now: datetime | None = None, *, limit: int = 200) -> dict[str, int]:
    """The frequent job: every delivery due by `now` (oldest first, at most `limit` a run) is
    attempted once. Returns how many were attempted, delivered and failed."""
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(delivered_at__isnull=True, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts = {"attempted": 0, "delivered": 0, "failed": 0}
    for pk in due:
        outcome = attempt(pk, now)
        if outcome is None:
            continue
        counts["attempted"] += 1
        counts["delivered" if outcome else "failed"] += 1
    return counts


def retry_now(delivery: WebhookDelivery, *, by: Any) -> None:
    """The city administrator's "try again" on a delivery that gave up: one more attempt, now."""
    from .notification_tasks import deliver_webhook_task

    WebhookDelivery.objects.filter(pk=delivery.pk, delivered_at__isnull=True, next_attempt_at__isnull=True).update(
        next_attempt_at=timezone.now()
    )
    deliver_webhook_task.enqueue(delivery.pk)
