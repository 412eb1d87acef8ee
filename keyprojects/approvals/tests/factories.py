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


# Bodies of the approval verbs for core's role matrix (the shared "approve" body gets a 文号).
MATRIX_BODIES = {
    "apply": {"mode": "regular"},
    "ask_supplement": {"note": "请补充材料"},
    "refuse": {"note": "不符合规划"},
}


def matrix_world(users, department, project) -> dict:
    """A plan of the role matrix's project whose matters all belong to the matrix department,
    with one matter in the state each approval verb starts from."""
    from keyprojects.approvals.choices import ApprovalMode
    from keyprojects.approvals.models import ProjectApproval

    ApprovalMatter.objects.update(department=department)
    plan = plan_for(project, users["city_admin"])
    by = users["city_admin"]
    rows = iter(plan.approvals.filter(status="not_started").select_related("matter").order_by("pk"))

    def next_row(mode=None):
        for row in rows:
            if mode is None or mode in row.matter.allowed_modes:
                return row
        raise AssertionError("the template ran out of matters")

    fresh = next_row()
    applied = services.apply_for(next_row(), by=by)
    accepted = services.accept(services.apply_for(next_row(), by=by), by=by)
    waiting = services.ask_supplement(
        services.accept(services.apply_for(next_row(), by=by), by=by), by=by, note="请补充"
    )
    tolerance = services.apply_for(
        next_row(ApprovalMode.TOLERANCE),
        by=by,
        mode=ApprovalMode.TOLERANCE,
        missing_documents="环评批复",
        supplement_deadline=date(2099, 1, 1),
    )
    label = ProjectApproval._meta.label
    return {
        (label, "apply"): fresh,
        (label, "accept"): applied,
        (label, "withdraw"): applied,
        (label, "review"): accepted,
        (label, "ask_supplement"): accepted,
        (label, "approve"): accepted,
        (label, "refuse"): accepted,
        (label, "resume"): waiting,
        (label, "supplied"): tolerance,
    }
