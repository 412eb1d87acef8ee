import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are asserted in English (the msgids); the zh-hans catalogue is tested by core."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
