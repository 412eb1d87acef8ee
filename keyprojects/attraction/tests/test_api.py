"""The API of attraction: scoped lists, writes through the services (refusals answer 400 with
the reason, nothing written), verbs as actions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ..choices import Post, TripStatus
from ..models import TargetEnterprise, Trip
from .factories import cadre, food_chain, lead

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputy(db, regions):
    return cadre("deputy", post=Post.ATTRACTION_DEPUTY, name="李副县长")


def test_a_late_trip_without_a_reason_is_refused_and_then_approved_as_a_verb(deputy, users, api_for):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(deputy.user)
    body = {
        "cadre": deputy.pk,
        "destination": "深圳",
        "whom": "某冷链集团",
        "purpose": "洽谈",
        "start_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "end_on": timezone.localdate().isoformat(),
    }
    refused = api.post("/api/attraction/trips/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and "late" in str(refused.json()["late_reason"])
    assert not Trip.objects.exists()
    created = api.post("/api/attraction/trips/", {**body, "late_reason": "临时邀约"}, format="json")
    assert created.status_code == 201, created.json()
    trip = created.json()["id"]
    assert api.post(f"/api/attraction/trips/{trip}/approve/", {}, format="json").status_code == 403
    approved = api_for("county_a").post(f"/api/attraction/trips/{trip}/approve/", {}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == TripStatus.APPROVED
    assert api_for("county_b").get(f"/api/attraction/trips/{trip}/").status_code == 404


def test_a_duplicate_target_enterprise_is_refused_by_the_api(users, api_for):
    api = api_for("county_a")
    assert api.post("/api/attraction/targets/", {"name": "漯河鲜道食品有限公司"}, format="json").status_code == 201
    again = api.post("/api/attraction/targets/", {"name": "漯河鮮道食品有限責任公司"}, format="json")
    assert again.status_code == 400 and "漯河鲜道食品有限公司" in str(again.json())
    assert TargetEnterprise.objects.count() == 1


def test_chains_visits_and_leads_read_in_scope(deputy, users, api_for):
    chain, links = food_chain()
    found = lead(deputy, by=users["county_a"], link=links["冷链物流"])
    visit = api_for("county_a").post(
        f"/api/attraction/leads/{found.pk}/visit/",
        {"kind": "incoming", "date": found.found_on.isoformat(), "people": "王总"},
        format="json",
    )
    assert visit.status_code == 200 and visit.json()["status"] == "visited"
    assert api_for("county_a").get("/api/attraction/visits/").json()["count"] == 1
    assert api_for("county_b").get("/api/attraction/visits/").json()["count"] == 0
    assert api_for("dispatcher").get("/api/attraction/leads/").json()["count"] == 0
    links_seen = api_for("enterprise").get(f"/api/attraction/links/?chain={chain.pk}").json()["count"]
    assert links_seen == 4  # the chain map is a shared catalogue
    assert api_for("county_a").post("/api/attraction/visits/", {}, format="json").status_code == 405


def test_a_lead_posted_without_its_company_is_refused_in_the_callers_language(deputy):
    from rest_framework.test import APIClient

    from ..models import Lead

    api = APIClient()
    api.force_authenticate(deputy.user)
    body = {"name": "冷链项目", "region": deputy.region.pk, "owner": deputy.pk, "investment": "5000"}
    body["found_on"] = timezone.localdate().isoformat()
    chinese = api.post("/api/attraction/leads/", body, format="json").json()
    assert chinese["company"] == ["该字段是必填项。"]
    english = api.post("/api/attraction/leads/", body, format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["company"] == ["This field is required."]
    assert not Lead.objects.exists()
