from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, Q, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keyprojects.core.access import Action
from keyprojects.core.forms import add_service_errors
from keyprojects.core.views import ModelViews

from . import services
from .choices import LIGHT_RANK
from .filtersets import (
    ListMembershipFilterSet,
    MilestoneFilterSet,
    ProgressReportFilterSet,
    ProjectFilterSet,
    ProjectMemberFilterSet,
    YearPlanFilterSet,
)
from .forms import (
    ListMembershipForm,
    MilestoneForm,
    ProjectForm,
    ProjectMemberForm,
    ReportForm,
    ReviewForm,
    StageForm,
    YearPlanForm,
)
from .importers import LEDGER_COLUMNS, ProjectImporter
from .models import ListMembership, Milestone, ProgressReport, Project, ProjectMember, YearPlan
from .signboard import public_fields
from .tables import (
    ListMembershipTable,
    MilestoneTable,
    ProgressReportTable,
    ProjectMemberTable,
    ProjectTable,
    YearPlanTable,
)


class ProjectViews(ModelViews):
    model = Project
    filterset = ProjectFilterSet
    table = ProjectTable
    form = ProjectForm
    importer = ProjectImporter
    detail_template = "projects/project_detail.html"
    select_related = ("region", "owner", "leader")
    hidden_columns = ("code", "field", "owner", "leader")
    export_columns = LEDGER_COLUMNS

    @classmethod
    def save(cls, form, request):
        return services.register_project(form, by=request.user)

    @classmethod
    def export_queryset(cls, queryset):
        people = ("region", "owner", "leader", "service_officer", "department")
        return queryset.select_related(*people).prefetch_related("memberships__list", "tags")

    @classmethod
    def detail_context(cls, request, obj):
        return project_context(request, obj)


class ProgressReportViews(ModelViews):
    model = ProgressReport
    filterset = ProgressReportFilterSet
    table = ProgressReportTable
    form = ReportForm
    detail_template = "projects/report_detail.html"
    form_template = "projects/report_form.html"
    select_related = ("project", "project__region")
    url_prefix = "reports/"

    @classmethod
    def save(cls, form, request):
        """Saved as a draft, or filed at once with 保存并报送 (a draft counts nowhere)."""
        report = services.save_report(
            form.save(commit=False),
            by=request.user,
            confirm_over_total=form.cleaned_data.get("confirm_over_total", False),
        )
        return services.submit_report(report, by=request.user) if request.POST.get("and_submit") else report


class MilestoneViews(ModelViews):
    model = Milestone
    filterset = MilestoneFilterSet
    table = MilestoneTable
    form = MilestoneForm
    select_related = ("project",)

    @classmethod
    def save(cls, form, request):
        milestone = super().save(form, request)
        services.refresh_lights([milestone.project])
        return milestone


class YearPlanViews(ModelViews):
    model = YearPlan
    filterset = YearPlanFilterSet
    table = YearPlanTable
    form = YearPlanForm
    select_related = ("project",)
    url_prefix = "year-plans/"

    @classmethod
    def save(cls, form, request):
        plan = super().save(form, request)
        services.refresh_lights([plan.project])
        return plan


class ListMembershipViews(ModelViews):
    model = ListMembership
    filterset = ListMembershipFilterSet
    table = ListMembershipTable
    form = ListMembershipForm
    select_related = ("project", "list")
    url_prefix = "list-memberships/"


class ProjectMemberViews(ModelViews):
    model = ProjectMember
    filterset = ProjectMemberFilterSet
    table = ProjectMemberTable
    form = ProjectMemberForm
    select_related = ("project",)
    url_prefix = "team/"


def _project(request, pk, action=Action.VIEW):
    return get_object_or_404(Project.objects.restrict(request.user, action), pk=pk)


@login_required
def advance(request, pk):
    """推进阶段: a small form, one service call."""
    project = _project(request, pk, Action.CHANGE)
    form = StageForm(request.POST or None, request.FILES or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.advance_stage(project, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Stage updated."))
            return redirect(project)
    status = 400 if request.method == "POST" else 200
    return render(request, "projects/advance.html", {"project": project, "form": form}, status=status)


@login_required
@require_POST
def signboard_toggle(request, pk):
    project = _project(request, pk, Action.CHANGE)
    services.publish_signboard(project, by=request.user, published=not project.signboard_published)
    return redirect(project)


@login_required
@require_POST
def report_submit(request, pk):
    report = get_object_or_404(ProgressReport.objects.restrict(request.user, Action.CHANGE), pk=pk)
    try:
        services.submit_report(report, by=request.user)
        messages.success(request, _("Report submitted."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(report)


@login_required
@require_POST
def report_review(request, pk):
    """Accept or return: region staff (who may change reports in their region) only."""
    report = get_object_or_404(ProgressReport.objects.restrict(request.user, Action.ARCHIVE), pk=pk)
    form = ReviewForm(request.POST)
    form.is_valid()
    try:
        services.review_report(
            report, by=request.user, accept="accept" in request.POST, reason=form.cleaned_data.get("reason", "")
        )
        messages.success(request, _("Report reviewed."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(report)


@login_required
def mine(request):
    """我的项目: a leader's or officer's projects, red lights first, made for a phone."""
    user = request.user
    projects = Project.objects.restrict(user).filter(archived_at__isnull=True).select_related("region")
    own = projects.filter(Q(leader=user) | Q(service_officer=user))
    rank = Case(*[When(light=light, then=Value(-r)) for light, r in LIGHT_RANK.items()])
    chosen = (own if own.exists() else projects).order_by(rank, "-total_investment")[:200]
    for project in chosen:
        project.reasons = [services.describe(r) for r in project.light_reasons]
    return render(request, "projects/mine.html", {"projects": chosen})


@login_required
def late_reports(request):
    """迟报: the project list filtered to late filers, with its paging, filters and export."""
    return redirect(reverse("projects:project_list") + "?late=true")


def project_context(request, project):
    """The tabs of the project page besides its fields."""
    today = timezone.localdate()
    return {
        "reasons": [(r["light"], services.describe(r)) for r in project.light_reasons],
        "year": services.year_progress(project, today),
        "milestones": [(m, services.milestone_light(m, today)[0]) for m in project.milestones.all()],
        "reports": project.reports.all()[:24],
        "plans": project.year_plans.all(),
        "events": project.events.select_related("actor")[:50],
        "members": project.members.all(),
        "lists": project.memberships.select_related("list"),
        "can_advance": Project.objects.restrict(request.user, Action.CHANGE).filter(pk=project.pk).exists(),
    }


def signboard(request, token):
    """公示牌: the public page behind the site board's QR code. No login; only public fields,
    the same ones the printable board shows (signboard.public_fields)."""
    project = get_object_or_404(
        Project.objects.select_related("owner", "leader", "service_officer", "department"),
        signboard_token=token,
        signboard_published=True,
        archived_at__isnull=True,
    )
    return render(request, "projects/signboard.html", {"board": public_fields(project)})
