"""Who keeps a policy, and which enterprises a policy department reaches (docs/policies.md).

The world: the fixture department (自然资源和规划局) keeps a city policy over four 郾城区
enterprises; a second department (市科学技术局) keeps a 舞阳县 policy and has one staff user."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from keyprojects.core.access import Role
from keyprojects.enterprises.models import Enterprise
from keyprojects.enterprises.tests.test_enterprises import code
from keyprojects.orgs.models import Department, Membership, User
from keyprojects.policies import services
from keyprojects.policies.models import Grant, PolicyItem

from .factories import make_policy
from .test_flow import fact, world  # noqa: F401  (the shared fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def other(world, regions):  # noqa: F811
    science = Department.objects.create(region=regions["漯河市"], name="市科学技术局")
    user = User.objects.create_user("science", password="x-12345-pass")
    Membership.objects.create(user=user, role=Role.DEPARTMENT_STAFF, department=science)
    firm = Enterprise.objects.create(name="舞阳科技企业", credit_code=code(40), region=regions["舞阳县"])
    fact(firm, "revenue", 1)
    policy = make_policy(science, regions["舞阳县"], title="舞阳县科技政策")
    client = Client()
    client.force_login(user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return {"user": user, "department": science, "firm": firm, "policy": policy, "client": client, "api": api}


def test_another_department_reads_a_policy_but_may_not_change_run_or_revise_it(world, other):  # noqa: F811
    policy, item, client, api = world["policy"], world["item"], other["client"], other["api"]
    assert client.get(policy.get_absolute_url()).status_code == 200
    edit = client.get(f"{policy.get_absolute_url()}edit/")
    assert edit.status_code == 403 and "自然资源和规划局" in edit.content.decode()
    run = api.post(f"/api/policies/policies/{policy.pk}/run/", {}, format="json")
    assert run.status_code == 403 and "自然资源和规划局" in str(run.json())
    page_run = client.post(f"{policy.get_absolute_url()}run/")
    assert page_run.status_code == 403 and "自然资源和规划局" in page_run.content.decode()
    assert not policy.runs.exists()
    revise = client.post(f"{item.get_absolute_url()}revise/", {"condition_text": "营业收入 超过 1亿元"})
    assert revise.status_code == 403
    top_up = api.post(f"/api/policies/items/{item.pk}/top_up/", {"amount": "100"}, format="json")
    assert top_up.status_code == 403
    assert PolicyItem.objects.get(pk=item.pk).budget_fen == item.budget_fen


def test_a_department_adds_items_only_to_its_own_policies(world, other):  # noqa: F811
    client = other["client"]
    form = client.get(f"/policies/items/add/?policy={other['policy'].pk}").content.decode()
    assert "舞阳县科技政策" in form and "测试惠企政策" not in form
    foreign = client.post(
        "/policies/items/add/",
        {"policy": world["policy"].pk, "code": "X1", "name": "越权事项", "mode": "auto", "rounding": "yuan",
         "rounding_mode": "half_up", "condition_text": "营业收入 超过 1亿元", "formula_text": "1万元"},
    )  # fmt: skip
    assert foreign.status_code == 400 and not PolicyItem.objects.filter(code="X1").exists()
    preview = client.post(
        "/policies/items/preview/",
        {"policy": world["policy"].pk, "condition_text": "营业收入 超过 1亿元", "formula_text": "1万元"},
    )
    assert preview.status_code == 403 and "自然资源和规划局" in preview.json()["error"]
    own = client.post(
        "/policies/items/preview/",
        {"policy": other["policy"].pk, "condition_text": "营业收入 超过 1亿元", "formula_text": "1万元"},
    )
    assert [row["enterprise"] for row in own.json()["rows"]] == ["舞阳科技企业"]
    new_policy = client.get("/policies/policies/add/").content.decode()
    assert "市科学技术局" in new_policy and "自然资源和规划局" not in new_policy


def test_the_keeping_department_and_the_city_run_and_review_its_grants(world, other, client_for, api_for):  # noqa: F811
    users = world["users"]
    assert api_for("department").post(f"/api/policies/policies/{world['policy'].pk}/run/").status_code == 200
    grant = Grant.objects.get(enterprise=world["firms"]["清晰企业"])
    # the other department neither sees nor reviews another department's grants
    assert other["api"].post(f"/api/policies/grants/{grant.pk}/review/", {"decision": "grant"}).status_code == 404
    assert other["client"].get(grant.get_absolute_url()).status_code == 404
    review = api_for("city_admin").post(f"/api/policies/grants/{grant.pk}/review/", {"decision": "grant"})
    assert review.status_code == 200
    item = services.save_item(
        other["policy"], by=users["city_admin"], code="K1", name="科技奖励",
        condition_text="营业收入 超过 0元", formula_text="1万元",
    )  # fmt: skip
    assert api_for("city_admin").post(f"/api/policies/items/{item.pk}/top_up/", {"amount": "5"}).status_code == 200
    assert other["api"].post(f"/api/policies/policies/{other['policy'].pk}/run/").status_code == 200


def test_a_policy_department_sees_the_enterprises_where_its_policies_apply(world, other, client_for, api_for):  # noqa: F811
    firms = world["firms"]
    services.run_policy(world["policy"], by=world["users"]["city_admin"])
    # the city policy's department: every enterprise of the city, in the calculator and the API
    mine = client_for("department").get("/policies/calculator/").content.decode()
    assert all(name in mine for name in ("清晰企业", "门槛企业", "缺数企业", "未达企业", "舞阳科技企业"))
    page = client_for("department").get(f"/policies/calculator/?enterprise={firms['清晰企业'].pk}").content.decode()
    assert "20万元" in page
    api = api_for("department").get(f"/api/policies/policies/calculator/?enterprise={firms['门槛企业'].pk}")
    assert api.status_code == 200 and api.json()["answers"]
    grants = client_for("department").get("/policies/grants/").content.decode()
    assert "清晰企业" in grants
    assert client_for("department").get(firms["清晰企业"].get_absolute_url()).status_code == 200
    # the county policy's department: that county's enterprises only
    theirs = other["client"].get("/policies/calculator/").content.decode()
    assert "舞阳科技企业" in theirs and "清晰企业" not in theirs
    refused = other["api"].get(f"/api/policies/policies/calculator/?enterprise={firms['清晰企业'].pk}")
    assert refused.status_code == 404
    assert other["client"].get(firms["清晰企业"].get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("role", "sees_yancheng", "sees_wuyang"),
    [
        ("city_admin", True, True),
        ("county_a", True, False),
        ("county_b", False, True),
        ("auditor", True, True),
        ("leader", False, False),
        ("dispatcher", True, True),
    ],
)
def test_each_role_reaches_the_calculator_enterprises_of_its_scope(
    world,  # noqa: F811
    other,
    client_for,
    role,
    sees_yancheng,
    sees_wuyang,
):
    client = client_for(role)
    for firm, sees in ((world["firms"]["清晰企业"], sees_yancheng), (other["firm"], sees_wuyang)):
        answer = client.get(f"/policies/calculator/?enterprise={firm.pk}")
        assert answer.status_code == (200 if sees else 404), (role, firm.name)
