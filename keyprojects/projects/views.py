from functools import partial

from django.contrib.auth.decorators import login_required
from django.db.models import Case, Q, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from keyprojects.core.access import can
from keyprojects.core.verbs import Verb
from keyprojects.core.views import ModelViews

from . import services
from .choices import LIGHT_RANK, ReportStatus, RequestStatus, Stage
from .filtersets import (
    ListMembershipFilterSet,
    MilestoneFilterSet,
    ProgressReportFilterSet,
    ProjectFilterSet,
    ProjectMemberFilterSet,
    StageRequestFilterSet,
    YearPlanFilterSet,
)
from .forms import (
    ConfirmForm,
    DecisionForm,
    ListMembershipForm,
    MilestoneForm,
    ProjectForm,
    ProjectMemberForm,
    ReportForm,
    ReturnForm,
    StageForm,
    YearPlanForm,
)
from .importers import LEDGER_COLUMNS, ProjectImporter
from .models import ListMembership, Milestone, ProgressReport, Project, ProjectMember, StageRequest, YearPlan
from .signboard import public_fields
from .tables import (
    ListMembershipTable,
    MilestoneTable,
    ProgressReportTable,
    ProjectMemberTable,
    ProjectTable,
    StageRequestTable,
    YearPlanTable,
)


def _live(project):
    return project.stage != Stage.TERMINATED


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
    verbs = (
        Verb(
            "advance",
            _("Change stage"),
            services.advance_stage,
            form=StageForm,
            available=_live,
            style="success",
            done=_("Stage updated."),
        ),
        Verb(
            "request_stage",
            _("Request a stage change"),
            services.request_stage,
            form=StageForm,
            available=_live,
            style="outline-success",
            done=_("Your request was sent to the county for confirmation."),
            help=_("The county confirms the change with your evidence; the stage changes once it does."),
        ),
        Verb(
            "publish",
            _("Publish signboard"),
            partial(services.publish_signboard, published=True),
            available=lambda project: not project.signboard_published,
            style="outline-secondary",
            done=_("Signboard published."),
        ),
        Verb(
            "withdraw",
            _("Withdraw signboard"),
            partial(services.publish_signboard, published=False),
            permission="publish",
            available=lambda project: project.signboard_published,
            style="outline-secondary",
            done=_("Signboard withdrawn."),
        ),
    )

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
    verbs = (
        Verb(
            "submit",
            _("Submit"),
            services.submit_report,
            available=lambda report: not report.reported,
            done=_("Report submitted."),
        ),
        Verb(
            "accept",
            _("Accept"),
            partial(services.review_report, accept=True),
            permission="review",
            available=lambda report: report.status == ReportStatus.SUBMITTED,
            style="success",
            done=_("Report accepted."),
        ),
        Verb(
            "return",
            _("Return"),
            partial(services.review_report, accept=False),
            form=ReturnForm,
            inline=True,
            permission="review",
            available=lambda report: report.status == ReportStatus.SUBMITTED,
            style="outline-danger",
            done=_("Report returned."),
        ),
    )

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


class StageRequestViews(ModelViews):
    model = StageRequest
    filterset = StageRequestFilterSet
    table = StageRequestTable
    select_related = ("project", "requested_by")
    url_prefix = "stage-requests/"
    verbs = (
        Verb(
            "confirm",
            _("Confirm"),
            services.confirm_stage_request,
            form=ConfirmForm,
            inline=True,
            available=lambda request: request.pending,
            style="success",
            done=_("Confirmed: the project's stage has changed."),
        ),
        Verb(
            "reject",
            _("Reject"),
            services.reject_stage_request,
            form=DecisionForm,
            inline=True,
            available=lambda request: request.pending,
            style="outline-danger",
            done=_("Request rejected."),
        ),
    )


class ProjectMemberViews(ModelViews):
    model = ProjectMember
    filterset = ProjectMemberFilterSet
    table = ProjectMemberTable
    form = ProjectMemberForm
    select_related = ("project",)
    url_prefix = "team/"


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
        "can_report": can(request.user, "report", project),
        "pending_request": project.stage_requests.filter(status=RequestStatus.PENDING).first(),
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
