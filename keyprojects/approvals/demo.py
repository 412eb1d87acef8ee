"""Demo data of the green channel: the catalogue's departments, the 经开区's zone assessments
(one expired), and approval plans for the demo's signed and started projects with a mix of
modes, a few overdue matters, a 待补正 pause and a 容缺 matter."""

import datetime

from keyprojects.core.context import acting

from .choices import ApprovalMode, AssessmentKind, ProjectKind
from .models import ApprovalMatter, ApprovalPlan, ProjectApproval, ZoneAssessment

# the catalogue's department as listed -> the demo city's department
DEPARTMENTS = {
    "发展改革部门": "漯河市发展和改革委员会",
    "自然资源部门": "漯河市自然资源和规划局",
    "生态环境部门": "漯河市生态环境局",
    "住房城乡建设部门": "漯河市住房和城乡建设局",
}
FALLBACK = "漯河市行政审批和政务信息管理局"
ZONE = "漯河经济技术开发区"


def link_departments():
    from keyprojects.orgs.models import Department

    by_name = {d.name: d for d in Department.objects.filter(region__code="411100")}
    for matter in ApprovalMatter.objects.filter(department__isnull=True):
        found = by_name.get(DEPARTMENTS.get(matter.department_name, FALLBACK))
        if found is not None:
            matter.department = found
            matter.save()


def seed_approvals(stdout=None):
    from django.utils import timezone

    from keyprojects.orgs.models import Region, User
    from keyprojects.projects.choices import Stage
    from keyprojects.projects.models import Project

    from . import services

    today = timezone.localdate()
    with acting(None, "seed_demo"):
        link_departments()
        zone = Region.objects.filter(name=ZONE).first()
        if zone is not None and not ZoneAssessment.objects.filter(region=zone).exists():
            for kind in (AssessmentKind.RELICS, AssessmentKind.ENERGY, AssessmentKind.SEISMIC):
                ZoneAssessment.objects.create(
                    region=zone,
                    kind=kind,
                    document_number=f"漯开管〔{today.year - 1}〕{len(kind)}号",
                    valid_from=today - datetime.timedelta(days=300),
                    valid_until=today + datetime.timedelta(days=430),
                )
            ZoneAssessment.objects.create(
                region=zone,
                kind=AssessmentKind.GEOHAZARD,
                document_number=f"漯开管〔{today.year - 3}〕7号",
                valid_from=today - datetime.timedelta(days=800),
                valid_until=today - datetime.timedelta(days=70),
                note="地质灾害危险性区域评估，已过有效期",
            )
    if ApprovalPlan.objects.exists():
        return
    by = User.objects.filter(username="cityadmin").first() or services.system_user()
    projects = Project.objects.filter(stage__in=[Stage.SIGNED, Stage.STARTED], archived_at__isnull=True).order_by("pk")[
        :24
    ]
    kinds = [ProjectKind.FILED, ProjectKind.CONFIRMED, ProjectKind.GOVERNMENT]
    modes = [ApprovalMode.REGULAR, ApprovalMode.COMMITMENT, ApprovalMode.TOLERANCE, ApprovalMode.REGULAR]
    cal = services.working_calendar()
    for n, project in enumerate(projects):
        plan = services.create_plan(ApprovalPlan(project=project, kind=kinds[n % 3]), by=by)
        start = cal.add_working_days(today - datetime.timedelta(days=90 + 7 * (n % 6)), 0)
        for m, approval in enumerate(plan.approvals.filter(status="not_started").select_related("matter")):
            if m > 5 + n % 6:
                break
            mode = modes[(n + m) % 4]
            if mode not in approval.matter.allowed_modes:
                mode = ApprovalMode.REGULAR
            applied = cal.add_working_days(start, m * 2)
            extra = {}
            if mode == ApprovalMode.TOLERANCE:
                extra = {
                    "missing_documents": "环评批复（容缺后补）",
                    "supplement_deadline": applied + datetime.timedelta(days=30),
                }
            services.apply_for(approval, by=by, on=applied, mode=mode, **extra)
            accepted = cal.add_working_days(applied, 1)
            if accepted > today:
                continue
            services.accept(approval, by=by, on=accepted)
            if mode == ApprovalMode.TOLERANCE:
                services.supplied(approval, by=by, on=accepted)
            decided = cal.add_working_days(accepted, max(1, approval.statutory_days - 2 - (n + m) % 5))
            if (n + m) % 7 == 3:
                services.ask_supplement(
                    approval, by=by, on=cal.add_working_days(accepted, 2), note="请补充技术论证材料"
                )
                continue
            if (n + m) % 9 == 4 or decided > today:
                continue  # still on the desk: some run past their limit (overdue)
            services.approve(approval, by=by, on=decided, document_number=f"漯审〔{decided.year}〕{100 + n * 10 + m}号")
    services.refresh_clocks(today)
    services.raise_overdue(today)
    ProjectApproval.objects.count()
