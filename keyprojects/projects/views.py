from functools import partial

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Case, Q, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyprojects.core.access import can
from keyprojects.core.verbs import Verb
from keyprojects.core.views import ModelViews

from . import baselines, services
from .choices import LIGHT_RANK, ReportStatus, RequestStatus, Stage
from .filtersets import (
    BaselineFilterSet,
    ListMembershipFilterSet,
    MilestoneFilterSet,
    OfficialFigureFilterSet,
    ProgressReportFilterSet,
    ProjectFilterSet,
    ProjectMemberFilterSet,
    StageRequestFilterSet,
    YearPlanFilterSet,
)
from .forms import (
    ConfirmForm,
    DecisionForm,
    DocumentForm,
    ListMembershipForm,
    MilestoneForm,
    OfficialFigureForm,
    ProjectForm,
    ProjectMemberForm,
    ReplanForm,
    ReportForm,
    ReturnForm,
    StageForm,
    YearPlanForm,
)
from .importers import LEDGER_COLUMNS, ProjectImporter
from .models import (
    Baseline,
    ListMembership,
    Milestone,
    OfficialFigure,
    ProgressReport,
    Project,
    ProjectMember,
    StageRequest,
    YearPlan,
)
from .signboard import public_fields
from .tables import (
    BaselineTable,
    ListMembershipTable,
    MilestoneTable,
    OfficialFigureTable,
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
            gettext_lazy("Change stage"),
            services.advance_stage,
            form=StageForm,
            available=_live,
            style="success",
            done=gettext_lazy("Stage updated."),
        ),
        Verb(
            "request_stage",
            gettext_lazy("Request a stage change"),
            services.request_stage,
            form=StageForm,
            available=_live,
            style="outline-success",
            done=gettext_lazy("Your request was sent to the county for confirmation."),
            help=gettext_lazy("The county confirms the change with your evidence; the stage changes once it does."),
        ),
        Verb(
            "freeze_baseline",
            gettext_lazy("Freeze baseline"),
            baselines.freeze_baseline,
            available=lambda project: _live(project) and not project.baselines.exists(),
            style="outline-secondary",
            done=gettext_lazy("The plan is frozen as baseline 1."),
            help=gettext_lazy("The stage dates, node dates and total investment as they stand become baseline 1."),
        ),
        Verb(
            "replan",
            gettext_lazy("Re-plan"),
            baselines.propose_replan,
            form=ReplanForm,
            available=lambda project: project.stage not in (Stage.TERMINATED, Stage.AT_CAPACITY),
            style="outline-secondary",
            done=gettext_lazy("The new plan was sent to the county for approval."),
            help=gettext_lazy(
                "A new plan becomes a new baseline with its reason; the county approves it. Earlier baselines "
                "are kept as they are."
            ),
        ),
        Verb(
            "publish",
            gettext_lazy("Publish signboard"),
            partial(services.publish_signboard, published=True),
            available=lambda project: not project.signboard_published,
            style="outline-secondary",
            done=gettext_lazy("Signboard published."),
        ),
        Verb(
            "withdraw",
            gettext_lazy("Withdraw signboard"),
            partial(services.publish_signboard, published=False),
            permission="publish",
            available=lambda project: project.signboard_published,
            style="outline-secondary",
            done=gettext_lazy("Signboard withdrawn."),
        ),
    )

    @classmethod
    def save(cls, form, request):
        return services.register_project(form, by=request.user)

    @classmethod
    def export_queryset(cls, queryset):
        people = ("region", "owner", "leader", "service_officer", "department")
        return queryset.select_related(*people).prefetch_related("memberships__list", "tags")

    # The ledger's lists and tags for a chunk of exported projects, by plain values: prefetching
    # them per object was most of a 50,000-project export (bench/RESULTS.md, export ratios).
    export_values = {"list_names": lambda ids: _joined_names(_lists_on(ids)), "tag_names": lambda ids: _tag_rows(ids)}

    @classmethod
    def detail_context(cls, request, obj):
        return project_context(request, obj)


def _joined_names(rows):
    """{project id: "name、name"} from (project id, name) rows, in their order."""
    names = {}
    for project, name in rows:
        names.setdefault(project, []).append(name)
    return {project: "、".join(found) for project, found in names.items()}


