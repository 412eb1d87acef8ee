"""Who is asking, honestly: the client's address comes from the connection, or from the proxies we
trust (TRUSTED_PROXY_COUNT), never from a header the client wrote; and sign-in attempts are
limited per address and per username.

The trade-off (docs/operations.md): django-axes locks a username out only from the address that
failed (so nobody can lock someone else out from another address); failures are also counted per
address (one address spraying many usernames is stopped) and per username over all addresses (a
password guessed from many addresses is stopped) — but a browser that has signed in as that user
before (its signed `kp_device` cookie) is exempt from the per-username limit, so an attacker
cannot keep the real user out of their own browser. The API token endpoint, used by programs
that keep no cookie, is rate-limited per address and per username instead (a minute's wait at
worst)."""

import hashlib
from collections.abc import Mapping

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

DEVICE_COOKIE = "kp_device"
DEVICE_SALT = "keyprojects.sign-in-device"


def client_address(request) -> str:
    """REMOTE_ADDR, or with N trusted proxies in front the address the outermost of them saw:
    each appends the address it received from to X-Forwarded-For, so the client is the Nth from
    the right; whatever lies further left the client wrote itself and is ignored."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    return forwarded[-count] if len(forwarded) >= count else remote


def _key(kind: str, value: str) -> str:
    return f"sign-in:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def record_failure(username: str, address: str) -> None:
    window = settings.SIGN_IN_WINDOW_SECONDS
    for key in (_key("address", address), _key("username", username.strip().lower())):
        cache.add(key, 0, window)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window)


def sign_in_refused(request, username: str) -> bool:
    """Too many failures from this address, or for this username from a browser that has not
    signed in as it before."""
    if (cache.get(_key("address", client_address(request))) or 0) >= settings.SIGN_IN_ADDRESS_LIMIT:
        return True
    known = known_device(request, username)
    failures = cache.get(_key("username", username.strip().lower())) or 0
    return not known and failures >= settings.SIGN_IN_USERNAME_LIMIT


def known_device(request, username: str) -> bool:
    try:
        signed = request.get_signed_cookie(DEVICE_COOKIE, salt=DEVICE_SALT, max_age=settings.DEVICE_COOKIE_AGE)
    except (KeyError, signing.BadSignature):
        return False
    return signed == username.strip().lower()


def remember_device(response, username: str) -> None:
    response.set_signed_cookie(
        DEVICE_COOKIE,
        username.strip().lower(),
        salt=DEVICE_SALT,
        max_age=settings.DEVICE_COOKIE_AGE,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


def on_login_failed(sender, credentials, request=None, **kwargs):
    if request is not None:
        record_failure(str(credentials.get("username") or ""), client_address(request))


# --- the API token endpoint ---------------------------------------------------------------


class AddressThrottle(SimpleRateThrottle):
    """Token requests per client address (the trusted one, see client_address)."""

    scope = "token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


class UsernameThrottle(SimpleRateThrottle):
    """Token requests per username, whatever the address: many addresses guessing one password."""

    scope = "token-username"

    def get_cache_key(self, request, view):
        data = request.data if isinstance(request.data, Mapping) else {}
        username = str(data.get("username") or "").strip().lower()
        if not username:
            return None  # refused by the serializer anyway
        return self.cache_format % {"scope": self.scope, "ident": hashlib.sha256(username.encode()).hexdigest()}
