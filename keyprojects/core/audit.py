"""The change log as an audit trail an auditor can trust (等保 2.0): append-only, each entry
carrying the hash of the one before it, so that an entry changed, removed or inserted afterwards
breaks the chain at that entry (`manage.py verify_audit_chain` names the first one); and sign-ins,
failed sign-ins, sign-outs and API tokens are entries of the same chain, beside the records'
changes (permission changes are already there: memberships and users are logged models).

Entries are chained in the order they commit: every write to the log first locks the one
`ChainHead` row, which its transaction holds until it commits, so the next writer reads the head
the last one left. That serialises writers from their first log entry to their commit (on SQLite
writers are serialised anyway); an import of 10,000 rows makes other writers wait for it.
"""

import hashlib
import json
from collections.abc import Iterable

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

GENESIS = "0" * 64
FIELDS = (
    "time",
    "user_id",
    "actor",
    "request_id",
    "content_type_id",
    "object_id",
    "object_repr",
    "action",
    "changes",
)
_encoder = DjangoJSONEncoder()


def as_stored(changes):
    """`changes` as the database gives it back (Decimals and dates as strings)."""
    return json.loads(_encoder.encode(changes))


def entry_hash(previous: str, entry: dict) -> str:
    """sha256 of the previous hash and the entry's fields, as they read back from the database."""
    fields = {name: entry[name] for name in FIELDS}
    fields["time"] = fields["time"].isoformat()
    fields["changes"] = as_stored(fields["changes"])
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256((previous + text).encode()).hexdigest()


def chain(entries: list[dict]) -> None:
    """Give each entry (a dict of FIELDS) its `prev_hash` and `hash`, moving the head along. Must
    run inside the transaction that writes them (the head stays locked until it commits)."""
    from .models import ChainHead

    if not entries:
        return
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head = ChainHead.objects.create(pk=1, last_hash=GENESIS)
        head = ChainHead.objects.select_for_update().get(pk=1)
    previous = head.last_hash
    for entry in entries:
        entry["prev_hash"] = previous
        entry["hash"] = previous = entry_hash(previous, entry)
    ChainHead.objects.filter(pk=1).update(last_hash=previous)


def first_break(rows: Iterable[dict]) -> tuple[int | None, str, int]:
    """(id of the first entry that breaks the chain or None, why, entries checked)."""
    previous, checked = GENESIS, 0
    for row in rows:
        checked += 1
        if row["prev_hash"] != previous:
            return row["id"], "its previous hash is not the hash of the entry before it", checked
        if entry_hash(previous, row) != row["hash"]:
            return row["id"], "its content does not match its hash", checked
        previous = row["hash"]
    return None, "", checked


def verify() -> tuple[int | None, str, int]:
    from .models import ChainHead, ObjectChange

    rows = ObjectChange._base_manager.order_by("pk").values("id", "prev_hash", "hash", *FIELDS).iterator(2000)
    broken, why, checked = first_break(rows)
    if broken is None:
        last = ObjectChange._base_manager.order_by("-pk").values_list("hash", flat=True).first() or GENESIS
        head = ChainHead.objects.filter(pk=1).values_list("last_hash", flat=True).first() or GENESIS
        if last != head:
            return -1, "the last entry is not the chain's head: entries were removed from its end", checked
    return broken, why, checked


# --- sign-ins, sign-outs and tokens, in the same chain ------------------------------------


def log_auth(action: str, *, user=None, username: str = "", request=None, **details) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from .context import current_actor
    from .models import ObjectChange
    from .network import client_address

    if request is not None:
        details["address"] = client_address(request)
        details["agent"] = request.headers.get("User-Agent", "")[:200]
    model = get_user_model()
    entry = {
        "time": timezone.now(),
        "user_id": getattr(user, "pk", None),
        "actor": (user.get_username() if user is not None else username)[:150] or "?",
        "request_id": (getattr(request, "id", "") or current_actor().request_id or "")[:64],
        "content_type_id": ContentType.objects.get_for_model(model).pk,
        "object_id": getattr(user, "pk", None) or 0,
        "object_repr": (user.get_username() if user is not None else username)[:200],
        "action": action,
        "changes": details,
    }
    with transaction.atomic():
        chain([entry])
        ObjectChange._base_manager.bulk_create([ObjectChange(**entry)])


def on_logged_in(sender, request, user, **kwargs):
    log_auth("login", user=user, request=request)


def on_login_failed(sender, credentials, request=None, **kwargs):
    from django.contrib.auth import get_user_model

    username = str(credentials.get("username") or "")[:150]
    user = get_user_model()._default_manager.filter(username=username).first()
    log_auth("login_fail", user=user, username=username, request=request)


def on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        log_auth("logout", user=user, request=request)


def on_token_saved(sender, instance, created, **kwargs):
    if created:
        log_auth("token", user=instance.user, token=instance.key[:6] + "…")
