import pytest
from django.core.exceptions import ValidationError

from keyprojects.core.models import ObjectChange
from keyprojects.core.testing.cases import (
    ROLES,
    ModelCase,
    assert_matrix,
    etag,
    listed,
    object_check,
    upload,
    xlsx_bytes,
)
from keyprojects.core.testing.pages import in_language
from keyprojects.enterprises.models import Enterprise
from keyprojects.enterprises.validators import credit_code_check_character
from keyprojects.enterprises.views import EnterpriseViews


def code(serial, region="411103"):
    """A valid credit code: registration 9, enterprise 1, region, organisation code, check."""
    body = f"91{region}MA{serial:07d}"
    return body + credit_code_check_character(body)


def wrong(valid):
    """The same code with a check character that is not the right one."""
    return valid[:17] + ("0" if valid[17] != "0" else "1")


def make(name, region, serial, **values):
    return Enterprise.objects.create(name=name, credit_code=code(serial), region=region, **values)


class TestEnterprise(ModelCase):
    views = EnterpriseViews
    api_url = "/api/enterprises/"
    invalid = {"credit_code": wrong(code(99))}
    bad_cell = ("统一社会信用代码", wrong(code(98)))
    serial = 0

    def make(self, regions, department, **values):
        TestEnterprise.serial += 1
        return Enterprise.objects.create(
            **{
                "name": "漯河双汇实业集团有限责任公司",
                "credit_code": code(self.serial),
                "region": regions["郾城区"],
                **values,
            }
        )

    def make_outside(self, regions, department):
        return make("舞阳县华丰实业有限公司", regions["舞阳县"], 500, industry="C3130")

    def form_data(self, regions, department):
        return {
            "name": "漯河卫来食品科技有限公司",
            "credit_code": code(600),
            "region": regions["郾城区"].pk,
            "industry": "C1499",
            "legal_representative": "刘卫",
            "contact_name": "王芳",
            "contact_phone": "0395-3100003",
        }

    def import_rows(self, regions):
        return [
            ["企业名称", "统一社会信用代码", "所属县(区)", "法人代表", "联系人", "联系电话", "国民经济行业代码"],
            # full-width and lower-case code, stray spaces
            [
                "漯河沙澧食品有限公司",
                "".join(chr(ord(c) + 0xFEE0) for c in code(701)).lower(),
                " 郾城区 ",
                "张三",
                "李四",
                "13900000001",
                "c1499",
            ],
            ["漯河颍河面业有限公司", code(702), "郾城区", "王五", "", "13900000002", "C1311"],
            ["漯河嘉禾饮料有限公司", code(703), "郾城区", "", "赵六", "", ""],
        ]


# An enterprise in 郾城区 (county A) whose user is the `enterprise` fixture user. Enterprises
# reach regions only; a dispatcher with no region watches the whole city, read-only; the
# enterprise user reads and changes its own enterprise but cannot archive it.
# The coordination office sees every enterprise read-only; roles that see a row but may not
# change it get 403, roles outside its scope 404.
MATRIX = {
    "list": [True, True, False, False, True, False, False, True, True, True, False],
    "detail": [200, 200, 404, 404, 200, 404, 404, 200, 200, 200, 302],
    "edit": [200, 200, 404, 404, 403, 404, 404, 403, 200, 403, 302],
    "archive": [200, 200, 404, 404, 403, 404, 404, 403, 403, 403, 302],
    "export": [True, True, False, False, True, False, False, True, True, True, False],
    "api list": [True, True, False, False, True, False, False, True, True, True, False],
    "api detail": [200, 200, 404, 404, 200, 404, 404, 200, 200, 200, 401],
    "api change": [200, 200, 404, 404, 403, 404, 404, 403, 200, 403, 401],
}


@pytest.mark.django_db
def test_enterprise_scoping_matrix(client_for, api_for, users, regions):
    enterprise = make("矩阵企业有限公司", regions["郾城区"], 1)
    enterprise.users.add(users["enterprise"])
    check = object_check(
        client_for,
        api_for,
        enterprise,
        list_url="/enterprises/",
        api_url="/api/enterprises/",
        api_change={"contact_name": "新联系人"},
        marker="矩阵企业有限公司",
    )
    assert_matrix(MATRIX, ROLES, check)


