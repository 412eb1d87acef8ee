"""The issue's "done when" in a real chromium: a signed 备案类 project in the 经开区 gets its plan
from the template; the zone's 区域评估 removes three matters; 环评 goes to 待补正 and its clock
pauses over a weekend and the National Day holiday; a 容缺 supplement deadline passes and the
matter is terminated with notifications; the project reaches "ready to start"; it goes on the
whitelist; a heavy-pollution stoppage naming it raises a problem. Screenshots in
test-artifacts/browser/<test>/."""

from datetime import date

import pytest

from keyprojects.approvals import services
from keyprojects.approvals.choices import ApprovalMode
from keyprojects.approvals.models import ApprovalPlan, ProjectApproval
from keyprojects.core.access import Role
from keyprojects.core.notifications import inbox
from keyprojects.core.testing.fixtures import PASSWORD
from keyprojects.elements.choices import WhitelistKind
from keyprojects.elements.models import Whitelist
from keyprojects.enterprises.models import Enterprise
from keyprojects.orgs.models import Department, Membership, Region, User
from keyprojects.problems.models import Problem
from keyprojects.projects import services as project_services
from keyprojects.projects.choices import Stage
from keyprojects.projects.tests.factories import make_project

from .factories import ZONE, departments, zone_assessments

pytestmark = pytest.mark.browser


def person(username, role, *, name, **scope):
    user = User.objects.create_user(username, password=PASSWORD, email=f"{username}@example.org", first_name=name)
    Membership.objects.create(user=user, role=role, **scope)
    return user


def verb(page, name, **fields):
    page.get_by_test_id(name).first.click()
    page.wait_for_load_state()
    for field, value in fields.items():
        locator = page.locator(f"#id_{field}")
        if locator.evaluate("e => e.tagName") == "SELECT":
            locator.select_option(value)
        else:
            locator.fill(value)
    page.locator("main form button[type=submit], form .btn-primary[type=submit]").last.click()
    page.wait_for_load_state()


