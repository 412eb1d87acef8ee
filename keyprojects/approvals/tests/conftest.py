import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def services_speak_english():
    """The services' refusals are read in English here (pages choose their own language)."""
    with translation.override("en"):
        yield
