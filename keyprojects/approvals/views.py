from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from keyprojects.core.access import Action, can, memberships
from keyprojects.core.verbs import Verb
from keyprojects.core.views import ModelViews

from . import services
from .choices import OPEN
from .filtersets import (
    ApprovalMatterFilterSet,
    ApprovalPlanFilterSet,
    ProjectApprovalFilterSet,
    ZoneAssessmentFilterSet,
)
from .forms import (
    ApplyForm,
    ApprovalMatterForm,
    ApprovalPlanForm,
    ApproveForm,
    DateForm,
    NoteDateForm,
    OptionalNoteDateForm,
    ZoneAssessmentForm,
)
from .models import ApprovalMatter, ApprovalPlan, ProjectApproval, ZoneAssessment
from .tables import ApprovalMatterTable, ApprovalPlanTable, ProjectApprovalTable, ZoneAssessmentTable

_ = gettext_lazy
on = services.available


class ApprovalMatterViews(ModelViews):
    model = ApprovalMatter
    filterset = ApprovalMatterFilterSet
    table = ApprovalMatterTable
    form = ApprovalMatterForm
    url_prefix = "matters/"
    select_related = ("department",)


class ZoneAssessmentViews(ModelViews):
    model = ZoneAssessment
    filterset = ZoneAssessmentFilterSet
    table = ZoneAssessmentTable
    form = ZoneAssessmentForm
    url_prefix = "zone-assessments/"
    select_related = ("region",)
    detail_template = "approvals/zoneassessment_detail.html"

    @classmethod
    def detail_context(cls, request, obj):
        relying = (
            ProjectApproval.objects.restrict(request.user)
            .filter(zone_assessment=obj)
            .select_related("project", "matter")
        )
        return {"relying": relying[:200]}


class ApprovalPlanViews(ModelViews):
    model = ApprovalPlan
    filterset = ApprovalPlanFilterSet
    table = ApprovalPlanTable
    form = ApprovalPlanForm
    url_prefix = "plans/"
    select_related = ("project",)
    detail_template = "approvals/approvalplan_detail.html"

    @classmethod
    def save(cls, form, request):
        return services.create_plan(form.save(commit=False), by=request.user)

    @classmethod
    def detail_context(cls, request, obj):
        return {"view_plan": plan_context(request, obj)}


def plan_context(request, plan):
    approvals = list(
        ProjectApproval.objects.restrict(request.user)
        .filter(plan=plan, archived_at__isnull=True)
        .select_related("matter", "department", "zone_assessment")
    )
    stages = {}
    for approval in approvals:
        stages.setdefault(approval.matter.get_stage_display(), []).append(approval)
    expired = [a for a in approvals if a.zone_assessment_id and a.zone_assessment.expired]
    return {"plan": plan, "stages": list(stages.items()), "expired": expired, "approvals": approvals}


class ProjectApprovalViews(ModelViews):
    model = ProjectApproval
    filterset = ProjectApprovalFilterSet
    table = ProjectApprovalTable
    url_prefix = "items/"
    select_related = ("project", "matter", "department")
    detail_template = "approvals/projectapproval_detail.html"
    verbs = (
        Verb("apply", _("Apply"), services.apply_for, form=ApplyForm, available=on("apply"), done=_("Applied.")),
        Verb(
            "accept",
            _("Accept"),
            services.accept,
            form=DateForm,
            available=on("accept"),
            done=_("Accepted: the clock runs."),
        ),
        Verb(
            "review", _("Start review"), services.review, form=DateForm, available=on("review"), style="outline-primary"
        ),
        Verb(
            "ask_supplement",
            _("Ask for documents (待补正)"),
            services.ask_supplement,
            form=NoteDateForm,
            available=on("ask_supplement"),
            style="outline-secondary",
            done=_("The applicant is asked; the clock is paused."),
        ),
        Verb(
            "resume",
            _("Documents received"),
            services.resume,
            form=DateForm,
            available=on("resume"),
            done=_("The clock runs again."),
        ),
        Verb(
            "supplied",
            _("Missing documents supplied"),
            services.supplied,
            form=DateForm,
            available=on("supplied"),
            style="outline-primary",
        ),
        Verb(
            "approve",
            _("Approve"),
            services.approve,
            form=ApproveForm,
            available=on("approve"),
            style="success",
            done=_("Approved."),
        ),
        Verb("refuse", _("Refuse"), services.refuse, form=NoteDateForm, available=on("refuse"), style="outline-danger"),
        Verb(
            "withdraw",
            _("Withdraw"),
            services.withdraw,
            form=OptionalNoteDateForm,
            available=on("withdraw"),
            style="outline-secondary",
        ),
    )

    @classmethod
    def detail_context(cls, request, obj):
        return {"events": list(obj.events.select_related("actor")), "elapsed": services.elapsed_days(obj)}


def _my_departments(user):
    return [m.department_id for m in memberships(user) if m.department_id]


def queue_rows(user, department_ids=None):
    """A department's queue: its open matters, the fewest working days left first (paused and
    not yet accepted after those running)."""
    from django.db.models import F

    rows = ProjectApproval.objects.restrict(user).filter(archived_at__isnull=True, status__in=OPEN - {"not_started"})
    if department_ids:
        rows = rows.filter(department_id__in=department_ids)
    return rows.select_related("project", "matter", "department").order_by(
        F("remaining_days").asc(nulls_last=True), "pk"
    )


@login_required
def queue(request):
    if not can(request.user, Action.VIEW, ProjectApproval):
        raise PermissionDenied
    departments = _my_departments(request.user)
    rows = list(queue_rows(request.user, departments)[:300])
    return render(request, "approvals/queue.html", {"rows": rows, "departments": departments})


def project_panel(request, project):
    """The project page's 审批 tab: its plan by stage, or the button to make one."""
    plan = ApprovalPlan.objects.restrict(request.user).filter(project=project).first()
    if plan is None:
        if not can(request.user, Action.ADD, ApprovalPlan):
            return None
        return {"plan": None, "add_url": reverse("approvals:approvalplan_add") + f"?project={project.pk}"}
    return plan_context(request, plan)


@login_required
def figures(request):
    from . import figures as figs

    if not can(request.user, Action.VIEW, ProjectApproval):
        raise PermissionDenied
    return render(
        request,
        "approvals/figures.html",
        {
            "departments": figs.department_durations(request.user),
            "phases": figs.phase_durations(request.user),
            "commitment": figs.commitment_share(request.user),
        },
    )


@login_required
def circular(request, fmt):
    """联审联批 progress circular for the plans in the user's scope (xlsx or docx)."""
    from django.http import Http404, HttpResponse

    from . import figures as figs

    if not can(request.user, Action.VIEW, ProjectApproval):
        raise PermissionDenied
    if fmt == "xlsx":
        content, kind = (
            figs.circular_xlsx(request.user),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "docx":
        content, kind = (
            figs.circular_docx(request.user),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    else:
        raise Http404
    from urllib.parse import quote

    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('联审联批进展通报.' + fmt)}"
    return response