@pytest.mark.django_db
def test_enterprise_user_sees_their_enterprise_and_no_other(client_for, api_for, users, regions):
    mine = make("漯河市卫龙商贸有限公司", regions["郾城区"], 1)
    mine.users.add(users["enterprise"])
    same_county = make("漯河嘉禾饮料有限公司", regions["郾城区"], 2)
    elsewhere = make("舞阳县华丰实业有限公司", regions["舞阳县"], 3)
    assert listed(client_for("enterprise"), "/enterprises/") == {mine.pk}
    assert {r["id"] for r in api_for("enterprise").get("/api/enterprises/").json()["results"]} == {mine.pk}
    for other in (same_county, elsewhere):
        assert client_for("enterprise").get(f"/enterprises/{other.pk}/").status_code == 404
        assert api_for("enterprise").get(f"/api/enterprises/{other.pk}/").status_code == 404


@pytest.mark.django_db
def test_enterprise_user_keeps_its_contact_details_but_not_who_it_is(client_for, api_for, users, regions):
    """Its own user updates the representative and contact; name, credit code and region stay
    as the county registered them (a new region would move it out of the county's scope)."""
    mine = make("漯河市卫龙商贸有限公司", regions["郾城区"], 1)
    mine.users.add(users["enterprise"])
    data = {
        "name": "改名企业",
        "credit_code": code(9),
        "region": regions["舞阳县"].pk,
        "legal_representative": "刘强",
        "contact_name": "王芳",
        "contact_phone": "13803950000",
    }
    response = client_for("enterprise").post(f"/enterprises/{mine.pk}/edit/", data)
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.contact_name, mine.legal_representative) == ("王芳", "刘强")
    assert (mine.name, mine.region, mine.credit_code) == ("漯河市卫龙商贸有限公司", regions["郾城区"], code(1))
    api = api_for("enterprise").patch(
        f"/api/enterprises/{mine.pk}/", {**data, "contact_name": "李娜"}, format="json", HTTP_IF_MATCH=etag(mine)
    )
    assert api.status_code == 200 and api.json()["name"] == "漯河市卫龙商贸有限公司"
    mine.refresh_from_db()
    assert (mine.contact_name, mine.region) == ("李娜", regions["郾城区"])
    staff = api_for("county_a").patch(
        f"/api/enterprises/{mine.pk}/", {"name": "漯河卫龙食品有限公司"}, format="json", HTTP_IF_MATCH=etag(mine)
    )
    assert staff.status_code == 200 and staff.json()["name"] == "漯河卫龙食品有限公司"


@pytest.mark.django_db
def test_enterprise_user_cannot_add_enterprises(client_for, api_for, regions):
    data = {"name": "越权企业", "credit_code": code(7), "region": regions["郾城区"].pk}
    assert client_for("enterprise").post("/enterprises/add/", data).status_code == 403
    assert api_for("enterprise").post("/api/enterprises/", data, format="json").status_code in (403, 404)
    assert not Enterprise.objects.filter(name="越权企业").exists()


@pytest.mark.django_db
def test_county_user_cannot_create_enterprise_in_other_county(client_for, regions):
    data = {"name": "越权企业", "credit_code": code(8), "region": regions["舞阳县"].pk}
    response = client_for("county_a").post("/enterprises/add/", data)
    assert response.status_code == 400
    assert not Enterprise.objects.filter(name="越权企业").exists()


