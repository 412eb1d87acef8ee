"""Builders for approval tests: real rows through the real services."""

from datetime import date

from keyprojects.approvals import services
from keyprojects.approvals.choices import AssessmentKind
from keyprojects.approvals.models import ApprovalMatter, ApprovalPlan, ZoneAssessment
from keyprojects.enterprises.models import Enterprise
from keyprojects.orgs.models import Department, Region
from keyprojects.projects import services as project_services
from keyprojects.projects.choices import Stage
from keyprojects.projects.tests.factories import make_project

ZONE = "漯河经济技术开发区"
# the fixture's department (自然资源和规划局) answers for land and planning; 生态环境局 for the rest
LAND = ("site_selection", "land_supply", "planning_permit")


def departments(department):
    city = Region.objects.get(code="411100")
    ecology = Department.objects.get_or_create(region=city, name="生态环境局")[0]
    for matter in ApprovalMatter.objects.all():
        matter.department = department if matter.code in LAND else ecology
        matter.save()
    return ecology


def signed_project(users, region="郾城区", name="绿色通道项目", signed=date(2026, 8, 3)):
    owner, _new = Enterprise.objects.get_or_create(
        name="通道企业有限公司", defaults={"region": Region.objects.get(name=region)}
    )
    owner.users.add(users["enterprise"])
    project = make_project(
        region,
        name=name,
        owner=owner.pk,
        leader=users["leader"].pk,
        service_officer=users["service_officer"].pk,
        by=users["city_admin"],
    )
    project_services.advance_stage(project, to=Stage.SIGNED, on=signed, by=users["city_admin"])
    project.refresh_from_db()
    return project


def zone_assessments(kinds=(AssessmentKind.RELICS, AssessmentKind.ENERGY, AssessmentKind.SEISMIC), **dates):
    zone = Region.objects.get(name=ZONE)
    return [
        ZoneAssessment.objects.create(
            region=zone,
            kind=kind,
            document_number=f"漯开管〔2025〕{n}号",
            valid_from=dates.get("valid_from", date(2025, 1, 1)),
            valid_until=dates.get("valid_until", date(2027, 12, 31)),
        )
        for n, kind in enumerate(kinds, 1)
    ]


def plan_for(project, by, kind="filed"):
    return services.create_plan(ApprovalPlan(project=project, kind=kind), by=by)


def matter(plan, code):
    return plan.approvals.get(matter__code=code)
