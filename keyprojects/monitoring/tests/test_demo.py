"""The demo's video dispatch: 84 monitored sites with a week of generated snapshots, some
suspected idle, a few cameras offline, yesterday worked through and today left to do."""

import tempfile

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from keyprojects.enterprises.demo import seed_enterprises
from keyprojects.orgs.demo import seed_orgs
from keyprojects.projects.demo import seed_projects

from .. import dispatch
from ..demo import seed_monitoring
from ..models import Camera, Snapshot


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with (
        tempfile.TemporaryDirectory() as media,
        override_settings(MEDIA_ROOT=media),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        seed_orgs()
        seed_enterprises()
        seed_projects()
        counts = seed_monitoring()
        yield counts
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_demo_watches_84_sites_and_some_look_idle_or_offline(seeded):
    from keyprojects.orgs.models import User

    assert seeded["cameras"] == 84 and Camera.objects.values("project").distinct().count() == 84
    today = timezone.localdate()
    assert Snapshot.objects.filter(day=today).count() > 150
    dispatcher = User.objects.filter(memberships__role="dispatcher").first()
    summary = dispatch.summary(dispatcher, today)
    assert summary["sites"] == 84 and summary["left"] == 84
    assert 1 <= summary["offline"] <= 5 and 5 <= summary["idle"] <= 20
    assert seed_monitoring() == {}  # written once
