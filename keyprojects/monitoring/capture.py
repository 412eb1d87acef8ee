"""Getting one frame from a camera: an HTTP snapshot URL by httpx, a stream (RTSP, HLS,
HTTP-FLV) by ffmpeg, each within a timeout, with the real reason when it fails."""

import os
import subprocess
import threading
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
from django.utils.translation import gettext as _

from .choices import SourceKind
from .credentials import decrypt

TIMEOUT = 10.0  # seconds per camera; the pool keeps going for the others
MAX_BYTES = 8 * 1024 * 1024


class CaptureError(Exception):
    """Why no frame came, in words a county's staff can act on."""


def _with_credentials(url: str, username: str, password: str) -> str:
    if not username:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    auth = quote(username, safe="") + (":" + quote(password, safe="") if password else "")
    return urlunsplit((parts.scheme, f"{auth}@{host}", parts.path, parts.query, parts.fragment))


def grab(camera, timeout: float = TIMEOUT) -> bytes:
    """One JPEG (or PNG) frame from the camera, or CaptureError with the reason."""
    if camera.source == SourceKind.PUSH:
        raise CaptureError(_("This camera's snapshots are pushed by the site; nothing to pull."))
    if not camera.url:
        raise CaptureError(_("No address."))
    password = decrypt(camera.secret)
    if camera.source == SourceKind.HTTP:
        return _http(camera.url, camera.username, password, timeout)
    return _stream(camera, _with_credentials(camera.url, camera.username, password), timeout)


_clients: dict[int, httpx.Client] = {}
_clients_lock = threading.Lock()


def _client() -> httpx.Client:
    """One HTTP client per process, shared by the pull's threads (httpx's Client is
    thread-safe): making a client builds a TLS context, 24 ms of CPU, more than decoding and
    scoring the frame together (bench/RESULTS.md). Keyed by process id, as a worker forks."""
    pid = os.getpid()
    client = _clients.get(pid)
    if client is None:
        with _clients_lock:
            client = _clients.get(pid)
            if client is None:
                limits = httpx.Limits(max_connections=64, max_keepalive_connections=32)
                client = _clients[pid] = httpx.Client(follow_redirects=True, limits=limits)
    return client


def _http(url, username, password, timeout) -> bytes:
    auth = None
    if username:
        auth = httpx.BasicAuth(username, password)
    try:
        response = _client().get(url, auth=auth, timeout=timeout)
    except httpx.ConnectTimeout as error:
        raise CaptureError(_("No answer from the camera within %(seconds)s s.") % {"seconds": int(timeout)}) from error
    except httpx.ConnectError as error:
        raise CaptureError(_connect_reason(str(error))) from error
    except httpx.TimeoutException as error:
        raise CaptureError(_("The camera stopped answering (timeout).")) from error
    except httpx.HTTPError as error:
        raise CaptureError(_("Network error: %(error)s") % {"error": str(error)[:200]}) from error
    if response.status_code in (401, 403):
        raise CaptureError(
            _("%(status)s from the camera: wrong user name or password.") % {"status": response.status_code}
        )
    if response.status_code != 200:
        raise CaptureError(_("%(status)s from the camera.") % {"status": response.status_code})
    if len(response.content) > MAX_BYTES:
        raise CaptureError(_("The camera sent more than 8 MB: not a snapshot."))
    return response.content


def _connect_reason(text: str) -> str:
    lowered = text.lower()
    if "refused" in lowered:
        return _("Connection refused: nothing listens at that address and port.")
    if "no route" in lowered or "unreachable" in lowered:
        return _("No route to the camera.")
    if "name or service" in lowered or "resolution" in lowered or "nodename" in lowered:
        return _("Unknown host name.")
    return _("Cannot connect: %(error)s") % {"error": text[:200]}


def _stream(camera, url, timeout) -> bytes:
    command = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error"]
    if camera.source == SourceKind.RTSP:
        command += ["-rtsp_transport", "tcp", "-timeout", str(int(timeout * 1_000_000))]
    else:
        command += ["-rw_timeout", str(int(timeout * 1_000_000))]
    command += ["-i", url, "-map", "0:v:0", "-frames:v", "1", "-f", "image2", "-c:v", "mjpeg", "-q:v", "3", "pipe:1"]
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout + 5, check=False)
    except subprocess.TimeoutExpired as error:
        raise CaptureError(_("No frame from the stream within %(seconds)s s.") % {"seconds": int(timeout)}) from error
    except FileNotFoundError as error:
        raise CaptureError(_("ffmpeg is not installed on the server.")) from error
    if done.returncode == 0 and done.stdout:
        return done.stdout
    raise CaptureError(stream_reason(done.stderr.decode("utf-8", "replace")))


def stream_reason(stderr: str) -> str:
    """ffmpeg's complaint, said plainly."""
    lowered = stderr.lower()
    if "401" in lowered or "unauthorized" in lowered:
        return _("401 from the camera: wrong user name or password.")
    if "403" in lowered or "forbidden" in lowered:
        return _("403 from the camera: access refused.")
    if "404" in lowered or "not found" in lowered:
        return _("404: no stream at that address.")
    if "matches no streams" in lowered or "does not contain any stream" in lowered or "no video" in lowered:
        return _("The stream has no video.")
    if "refused" in lowered:
        return _("Connection refused: nothing listens at that address and port.")
    if "no route" in lowered or "unreachable" in lowered:
        return _("No route to the camera.")
    if "timed out" in lowered or "timeout" in lowered:
        return _("No answer from the camera (timeout).")
    last = [line for line in stderr.strip().splitlines() if line.strip()]
    return _("The stream could not be read: %(error)s") % {"error": (last[-1] if last else "?")[:200]}