def _lists_on(ids):
    """(project, list name) of the lists the projects are on today, as Project.list_names reads them."""
    today = timezone.localdate()
    return (
        ListMembership.objects.filter(project__in=ids, archived_at__isnull=True, start__lte=today)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .order_by("-start", "pk")
        .values_list("project", "list__name")
    )


def _tag_rows(ids):
    """{project id: "tag、tag"}, tags by name as Project.tag_names reads them."""
    rows = (
        Project.tags.through.objects.filter(project__in=ids).order_by("tag__name").values_list("project", "tag__name")
    )
    return _joined_names(rows)


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
            gettext_lazy("Submit"),
            services.submit_report,
            available=lambda report: not report.reported,
            done=gettext_lazy("Report submitted."),
        ),
        Verb(
            "accept",
            gettext_lazy("Accept"),
            partial(services.review_report, accept=True),
            permission="review",
            available=lambda report: report.status == ReportStatus.SUBMITTED,
            style="success",
            done=gettext_lazy("Report accepted."),
        ),
        Verb(
            "return",
            gettext_lazy("Return"),
            partial(services.review_report, accept=False),
            form=ReturnForm,
            inline=True,
            permission="review",
            available=lambda report: report.status == ReportStatus.SUBMITTED,
            style="outline-danger",
            done=gettext_lazy("Report returned."),
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

    @classmethod
    def save(cls, form, request):
        membership = super().save(form, request)
        if not membership.project.baselines.exists():  # first listing: its plan becomes baseline 1
            baselines.freeze_baseline(membership.project, by=request.user)
        return membership


class BaselineViews(ModelViews):
    """基线: frozen by services only; a proposed re-plan is approved or rejected by the county."""

    model = Baseline
    filterset = BaselineFilterSet
    table = BaselineTable
    select_related = ("project",)
    url_prefix = "baselines/"
    verbs = (
        Verb(
            "approve",
            gettext_lazy("Approve"),
            baselines.approve_replan,
            form=ConfirmForm,
            inline=True,
            available=lambda baseline: baseline.proposed,
            style="success",
            done=gettext_lazy("Approved: the project's plan is now this baseline."),
        ),
        Verb(
            "reject",
            gettext_lazy("Reject"),
            baselines.reject_replan,
            form=DecisionForm,
            inline=True,
            available=lambda baseline: baseline.proposed,
            style="outline-danger",
            done=gettext_lazy("Re-plan rejected; the plan stays as it was."),
        ),
    )


class StageRequestViews(ModelViews):
    model = StageRequest
    filterset = StageRequestFilterSet
    table = StageRequestTable
    select_related = ("project", "requested_by")
    url_prefix = "stage-requests/"
    verbs = (
        Verb(
            "confirm",
            gettext_lazy("Confirm"),
            services.confirm_stage_request,
            form=ConfirmForm,
            inline=True,
            available=lambda request: request.pending,
            style="success",
            done=gettext_lazy("Confirmed: the project's stage has changed."),
        ),
        Verb(
            "reject",
            gettext_lazy("Reject"),
            services.reject_stage_request,
            form=DecisionForm,
            inline=True,
            available=lambda request: request.pending,
            style="outline-danger",
            done=gettext_lazy("Request rejected."),
        ),
    )


class OfficialFigureViews(ModelViews):
    """统计局数据: the bureau's figures the investment statistics page shows beside its own."""

    model = OfficialFigure
    filterset = OfficialFigureFilterSet
    table = OfficialFigureTable
    form = OfficialFigureForm
    select_related = ("region",)
    url_prefix = "official-figures/"


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
    projects = Project.objects.restrict(user).filter(archived_at__isnull=True).select_related("region", "risk_forecast")
    own = projects.filter(Q(leader=user) | Q(service_officer=user))
    rank = Case(*[When(light=light, then=Value(-r)) for light, r in LIGHT_RANK.items()])
    chosen = (own if own.exists() else projects).order_by(rank, "-total_investment")[:200]
    words = dict(CONFIDENCE_WORDS)
    for project in chosen:
        project.reasons = [services.describe(r) for r in project.light_reasons]
        found = getattr(project, "risk_forecast", None)  # 交付信心, where the daily forecast rated it
        project.confidence_words = words.get(found.confidence) if found else None
    return render(request, "projects/mine.html", {"projects": chosen})


# 交付信心: the five levels of RiskForecast.confidence, 5 very high … 1 very low.
CONFIDENCE_WORDS = (
    (5, gettext_lazy("Very high")),
    (4, gettext_lazy("High")),
    (3, gettext_lazy("Medium")),
    (2, gettext_lazy("Low")),
    (1, gettext_lazy("Very low")),
)


@login_required
def late_reports(request):
    """迟报: the project list filtered to late filers, with its paging, filters and export."""
    return redirect(reverse("projects:project_list") + "?late=true")


def project_context(request, project):
    """The project page: a header card with what matters, the cumulative investment chart, the
    node timeline, photos, every file, people with their phones, then the fields folded away."""
    from . import page

    today = timezone.localdate()
    reports = list(project.reports.all()[:60])
    plans = list(project.year_plans.all())
    events = list(project.events.select_related("actor")[:50])
    requests = list(project.stage_requests.exclude(evidence=""))
    documents = list(project.documents.filter(archived_at__isnull=True).select_related("uploaded_by"))
    year = services.year_progress(project, today)
    nodes, current = page.node_timeline(project.milestones.select_related("responsible_department"), today)
    files = page.project_files(project, events, reports, requests, documents)
    can_report = can(request.user, "report", project)
    chart = page.investment_chart(project, reports, plans, today)
    return {
        "tabs": [
            ("overview", _("Overview")),
            ("nodes", _("Milestones")),
            ("reports", _("Monthly progress")),
            ("photos", _("Physical progress")),
            ("documents", _("Documents")),
            ("people", _("People")),
            ("lifecycle", _("Lifecycle")),
        ],
        "chart_rows": list(zip(chart["labels"], chart["plan"], chart["actual"], strict=True))[::-1] if chart else [],
        "reasons": [(r["light"], services.describe(r)) for r in project.light_reasons],
        "year": year,
        "head": page.header(project, year, current, today),
        "nodes": nodes,
        "chart": chart,
        "reports": reports[:24],
        "plans": plans,
        "events": events,
        "members": project.members.all(),
        "lists": project.memberships.select_related("list"),
        "files": files,
        "photos": [f for f in files if f.image],
        "document_form": DocumentForm() if can_report else None,
        "can_report": can_report,
        "pending_request": project.stage_requests.filter(status=RequestStatus.PENDING).first(),
        "boundaries": static(settings.KEYPROJECTS_BOUNDARIES),
    }


FILE_SOURCES = {  # kind in the address -> the project's rows and their file field
    "event": ("events", "evidence"),
    "request": ("stage_requests", "evidence"),
    "report": ("reports", "photo"),
    "document": ("documents", "file"),
}


@login_required
def project_file(request, pk, kind, item):
    """A file kept with a project (evidence, a report's photo, a document), for whoever may see
    the project; photos open in the page, other files download."""
    from django.http import FileResponse, Http404

    project = get_object_or_404(Project.objects.restrict(request.user), pk=pk)
    if kind not in FILE_SOURCES:
        raise Http404
    related, field = FILE_SOURCES[kind]
    found = getattr(get_object_or_404(getattr(project, related).all(), pk=item), field)
    if not found:
        raise Http404
    name = found.name.rsplit("/", 1)[-1]
    image = name.lower().endswith((".jpg", ".jpeg", ".png", ".gif", ".webp"))
    return FileResponse(found.open("rb"), as_attachment=not image, filename=name)


@login_required
def add_document(request, pk):
    """Upload a document on the project page's documents tab."""
    from django.contrib import messages
    from django.core.exceptions import PermissionDenied, ValidationError

    project = get_object_or_404(Project.objects.restrict(request.user), pk=pk)
    if request.method != "POST":
        return redirect(f"{project.get_absolute_url()}#documents")
    form = DocumentForm(request.POST, request.FILES)
    if not can(request.user, "report", project):
        raise PermissionDenied
    if form.is_valid():
        try:
            services.add_document(project, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Document uploaded."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(f"{project.get_absolute_url()}?tab=documents")


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
