"""Who is acting, under which request or task id: read by the change log for every write,
whether it comes from a page, the API, the importer, a background task or a command."""

import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user: object = None  # a User, or None for the system
    request_id: str = ""

    @property
    def label(self):
        return getattr(self.user, "username", None) or "system"


_current = ContextVar("keyprojects_actor", default=None)


def current_actor() -> Actor:
    return _current.get() or Actor(request_id=f"sys-{uuid.uuid4().hex[:12]}")


@contextmanager
def acting(user=None, request_id=None):
    # Inside a request or task, a nested write keeps its request id.
    outer = _current.get()
    request_id = request_id or (outer.request_id if outer else uuid.uuid4().hex)
    token = _current.set(Actor(user=user, request_id=request_id))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def bind_user(user):
    """For API token auth, which learns the user inside the view, after the middleware ran."""
    outer = current_actor()
    _current.set(Actor(user=user, request_id=outer.request_id))
