import os

import pytest

from .servers import RTSP_PACKAGES, HLSStream, RTSPCamera, SnapshotServer, rtsp_missing


@pytest.fixture
def snapshot_server():
    server = SnapshotServer()
    yield server
    try:
        server.stop()
    except OSError:
        pass


@pytest.fixture
def hls_stream():
    stream = HLSStream()
    yield stream
    stream.stop()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return settings.MEDIA_ROOT


@pytest.fixture
def rtsp_camera():
    """A real RTSP camera on loopback. Where GStreamer's RTSP server is not installed the test
    skips saying which packages to install, except under KEYPROJECTS_REQUIRE_BROWSER=1 (CI
    installs them, .ci/run), where their absence fails, as the browser tests do."""
    reason = rtsp_missing()
    if reason:
        if os.environ.get("KEYPROJECTS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason}, and KEYPROJECTS_REQUIRE_BROWSER=1 requires the RTSP tests to run")
        pytest.skip(f"{reason} (apt-get install {RTSP_PACKAGES}; CI sets KEYPROJECTS_REQUIRE_BROWSER=1)")
    cameras = []

    def start(credentials=""):
        cameras.append(RTSPCamera(credentials))
        return cameras[-1]

    yield start
    for camera in cameras:
        camera.stop()