def test_green_channel_from_plan_to_ready_to_start_whitelist_and_stoppage(browser_session):
    city = Region.objects.get(code="411100")
    land = Department.objects.create(region=city, name="自然资源和规划局")
    ecology = departments(land)
    admin = person("city", Role.CITY_ADMIN, name="市发改委")
    person("eco", Role.DEPARTMENT_STAFF, name="生态环境局审批科", department=ecology)
    owner_user = person("owner", Role.ENTERPRISE, name="企业联系人")
    zone = Region.objects.get(name=ZONE)
    owner = Enterprise.objects.create(name="漯河经开新材料有限公司", region=zone)
    owner.users.add(owner_user)
    project = make_project(ZONE, name="经开区新材料项目", owner=owner.pk, by=admin)
    project_services.advance_stage(project, to=Stage.SIGNED, on=date(2026, 8, 3), by=admin)
    zone_assessments()
    whitelist = Whitelist.objects.create(
        name="2026年不间断施工名单",
        kind=WhitelistKind.UNINTERRUPTED,
        year=2026,
        valid_from=date(2026, 1, 1),
        valid_until=date(2026, 12, 31),
    )

    page = browser_session.new_page()
    browser_session.sign_in(page, "city", PASSWORD)

    # 1. The plan from the 备案类 template, from the project's 审批 tab.
    page.goto(project.get_absolute_url())
    page.get_by_test_id("panel-tab-approvals").click()
    page.get_by_test_id("make-plan").click()
    page.wait_for_url("**/approvals/plans/add/**")
    page.locator("#id_kind").select_option("filed")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    plan = ApprovalPlan.objects.get(project=project)
    assert plan.approvals.count() == 16
    # 2. The zone's assessments clear three matters.
    assert set(plan.approvals.filter(status="skipped").values_list("matter__code", flat=True)) == {
        "relics",
        "energy",
        "seismic",
    }
    assert "区域评估覆盖" in page.get_by_test_id("matter-relics").inner_text()
    browser_session.shot(page, "plan-from-template", full_page=True)

    # 3. 环评: applied, accepted, 待补正 over the weekend, 中秋 and 国庆, resumed.
    eia = plan.approvals.get(matter__code="eia")
    page.goto(eia.get_absolute_url())
    verb(page, "apply", on="2026-09-18")
    verb(page, "accept", on="2026-09-21")
    verb(page, "ask_supplement", on="2026-09-23", note="补充大气环境监测数据")
    assert "计时暂停" in page.get_by_test_id("clock").inner_text()
    browser_session.shot(page, "eia-paused")
    verb(page, "resume", on="2026-10-08")
    eia.refresh_from_db()
    assert eia.paused_days == 5 and eia.due == date(2026, 11, 16)  # 30 working days + 5 paused, Saturday 10 Oct worked
    assert "2026年11月16日" in page.get_by_test_id("clock").inner_text()
    browser_session.shot(page, "eia-resumed", full_page=True)

    # 4. 容缺: 水影响评价 accepted with a document missing; its deadline passes: terminated, all told.
    water = plan.approvals.get(matter__code="water")
    page.goto(water.get_absolute_url())
    verb(
        page,
        "apply",
        on="2026-09-01",
        mode=ApprovalMode.TOLERANCE,
        missing_documents="水土保持方案批复",
        supplement_deadline="2026-09-30",
    )
    verb(page, "accept", on="2026-09-02")
    assert services.terminate_missed(date(2026, 10, 8)) == 1
    page.reload()
    assert "终止办理" in page.get_by_test_id("approval-status").inner_text()
    assert inbox(owner_user).filter(kind="approvals.terminated").exists()
    assert inbox(User.objects.get(username="eco")).filter(kind="approvals.terminated").exists()
    browser_session.shot(page, "tolerance-terminated", full_page=True)

    # 5. Everything construction needs is cleared; the last approval in the browser.
    for approval in plan.approvals.filter(matter__needed_for_start=True).exclude(status="skipped").exclude(pk=eia.pk):
        approval = services.apply_for(approval, by=admin, on=date(2026, 10, 9))
        approval = services.accept(approval, by=admin, on=date(2026, 10, 9))
        services.approve(approval, by=admin, on=date(2026, 10, 20), document_number=f"漯审〔2026〕{approval.pk}号")
    page.goto(eia.get_absolute_url())
    verb(page, "approve", on="2026-10-22", document_number="漯环审〔2026〕88号")
    plan.refresh_from_db()
    assert plan.ready_on == date(2026, 10, 22)
    page.goto(project.get_absolute_url())
    page.get_by_test_id("panel-tab-approvals").click()
    assert "2026年10月22日" in page.get_by_test_id("ready-on").inner_text()
    browser_session.shot(page, "ready-to-start", full_page=True)

    # 6. On the whitelist, 7. a heavy-pollution stoppage naming it raises a problem.
    page.goto(f"/elements/entries/add/?project={project.pk}&whitelist={whitelist.pk}")
    page.locator("#id_reason").fill("省重点项目，重污染天气期间保障连续施工")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert whitelist.entries.filter(project=project, status="active").exists()
    page.goto("/elements/orders/add/")
    page.locator("#id_kind").select_option("pollution")
    page.locator("#id_title").fill("重污染天气橙色预警停工令")
    page.locator("#id_issuer").select_option(str(ecology.pk))
    page.locator("#id_issued_on").fill("2026-11-20")
    page.locator("#id_projects").select_option([str(project.pk)])
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    problem = Problem.objects.get(project=project, category="environment")
    assert problem.lead_department == ecology and problem.escalation == 1
    page.goto(problem.get_absolute_url())
    assert "重污染天气橙色预警停工令" in page.content()
    browser_session.shot(page, "stoppage-problem", full_page=True)
    assert ProjectApproval.objects.filter(project=project, status="terminated").count() == 0  # water re-applied
