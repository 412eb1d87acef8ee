"""Each role's 工作台 leads with its own work: counts of what is due or overdue for it, each
linking to the list filtered to exactly those rows; leaders and officers see their projects,
red first."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from keyprojects.core.testing.cases import listed
from keyprojects.enterprises.models import Enterprise
from keyprojects.projects import services
from keyprojects.projects.choices import Stage
from keyprojects.projects.models import ProgressReport

from .factories import make_project, start_project

pytestmark = pytest.mark.django_db


def work(client):
    """{label: (count, url)} of the home page's work list."""
    return {item["label"]: (item["count"], item["url"]) for item in client.get("/").context["attention"]}


@pytest.fixture
def started(users, department, regions):
    owner = Enterprise.objects.create(
        name="工作台企业有限公司", credit_code="91411100MA9XXXXX1K", region=regions["郾城区"]
    )
    owner.users.add(users["enterprise"])
    project = make_project(
        owner=owner.pk, department=department.pk, leader=users["leader"].pk, service_officer=users["service_officer"].pk
    )
    return start_project(project, by=users["county_a"])


def test_enterprise_sees_its_returned_report_and_the_county_what_waits_for_review(client_for, users, started):
    report = services.save_report(
        ProgressReport(project=started, month=date(2024, 4, 1), investment=Decimal(5), physical_progress="主体"),
        by=users["enterprise"],
    )
    services.submit_report(report, by=users["enterprise"])
    count, url = work(client_for("county_a"))["待您审核的月度进度"]
    assert count == 1 and listed(client_for("county_a"), url) == {report.pk}
    assert "待您审核的月度进度" not in work(client_for("enterprise"))
    services.review_report(report, by=users["county_a"], accept=False, reason="数据有误")
    count, url = work(client_for("enterprise"))["退回给您的月度进度"]
    assert count == 1 and listed(client_for("enterprise"), url) == {report.pk}


def test_department_sees_the_nodes_it_answers_for_due_and_overdue(client_for, users, department):
    project = make_project(name="拿地项目")
    today = timezone.localdate()
    land = project.milestones.get(name="拿地")
    land.responsible_department, land.planned_date = department, today + timedelta(days=3)
    land.save()
    late = project.milestones.get(name="开工")
    late.responsible_department, late.planned_date = department, today - timedelta(days=10)
    late.save()
    project.milestones.filter(name="主体封顶").update(planned_date=today)  # not the department's
    items = work(client_for("department"))
    assert items["即将到期的节点"][0] == 1 and items["已逾期的节点"][0] == 1
    assert listed(client_for("department"), items["即将到期的节点"][1]) == {land.pk}
    assert listed(client_for("department"), items["已逾期的节点"][1]) == {late.pk}


def test_leader_home_lists_own_projects_red_first(client_for, users):
    make_project(name="绿灯项目", leader=users["leader"].pk, total="900000")
    make_project(name="红灯项目", leader=users["leader"].pk, planned_start_date="2020-01-01", total="100")
    page = client_for("leader").get("/")
    section = page.context["sections"][0]["context"]
    assert [p.name for p in section["projects"]] == ["红灯项目", "绿灯项目"]
    assert "红灯项目" in page.content.decode()
    assert client_for("county_b").get("/").context["sections"] == []


def test_a_role_with_nothing_due_sees_an_empty_workbench(client_for, started):
    page = client_for("county_b").get("/")
    assert page.status_code == 200 and 'data-testid="nothing-due"' in page.content.decode()
    assert Stage.STARTED == started.stage
