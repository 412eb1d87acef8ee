"""Reference data (regions, departments, offices) is read by every signed-in user and changed
only by city administrators; memberships are managed by city administrators and validated."""

import pytest

from keyprojects.core.testing.cases import assert_matrix, etag
from keyprojects.orgs.models import Membership, Region

pytestmark = pytest.mark.django_db

ROLES = ["city_admin", "county_a", "department", "leader", "enterprise", "auditor", "anonymous"]
MATRIX = {
    "region list": [200, 200, 200, 200, 200, 200, 302],
    "region detail": [200, 200, 200, 200, 200, 200, 302],
    "region edit page": [200, 403, 403, 403, 403, 403, 302],
    "region add page": [200, 403, 403, 403, 403, 403, 302],
    "api region list": [200, 200, 200, 200, 200, 200, 401],
    "api region change": [200, 403, 403, 403, 403, 403, 401],
    "api region create": [201, 403, 403, 403, 403, 403, 401],
    "membership list shows others": [True, False, False, False, False, True, False],
}


def test_reference_data_is_read_by_all_and_changed_by_the_city_admin_only(client_for, api_for, regions):
    region = regions["郾城区"]

    def check(row, role):
        client, api = client_for(role), api_for(role)
        match row:
            case "region list":
                return client.get("/orgs/regions/").status_code
            case "region detail":
                return client.get(f"/orgs/regions/{region.pk}/").status_code
            case "region edit page":
                return client.get(f"/orgs/regions/{region.pk}/edit/").status_code
            case "region add page":
                return client.get("/orgs/regions/add/").status_code
            case "api region list":
                return api.get("/api/orgs/regions/").status_code
            case "api region change":
                return api.patch(
                    f"/api/orgs/regions/{region.pk}/", {"name": region.name}, format="json", HTTP_IF_MATCH=etag(region)
                ).status_code
            case "api region create":
                body = {"name": f"新区-{role}", "level": "zone", "parent": regions["漯河市"].pk}
                return api.post("/api/orgs/regions/", body, format="json").status_code
            case "membership list shows others":
                response = client.get("/orgs/memberships/")
                return response.status_code == 200 and "county_b" in response.content.decode()

    assert_matrix(MATRIX, ROLES, check)


def test_county_user_cannot_rename_a_region_by_posting_the_form(client_for, regions):
    region = regions["郾城区"]
    data = {"name": "改名", "code": region.code or "", "level": region.level, "parent": region.parent_id}
    assert client_for("county_a").post(f"/orgs/regions/{region.pk}/edit/", data).status_code == 403
    region.refresh_from_db()
    assert region.name == "郾城区"


def test_city_admin_renames_a_region(client_for, regions):
    region = regions["郾城区"]
    client = client_for("city_admin")
    loaded = client.get(f"/orgs/regions/{region.pk}/edit/").context["form"].initial["loaded_version"]
    data = {
        "name": "郾城区（新）",
        "code": region.code or "",
        "level": region.level,
        "parent": region.parent_id,
        "loaded_version": loaded,
    }
    assert client.post(f"/orgs/regions/{region.pk}/edit/", data).status_code == 302
    assert Region.objects.get(pk=region.pk).name == "郾城区（新）"


@pytest.mark.parametrize(("role", "field"), [("region_staff", "region"), ("department_staff", "department")])
def test_membership_role_that_needs_a_scope_without_one_is_refused_on_the_field(
    client_for, api_for, users, role, field
):
    data = {"user": users["leader"].pk, "role": role, "active": True}
    before = Membership.objects.count()
    response = client_for("city_admin").post("/orgs/memberships/add/", data)
    assert response.status_code == 400
    assert response.context["form"].has_error(field)
    api = api_for("city_admin").post("/api/orgs/memberships/", data, format="json")
    assert api.status_code == 400 and field in api.json()
    assert Membership.objects.count() == before


def test_membership_with_its_region_is_accepted(client_for, users, regions):
    data = {"user": users["leader"].pk, "role": "region_staff", "region": regions["舞阳县"].pk, "active": True}
    assert client_for("city_admin").post("/orgs/memberships/add/", data).status_code == 302
    assert Membership.objects.filter(user=users["leader"], region=regions["舞阳县"]).exists()


def test_county_user_cannot_grant_themselves_a_role(client_for, api_for, users):
    data = {"user": users["county_a"].pk, "role": "city_admin", "active": True}
    assert client_for("county_a").post("/orgs/memberships/add/", data).status_code == 403
    # The API refuses on validation: the user field offers county A staff no users to pick.
    assert api_for("county_a").post("/api/orgs/memberships/", data, format="json").status_code in (400, 403)
    assert not Membership.objects.filter(user=users["county_a"], role="city_admin").exists()
