"""Who sees which leads and trips (STYLE habit 9): a county its own, the city all, a cadre their
own leads and their team's, through the pages and the API alike."""

from datetime import date

import pytest

from keyprojects.core.testing.cases import listed

from ..choices import TeamKind
from ..models import Lead, Team
from .factories import cadre, lead

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(users, regions):
    own = cadre("own", name="本人")
    mate = cadre("mate", name="同队", team=own.team)
    other_team = Team.objects.create(name="郾城区招商专班", kind=TeamKind.TASK_FORCE, region=regions["郾城区"])
    stranger = cadre("stranger", team=other_team, name="他队")
    wuyang = cadre("wuyang", region="舞阳县", name="舞阳")
    by = users["city_admin"]
    return {
        "own": own,
        "mate": mate,
        "stranger": stranger,
        "wuyang": wuyang,
        "leads": {
            "own": lead(own, by=by, company="本人公司"),
            "mate": lead(mate, by=by, company="同队公司"),
            "stranger": lead(stranger, by=by, company="他队公司"),
            "wuyang": lead(wuyang, by=by, company="舞阳公司", on=date(2026, 2, 2)),
        },
    }


def seen(user):
    return set(Lead.objects.restrict(user).values_list("name", flat=True))


def test_a_cadre_sees_their_own_leads_and_their_teams_only(world):
    assert seen(world["own"].user) == {"本人公司项目", "同队公司项目"}
    assert seen(world["stranger"].user) == {"他队公司项目"}


def test_a_county_sees_its_own_leads_and_the_city_all(world, users):
    assert seen(users["county_a"]) == {"本人公司项目", "同队公司项目", "他队公司项目"}
    assert seen(users["county_b"]) == {"舞阳公司项目"}
    assert len(seen(users["city_admin"])) == 4 and len(seen(users["auditor"])) == 4


def test_departments_dispatchers_and_enterprises_see_no_leads(world, users):
    for role in ("department", "office", "leader", "service_officer", "dispatcher", "enterprise"):
        assert seen(users[role]) == set(), role


def test_pages_and_api_follow_the_same_scope(world, users, client, api_for):
    from rest_framework.test import APIClient

    client.force_login(world["own"].user)
    pks = listed(client, "/attraction/leads/")
    assert pks == {world["leads"]["own"].pk, world["leads"]["mate"].pk}
    stranger = world["leads"]["stranger"]
    assert client.get(stranger.get_absolute_url()).status_code == 404
    api = APIClient()
    api.force_authenticate(world["own"].user)
    names = {row["name"] for row in api.get("/api/attraction/leads/").json()["results"]}
    assert names == {"本人公司项目", "同队公司项目"}
    assert api_for("county_b").get(f"/api/attraction/leads/{stranger.pk}/").status_code == 404
    assert api_for("county_a").get(f"/api/attraction/leads/{stranger.pk}/").status_code == 200


def test_a_cadre_may_not_evaluate_or_hand_over(world, client):
    client.force_login(world["own"].user)
    own = world["leads"]["own"]
    assert client.post(f"{own.get_absolute_url()}evaluate/", {}).status_code == 403
    assert client.post(f"{own.get_absolute_url()}hand_over/", {}).status_code == 403
    body = client.get(own.get_absolute_url()).content.decode()
    assert 'data-testid="contact"' in body and 'data-testid="evaluate"' not in body
