"""Real sources on loopback for the tests: an HTTP snapshot server drawing a moving shape
(optionally behind Basic auth, optionally frozen), an ffmpeg HLS stream of a test pattern, and
an RTSP camera (GStreamer's RTSP server) serving H.264."""

import base64
import select
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ..synthetic import site_image


class SnapshotServer:
    """GET /snap.jpg → a new frame each time; /auth.jpg wants Basic admin:secret; /text → not
    an image. `frozen = True` serves the same frame."""

    def __init__(self):
        self.step = 0
        self.frozen = False
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path.startswith("/auth.jpg"):
                    expected = "Basic " + base64.b64encode(b"admin:secret").decode()
                    if self.headers.get("Authorization") != expected:
                        self.send_response(401)
                        self.send_header("WWW-Authenticate", 'Basic realm="cam"')
                        self.end_headers()
                        return
                if self.path.startswith("/text"):
                    body, kind = b"hello", "text/plain"
                elif self.path.startswith(("/snap.jpg", "/auth.jpg")):
                    if not server.frozen:
                        server.step += 1
                    body, kind = site_image(server.step), "image/jpeg"
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path="/snap.jpg"):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class HLSStream:
    """ffmpeg writing a live HLS test pattern (moving) into a directory served over HTTP."""

    def __init__(self, video=True):
        self.dir = Path(tempfile.mkdtemp(prefix="kp-hls-"))
        if video:
            source = ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10"]
            codec = ["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "10"]
        else:  # a platform stream that carries only sound
            source = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000"]
            codec = ["-c:a", "aac", "-b:a", "32k"]
        hls = ["-f", "hls", "-hls_time", "1", "-hls_list_size", "4", "-hls_flags", "delete_segments"]
        command = ["ffmpeg", "-nostdin", "-loglevel", "error", "-re", *source, *codec, *hls]
        self.ffmpeg = subprocess.Popen([*command, str(self.dir / "live.m3u8")])
        directory = str(self.dir)

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                path = Path(directory) / self.path.lstrip("/").split("?")[0]
                if not path.is_file():
                    self.send_response(404)
                    self.end_headers()
                    return
                body = path.read_bytes()
                self.send_response(200)
                kind = "application/vnd.apple.mpegurl" if path.suffix == ".m3u8" else "video/mp2t"
                self.send_header("Content-Type", kind)
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        deadline = time.monotonic() + 15
        while not list(self.dir.glob("*.ts")) and time.monotonic() < deadline:
            time.sleep(0.2)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/live.m3u8"

    def stop(self):
        if self.ffmpeg.poll() is None:
            self.ffmpeg.terminate()
            self.ffmpeg.wait(10)
        self.httpd.shutdown()
        self.httpd.server_close()
        shutil.rmtree(self.dir, ignore_errors=True)


RTSP_PACKAGES = (  # the same list as .ci/run's
    "gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good "
    "gstreamer1.0-plugins-ugly python3-gi"
)
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, which has the GObject bindings (python3-gi)
_CHECK = (
    "import gi; gi.require_version('Gst', '1.0'); gi.require_version('GstRtspServer', '1.0');"
    "from gi.repository import Gst, GstRtspServer; Gst.init(None);"
    "missing = [e for e in ('videotestsrc', 'x264enc', 'rtph264pay') if not Gst.ElementFactory.find(e)];"
    "print(' '.join(missing))"
)


def rtsp_missing() -> str:
    """Why GStreamer's RTSP server cannot run here, or "" when it can."""
    if not shutil.which("ffmpeg"):
        return "ffmpeg is not installed"
    try:
        done = subprocess.run([SYSTEM_PYTHON, "-c", _CHECK], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"{SYSTEM_PYTHON} cannot run: {error}"
    if done.returncode != 0:
        return f"GStreamer's RTSP server is not importable by {SYSTEM_PYTHON}: {done.stderr.strip()[-200:]}"
    if done.stdout.strip():
        return f"GStreamer elements missing: {done.stdout.strip()}"
    return ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RTSPCamera:
    """A real RTSP camera (rtsp_server.py, GStreamer) on loopback: H.264 of a moving test
    pattern; `stop()` cuts it off as a dead site camera, `start()` brings it back on the same
    port; `credentials="user:password"` makes it ask for them."""

    def __init__(self, credentials: str = ""):
        self.port = free_port()
        self.credentials = credentials
        self.process = None
        self.start()

    def start(self):
        script = str(Path(__file__).with_name("rtsp_server.py"))
        command = [SYSTEM_PYTHON, script, str(self.port), *([self.credentials] if self.credentials else [])]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready, _, _ = select.select([self.process.stdout], [], [], 30)  # never wait forever
        line = self.process.stdout.readline() if ready else ""
        if line.strip() != "ready":
            self.process.kill()
            raise RuntimeError(f"the RTSP server did not start: {line} {self.process.stderr.read()[-500:]}")

    @property
    def url(self):
        return f"rtsp://127.0.0.1:{self.port}/cam"

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
