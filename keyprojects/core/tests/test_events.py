"""Typed events read as sentences on one timeline, and lifecycles refuse moves they do not declare."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from keyprojects.campaigns import services as campaign_services
from keyprojects.campaigns.choices import PhaseStatus
from keyprojects.campaigns.tests.factories import make_phase
from keyprojects.core.testing.pages import in_language
from keyprojects.projects import services
from keyprojects.projects.choices import Stage
from keyprojects.projects.tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_project_timeline_reads_as_sentences_in_the_readers_language(client_for, users):
    project = make_project(by=users["county_a"])
    services.advance_stage(project, to=Stage.SIGNED, on=date(2024, 1, 5), by=users["county_a"])
    services.advance_stage(project, to=Stage.NEGOTIATING, on=date(2024, 1, 6), by=None, reason="合同未生效")
    page = client_for("county_a").get(project.get_absolute_url()).content.decode()
    assert "由“谋划储备”推进到“签约”，日期 2024年1月5日。" in page  # a day as the reader writes it
    assert "由“签约”更正回“在谈”" in page and "合同未生效" in page
    assert 'history-actor">系统</span>' in page  # a change without a user is the system's, in the reader's language
    english = in_language(client_for("county_a")).get(project.get_absolute_url()).content.decode()
    assert "Moved from “Planned” to “Signed”, reached on Jan. 5, 2024." in english
    assert 'history-actor">System</span>' in english


def test_stage_lifecycle_refuses_what_it_does_not_declare(users):
    project = make_project(by=users["county_a"])
    with pytest.raises(ValidationError, match="already at this stage"):
        services.advance_stage(project, to=Stage.PLANNED, on=date(2024, 1, 5), by=users["county_a"])
    services.advance_stage(project, to=Stage.TERMINATED, on=date(2024, 1, 5), by=users["county_a"], reason="撤资")
    with pytest.raises(ValidationError, match="terminated"):
        services.advance_stage(project, to=Stage.SIGNED, on=date(2024, 1, 6), by=users["county_a"])
    assert services.STAGE_LIFECYCLE.targets_from(Stage.TERMINATED) == []
    assert set(services.STAGE_LIFECYCLE.targets_from(Stage.SIGNED)) == {
        Stage.PLANNED,
        Stage.NEGOTIATING,
        Stage.STARTED,
        Stage.PRODUCING,
        Stage.AT_CAPACITY,
        Stage.TERMINATED,
    }


def test_phase_lifecycle_and_its_timeline(users, client_for):
    phase = make_phase(1, date(2024, 6, 1))
    with pytest.raises(ValidationError, match="before marking it held"):
        campaign_services.mark_held(phase, by=users["city_admin"])
    with pytest.raises(ValidationError, match="nothing to lock"):
        campaign_services.lock_phase(phase, by=users["city_admin"])
    assert campaign_services.PHASE_LIFECYCLE.targets_from(PhaseStatus.PLANNING) == [PhaseStatus.LOCKED]
    assert campaign_services.PHASE_LIFECYCLE.targets_from(PhaseStatus.HELD) == []
