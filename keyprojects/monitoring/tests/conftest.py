import pytest

from .servers import HLSStream, SnapshotServer


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