@pytest.mark.django_db
def test_lower_case_full_width_code_is_stored_normalised_by_form_and_api(client_for, api_for, regions):
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code(11)).lower()
    data = {"name": "全角企业", "credit_code": full_width, "region": regions["郾城区"].pk, "industry": "ｃ１３５３"}
    assert client_for("county_a").post("/enterprises/add/", data).status_code == 302
    saved = Enterprise.objects.get(name="全角企业")
    assert (saved.credit_code, saved.industry) == (code(11), "C1353")
    response = api_for("county_a").post(
        "/api/enterprises/", {**data, "name": "小写企业", "credit_code": code(12).lower()}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["credit_code"] == code(12)
    assert Enterprise.objects.get(name="小写企业").credit_code == code(12)


@pytest.mark.django_db
def test_wrong_check_character_is_refused_with_the_expected_one(client_for, api_for, regions):
    valid = code(13)
    data = {"name": "错码企业", "credit_code": wrong(valid), "region": regions["郾城区"].pk}
    response = in_language(client_for("county_a")).post("/enterprises/add/", data)
    assert response.status_code == 400
    errors = response.context["form"].errors["credit_code"]
    assert errors == [f"Not a valid unified social credit code: the check character should be {valid[17]}."]
    response = api_for("county_a").post("/api/enterprises/", data, format="json")
    assert response.status_code == 400 and "credit_code" in response.json()
    assert not Enterprise.objects.filter(name="错码企业").exists()


@pytest.mark.django_db
def test_duplicate_credit_code_is_refused_on_form_and_api(client_for, api_for, regions):
    existing = make("漯河双汇实业集团有限责任公司", regions["郾城区"], 21)
    # Typed differently (lower case) and registered elsewhere: still the same enterprise.
    data = {"name": "重复企业", "credit_code": existing.credit_code.lower(), "region": regions["郾城区"].pk}
    response = client_for("county_a").post("/enterprises/add/", data)
    assert response.status_code == 400
    assert response.context["form"].has_error("credit_code", code="unique")
    for credit_code in (existing.credit_code, existing.credit_code.lower()):
        response = api_for("county_a").post("/api/enterprises/", {**data, "credit_code": credit_code}, format="json")
        assert response.status_code == 400 and "credit_code" in response.json(), response.content
    other = make("漯河嘉禾饮料有限公司", regions["郾城区"], 22)
    response = api_for("county_a").patch(
        f"/api/enterprises/{other.pk}/", {"credit_code": existing.credit_code}, format="json", HTTP_IF_MATCH=etag(other)
    )
    assert response.status_code == 400 and "credit_code" in response.json()
    assert Enterprise.objects.filter(credit_code=existing.credit_code).count() == 1
    assert not Enterprise.objects.filter(name="重复企业").exists()


@pytest.mark.django_db
def test_import_reports_a_wrong_credit_code_with_row_column_and_reason(client_for, regions, run_jobs):
    client = client_for("county_a")
    good = code(31)
    rows = [
        ["企业名称", "社会信用代码", "所属县区", "法定代表人"],  # a tolerated heading
        ["漯河沙澧食品有限公司", good, "郾城区", "张三"],
        ["漯河颍河面业有限公司", wrong(code(32)), "郾城区", "王五"],
    ]
    with run_jobs():
        response = client.post("/enterprises/import/", {"file": upload("企业台账.xlsx", xlsx_bytes(rows))})
    job = client.get(response.url).context["job"]
    assert job.result["error_count"] == 1
    error = job.result["errors"][0]
    assert (error["row"], error["letter"], error["column"]) == (3, "B", "社会信用代码")  # the file's own heading
    assert f"校验码应为 {code(32)[17]}" in error["message"]  # the request's language: zh-hans by default
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_reimport_matches_on_the_credit_code_and_updates(client_for, regions, run_jobs):
    existing = make("漯河沙澧食品有限公司", regions["郾城区"], 41, contact_name="旧联系人")
    rows = [
        ["企业名称", "统一社会信用代码", "所属县区", "联系人"],
        [existing.name, existing.credit_code.lower(), "郾城区", "新联系人"],
    ]
    client = client_for("county_a")
    with run_jobs():
        response = client.post("/enterprises/import/", {"file": upload("企业台账.xlsx", xlsx_bytes(rows))})
    preview = client.get(response.url).context["job"]
    assert (preview.result["creates"], preview.result["updates"], preview.result["error_count"]) == (0, 1, 0)
    with run_jobs():
        response = client.post(response.url)
    existing.refresh_from_db()
    assert existing.contact_name == "新联系人" and Enterprise.objects.count() == 1


@pytest.mark.django_db
def test_only_user_administrators_set_enterprise_users_and_it_is_logged(client_for, api_for, users, regions):
    enterprise = make("漯河市卫龙商贸有限公司", regions["郾城区"], 51)
    enterprise.users.add(users["enterprise"])
    # The enterprise user (and county staff) cannot hand the enterprise to someone else.
    response = api_for("enterprise").patch(
        f"/api/enterprises/{enterprise.pk}/",
        {"users": [users["leader"].pk]},
        format="json",
        HTTP_IF_MATCH=etag(enterprise),
    )
    assert response.status_code == 200
    assert list(enterprise.users.all()) == [users["enterprise"]]
    assert "users" not in client_for("county_a").get(f"/enterprises/{enterprise.pk}/edit/").context["form"].fields
    # Saving the form without the field keeps the users it has.
    form = client_for("county_a").get(f"/enterprises/{enterprise.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "users"}
    data["region"] = regions["郾城区"].pk
    assert client_for("county_a").post(f"/enterprises/{enterprise.pk}/edit/", data).status_code == 302
    assert list(enterprise.users.all()) == [users["enterprise"]]
    # The city administrator can; the change goes in the log with before and after.
    response = api_for("city_admin").patch(
        f"/api/enterprises/{enterprise.pk}/",
        {"users": [users["enterprise"].pk, users["leader"].pk]},
        format="json",
        HTTP_IF_MATCH=etag(enterprise),
    )
    assert response.status_code == 200, response.json()
    assert set(enterprise.users.all()) == {users["enterprise"], users["leader"]}
    change = ObjectChange.for_object(enterprise).filter(changes__has_key="users").latest("pk")
    assert change.user == users["city_admin"]
    assert change.changes["users"] == [[users["enterprise"].pk], sorted([users["enterprise"].pk, users["leader"].pk])]


@pytest.mark.django_db
def test_filters_by_region_industry_and_code(client_for, regions):
    food = make("漯河沙澧食品有限公司", regions["郾城区"], 61, industry="C1499")
    meat = make("漯河双汇肉制品有限公司", regions["郾城区"], 62, industry="C1353")
    build = make("漯河宏达建筑工程有限公司", regions["舞阳县"], 63, industry="E4790")
    client = client_for("city_admin")
    assert listed(client, "/enterprises/?section=C") == {food.pk, meat.pk}
    assert listed(client, "/enterprises/?industry=c13") == {meat.pk}
    assert listed(client, f"/enterprises/?region={regions['舞阳县'].pk}") == {build.pk}
    assert listed(client, f"/enterprises/?q={meat.credit_code[-6:].lower()}") == {meat.pk}
    assert listed(client, "/enterprises/?q=沙澧") == {food.pk}
    assert client.get("/enterprises/?section=Z&region=abc").status_code == 200  # bad filters never 500


@pytest.mark.django_db
def test_global_search_finds_enterprises_in_scope_only(client_for, regions):
    make("漯河沙澧食品有限公司", regions["郾城区"], 71)
    assert "漯河沙澧食品有限公司" in client_for("county_a").get("/core/search/?q=沙澧").content.decode()
    assert "漯河沙澧食品有限公司" not in client_for("county_b").get("/core/search/?q=沙澧").content.decode()


@pytest.mark.django_db
def test_model_clean_normalises_before_validating(regions):
    """Writes that bypass the form (services, commands) get the same normalisation."""
    enterprise = Enterprise(
        name="全角企业",
        credit_code=" " + "".join(chr(ord(c) + 0xFEE0) for c in code(81)).lower(),
        region=regions["郾城区"],
    )
    enterprise.industry = "ｃ１３"
    enterprise.full_clean()
    assert (enterprise.credit_code, enterprise.industry) == (code(81), "C13")
    enterprise.credit_code = wrong(code(81)).lower()
    with pytest.raises(ValidationError) as error:
        enterprise.full_clean()
    assert list(error.value.message_dict) == ["credit_code"]


@pytest.mark.django_db
def test_nav_offers_enterprises_to_who_may_see_some(client_for):
    assert 'href="/enterprises/"' in client_for("county_a").get("/").content.decode()
    assert 'href="/enterprises/"' in client_for("enterprise").get("/").content.decode()
    assert 'href="/enterprises/"' not in client_for("leader").get("/").content.decode()
