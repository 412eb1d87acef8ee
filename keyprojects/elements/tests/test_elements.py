"""Whitelists with their criteria and coverage, element demands requested against guaranteed,
and conflicts (a stoppage order naming a whitelisted project, an element past its date) raising
priority problems once, with every refusal of the issue's Bad input list and each role's scope."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from keyprojects.approvals.tests.factories import signed_project
from keyprojects.elements import services
from keyprojects.elements.choices import Element, WhitelistKind
from keyprojects.elements.models import ElementDemand, StoppageOrder, Whitelist, WhitelistEntry
from keyprojects.enterprises.models import EnterpriseFact
from keyprojects.orgs.models import Department, Region
from keyprojects.problems.models import Problem
from keyprojects.projects import services as project_services
from keyprojects.projects.choices import Stage
from keyprojects.projects.models import YearPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def whitelist(db):
    return Whitelist.objects.create(
        name="2026年要素保障白名单",
        kind=WhitelistKind.UNINTERRUPTED,
        year=2026,
        valid_from=date(2026, 1, 1),
        valid_until=date(2026, 12, 31),
        stages=[Stage.SIGNED, Stage.STARTED],
        min_investment=Decimal(10000),
    )


def entry(whitelist, project, by, reason="市重点项目"):
    return services.add_entry(WhitelistEntry(whitelist=whitelist, project=project, reason=reason), by=by)


def test_whitelist_entry_meets_the_criteria_and_is_revoked_with_a_reason(users, whitelist):
    project = signed_project(users)
    found = entry(whitelist, project, users["city_admin"])
    with pytest.raises(ValidationError, match="already on this list"):
        entry(whitelist, project, users["city_admin"])
    with pytest.raises(ValidationError):
        services.revoke_entry(found, by=users["city_admin"], reason="")
    found = services.revoke_entry(found, by=users["city_admin"], reason="项目停滞")
    assert found.status == "revoked" and found.revoke_reason == "项目停滞"
    assert WhitelistEntry.objects.filter(project=project).count() == 1  # kept, never deleted


def test_terminated_small_or_blacklisted_projects_are_refused(users, whitelist):
    by = users["city_admin"]
    stopped = signed_project(users, name="终止项目")
    project_services.advance_stage(stopped, to=Stage.TERMINATED, on=date(2026, 9, 1), by=by, reason="撤资")
    stopped.refresh_from_db()
    with pytest.raises(ValidationError, match="terminated"):
        entry(whitelist, stopped, by)
    small = signed_project(users, name="小项目")
    small.total_investment = Decimal(5000)
    small.save()
    with pytest.raises(ValidationError, match="below"):
        entry(whitelist, small, by)
    bad = signed_project(users, name="失信企业项目")
    EnterpriseFact.objects.create(
        enterprise=bad.owner, field="blacklisted", year=2026, number=1, source="发改委", as_of=date(2026, 6, 1)
    )
    with pytest.raises(ValidationError, match="blacklist"):
        entry(whitelist, bad, by)
    assert not WhitelistEntry.objects.exists()


def test_coverage_of_the_years_planned_investment_against_70_percent(users, whitelist, client_for):
    big, other = signed_project(users, name="大项目"), signed_project(users, name="其他项目")
    YearPlan.objects.create(project=big, year=2026, planned_investment=Decimal(8000))
    YearPlan.objects.create(project=other, year=2026, planned_investment=Decimal(2000))
    entry(whitelist, big, users["city_admin"])
    found = services.coverage(whitelist)
    assert found["share"] == Decimal("0.8") and found["met"]
    page = client_for("city_admin").get(whitelist.get_absolute_url()).content.decode()
    assert 'data-testid="coverage"' in page and "80%" in page


def test_guaranteed_above_requested_needs_a_note(users, department):
    project = signed_project(users)
    demand = ElementDemand(
        project=project,
        element=Element.POWER,
        requested=Decimal(8000),
        guaranteed=Decimal(10000),
        department=department,
        guarantee_by=date(2026, 10, 1),
    )
    with pytest.raises(ValidationError, match="say why"):
        services.save_demand(demand, by=users["city_admin"])
    assert not ElementDemand.objects.exists()
    demand.note = "按二期负荷一并保障"
    assert services.save_demand(demand, by=users["city_admin"]).guaranteed_on is not None


def test_stoppage_order_naming_a_whitelisted_project_raises_a_priority_problem(users, whitelist):
    project = signed_project(users)
    entry(whitelist, project, users["city_admin"])
    ecology = Department.objects.create(region=Region.objects.get(code="411100"), name="生态环境局")
    order = StoppageOrder(
        kind="pollution", title="重污染天气橙色预警停工令", issuer=ecology, issued_on=date(2026, 11, 20)
    )
    other = signed_project(users, name="名单外项目")
    problems = services.record_order(order, by=users["city_admin"], projects=[project, other])
    assert len(problems) == 1
    problem = problems[0]
    assert problem.project == project and problem.lead_department == ecology and problem.escalation == 1
    assert "重污染天气橙色预警停工令" in problem.description and whitelist.name in problem.description
    assert services.record_order(order, by=users["city_admin"]) == []  # once per order and project


def test_element_past_its_guaranteed_date_raises_one_problem(users, department):
    project = signed_project(users)
    services.save_demand(
        ElementDemand(
            project=project,
            element=Element.LAND,
            requested=Decimal(120),
            guaranteed=Decimal(80),
            department=department,
            guarantee_by=date(2026, 10, 30),
        ),
        by=users["city_admin"],
    )
    assert services.raise_late(date(2026, 10, 30)) == 0
    assert services.raise_late(date(2026, 11, 2)) == 1
    problem = Problem.objects.get(project=project)
    assert problem.category == "land" and problem.lead_department == department and problem.escalation == 1
    assert services.raise_late(date(2026, 11, 3)) == 0


def test_shortfall_board_and_department_scope(users, department, client_for):
    project = signed_project(users)
    power = Department.objects.create(region=Region.objects.get(code="411100"), name="供电公司")
    for element, requested, guaranteed, by_department in (
        (Element.LAND, 120, 80, department),
        (Element.POWER, 8000, 8000, power),
        (Element.FUNDING, 20000, 5000, power),
    ):
        services.save_demand(
            ElementDemand(
                project=project,
                element=element,
                requested=Decimal(requested),
                guaranteed=Decimal(guaranteed),
                department=by_department,
                guarantee_by=date(2026, 12, 31),
            ),
            by=users["city_admin"],
        )
    rows = {r["element"]: r for r in services.shortfalls(users["city_admin"])}
    assert rows["land"]["shortfall"] == 40 and rows["funding"]["shortfall"] == 15000 and rows["power"]["short"] == 0
    assert set(r["element"] for r in services.shortfalls(users["department"])) == {"land"}
    assert services.shortfalls(users["county_b"]) == []
    page = client_for("city_admin").get("/elements/board/").content.decode()
    assert 'data-testid="shortfalls"' in page


def test_whitelist_exports_in_the_ecology_housing_and_power_layouts(users, whitelist, department, client_for):
    import io

    from openpyxl import load_workbook

    project = signed_project(users)
    entry(whitelist, project, users["city_admin"], reason="=HYPERLINK(1)")
    services.save_demand(
        ElementDemand(
            project=project,
            element=Element.POWER,
            requested=Decimal(8000),
            guaranteed=Decimal(8000),
            department=department,
            guarantee_by=date(2026, 12, 1),
        ),
        by=users["city_admin"],
    )
    client = client_for("city_admin")
    power = client.get(f"/elements/whitelists/{whitelist.pk}/layout/power.xlsx")
    rows = list(load_workbook(io.BytesIO(power.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "绿色通道项目" and rows[1][3] == 8000 and rows[1][4] == "'=HYPERLINK(1)"
    for layout in ("ecology", "housing"):
        assert client.get(f"/elements/whitelists/{whitelist.pk}/layout/{layout}.xlsx").status_code == 200
    assert client.get(f"/elements/whitelists/{whitelist.pk}/layout/nothing.xlsx").status_code == 404
    assert client_for("county_b").get(f"/elements/whitelists/{whitelist.pk}/layout/power.xlsx").status_code == 200


def test_element_ledger_imports_all_or_nothing_and_the_export_re_imports(users, department, client_for):
    from keyprojects.core.testing.cases import read_xlsx
    from keyprojects.elements.importers import ElementDemandImporter

    signed_project(users)
    header = ["项目名称", "要素类别", "需求量", "已保障量", "来源或方式", "保障部门", "承诺保障日期", "备注"]
    good = ["绿色通道项目", "用电", "8000", "5000", "", department.name, "2026.9.30", ""]
    over = ["绿色通道项目", "用地", "120", "150", "出让", department.name, "2026-10-30", ""]  # above, no note
    bad = ["不存在的项目", "交通", "x", "", "", "不存在的局", "明年", ""]
    plan = ElementDemandImporter(users["city_admin"]).plan([header, good, over, bad])
    found = {(e.row, e.column) for e in plan.errors}
    assert (3, "已保障量") in found or any(e.row == 3 for e in plan.errors)
    assert {(4, "项目名称"), (4, "要素类别"), (4, "保障部门"), (4, "承诺保障日期")} <= found
    with pytest.raises(Exception, match="nothing was imported|没有导入"):
        ElementDemandImporter(users["city_admin"]).commit(plan)
    assert not ElementDemand.objects.exists()
    plan = ElementDemandImporter(users["city_admin"]).plan([header, good])
    assert not plan.errors, [e.message for e in plan.errors]
    ElementDemandImporter(users["city_admin"]).commit(plan)
    demand = ElementDemand.objects.get()
    assert demand.element == "power" and demand.guaranteed == 5000 and demand.guarantee_by == date(2026, 9, 30)
    rows = read_xlsx(client_for("city_admin").get("/elements/demands/?export=xlsx"))
    assert rows[0][:2] == ["项目名称", "要素类别"] and len(rows) == 2


def test_api_scopes_demands_to_the_guaranteeing_department(users, department, api_for):
    project = signed_project(users)
    power = Department.objects.create(region=Region.objects.get(code="411100"), name="供电公司")
    for element, by_department in ((Element.LAND, department), (Element.POWER, power)):
        services.save_demand(
            ElementDemand(
                project=project,
                element=element,
                requested=Decimal(100),
                guaranteed=Decimal(100),
                department=by_department,
                guarantee_by=date(2026, 12, 31),
            ),
            by=users["city_admin"],
        )
    seen = {
        role: {r["element"] for r in api_for(role).get("/api/elements/demands/").json()["results"]} for role in users
    }
    assert seen["department"] == {"land"} and seen["county_a"] == {"land", "power"} and seen["county_b"] == set()
    assert seen["enterprise"] == {"land", "power"}  # its own project's
    over = {"project": project.pk, "element": "gas", "requested": "10", "guaranteed": "20", "department": power.pk}
    answer = api_for("city_admin").post("/api/elements/demands/", {**over, "guarantee_by": "2026-12-01"}, format="json")
    assert answer.status_code == 400 and "guaranteed" in answer.json()
