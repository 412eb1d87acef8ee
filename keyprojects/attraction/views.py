"""Pages: every model declared once (ModelViews) with its verbs; the pipeline board, the chain
map, who is travelling this week, the rankings and the two documents are read-only pages."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyprojects.core.access import Action, can
from keyprojects.core.context import acting
from keyprojects.core.imports import Column
from keyprojects.core.verbs import Verb
from keyprojects.core.views import ModelViews

from . import board, documents, rankings, services
from .choices import OPEN_STATUSES, LeadStatus, TripStatus
from .filtersets import (
    BoardFilterSet,
    CadreFilterSet,
    ChainFilterSet,
    ChainGoalFilterSet,
    ChainLinkFilterSet,
    FundsInPlaceFilterSet,
    LeadFilterSet,
    TargetEnterpriseFilterSet,
    TeamFilterSet,
    TripFilterSet,
    VisitFilterSet,
    YearGoalFilterSet,
)
from .forms import (
    CadreForm,
    ChainForm,
    ChainGoalForm,
    ChainLinkForm,
    ConcludeForm,
    ContactForm,
    DecideForm,
    DropForm,
    EvaluateForm,
    FundsInPlaceForm,
    LeadForm,
    RejectForm,
    SignForm,
    TargetEnterpriseForm,
    TeamForm,
    TripForm,
    TripVisitForm,
    VisitForm,
    YearGoalForm,
)
from .importers import LeadImporter
from .models import (
    Cadre,
    Chain,
    ChainGoal,
    ChainLink,
    FundsInPlace,
    Lead,
    TargetEnterprise,
    Team,
    Trip,
    Visit,
    YearGoal,
)
from .tables import (
    CadreTable,
    ChainGoalTable,
    ChainLinkTable,
    ChainTable,
    FundsInPlaceTable,
    LeadTable,
    TargetEnterpriseTable,
    TeamTable,
    TripTable,
    VisitTable,
    YearGoalTable,
)


def _is(*statuses):
    return lambda obj: obj.status in statuses


class ChainViews(ModelViews):
    model = Chain
    filterset = ChainFilterSet
    table = ChainTable
    form = ChainForm
    detail_template = "attraction/chain_detail.html"

    @classmethod
    def detail_context(cls, request, obj):
        return board.chain_map(obj, request.user)


class ChainLinkViews(ModelViews):
    model = ChainLink
    filterset = ChainLinkFilterSet
    table = ChainLinkTable
    form = ChainLinkForm
    select_related = ("chain", "parent")
    url_prefix = "links/"


class ChainGoalViews(ModelViews):
    model = ChainGoal
    filterset = ChainGoalFilterSet
    table = ChainGoalTable
    form = ChainGoalForm
    select_related = ("chain",)
    url_prefix = "chain-goals/"


class YearGoalViews(ModelViews):
    model = YearGoal
    filterset = YearGoalFilterSet
    table = YearGoalTable
    form = YearGoalForm
    select_related = ("cadre__user",)
    url_prefix = "goals/"


class TargetEnterpriseViews(ModelViews):
    model = TargetEnterprise
    filterset = TargetEnterpriseFilterSet
    table = TargetEnterpriseTable
    form = TargetEnterpriseForm
    select_related = ("link__chain", "enterprise")
    url_prefix = "targets/"

    @classmethod
    def save(cls, form, request):
        return services.save_target(form.instance, by=request.user)

    @classmethod
    def detail_fields(cls, obj):
        return [*super().detail_fields(obj), (_("in the enterprise library"), obj.enterprise)]


class TeamViews(ModelViews):
    model = Team
    filterset = TeamFilterSet
    table = TeamTable
    form = TeamForm
    select_related = ("region",)


class CadreViews(ModelViews):
    model = Cadre
    filterset = CadreFilterSet
    table = CadreTable
    form = CadreForm
    select_related = ("user", "region", "team")


class LeadViews(ModelViews):
    model = Lead
    filterset = LeadFilterSet
    table = LeadTable
    form = LeadForm
    importer = LeadImporter
    # The ledger's columns first (so an export re-imports), then what the pipeline added.
    export_columns = (
        Column("target__name", ("目标企业",)),
        Column("target__credit_code", ("统一社会信用代码",)),
        Column("name", ("项目名称",)),
        Column("region", ("落地县区",), lookup="name"),
        Column("owner__user__first_name", ("责任人",)),
        Column("link", ("链节",), lookup="name"),
        Column("found_on", ("发现日期",)),
        Column("investment", ("意向投资（万元）",)),
        Column("next_step", ("下一步工作",)),
        Column("next_step_on", ("下一步完成时限",)),
        Column("status", ("状态",)),
        Column("last_activity_on", ("最近跟进",)),
        Column("score", ("评审得分",)),
        Column("signed_on", ("签约日期",)),
        Column("contracted_investment", ("合同投资额（万元）",)),
        Column("project__name", ("移交项目",)),
    )
    select_related = ("target", "link__chain", "region", "owner__user", "team")
    detail_template = "attraction/lead_detail.html"
    verbs = (
        Verb(
            "contact",
            gettext_lazy("Contacted"),
            services.contact,
            form=ContactForm,
            available=_is(LeadStatus.FOUND),
            done=gettext_lazy("The first contact is recorded."),
        ),
        Verb(
            "visit",
            gettext_lazy("Record a visit"),
            services.record_visit,
            form=VisitForm,
            available=_is(*OPEN_STATUSES),
            style="outline-primary",
            done=gettext_lazy("The visit is recorded."),
        ),
        Verb(
            "negotiate",
            gettext_lazy("Negotiating"),
            services.negotiate,
            form=ContactForm,
            available=_is(LeadStatus.VISITED),
            done=gettext_lazy("The lead is in negotiation."),
        ),
        Verb(
            "evaluate",
            gettext_lazy("Pre-evaluate"),
            services.evaluate,
            form=EvaluateForm,
            available=_is(LeadStatus.NEGOTIATING, LeadStatus.EVALUATED),
            help=gettext_lazy("The pre-evaluation committee's figures and its scored opinion."),
            done=gettext_lazy("The pre-evaluation is recorded."),
        ),
        Verb(
            "sign",
            gettext_lazy("Agreement signed"),
            services.sign,
            form=SignForm,
            available=_is(LeadStatus.EVALUATED),
            style="success",
            done=gettext_lazy("The agreement is recorded."),
        ),
        Verb(
            "hand_over",
            gettext_lazy("Hand over as a project"),
            services.hand_over,
            available=_is(LeadStatus.SIGNED),
            style="success",
            help=gettext_lazy("The lead becomes a signed project in the project library, with its agreement."),
            done=gettext_lazy("The project is registered as signed."),
        ),
        Verb(
            "drop",
            gettext_lazy("Drop"),
            services.drop,
            form=DropForm,
            available=_is(*OPEN_STATUSES),
            style="outline-danger",
            done=gettext_lazy("The lead is dropped."),
        ),
    )

    @classmethod
    def export_queryset(cls, queryset):
        return queryset.select_related("target", "region", "owner__user", "link", "project")

    @classmethod
    def save(cls, form, request):
        return cls.save_lead(form, request.user)

    @classmethod
    def save_lead(cls, form, user):
        """A new lead through create_lead() (the page, the ledger import); an edit as saved."""
        data = form.cleaned_data
        if form.instance.pk:
            with acting(user):
                return form.save()
        return services.create_lead_from(data, by=user)

    @classmethod
    def detail_context(cls, request, obj):
        from .services import stale_cutoff, stale_days

        try:
            stale = obj.status in OPEN_STATUSES and obj.last_activity_on <= stale_cutoff(
                timezone.localdate(), stale_days()
            )
        except ValidationError:  # no calendar for this year yet
            stale = False
        return {
            "events": obj.events.select_related("actor")[:100],
            "visits": obj.visits.select_related("cadre__user", "trip")[:100],
            "stale": stale,
            "steps": [(s, s.label) for s in (*OPEN_STATUSES, LeadStatus.HANDED_OVER)],
        }


class VisitViews(ModelViews):
    model = Visit
    filterset = VisitFilterSet
    table = VisitTable
    select_related = ("lead", "trip__cadre__user")


class TripViews(ModelViews):
    model = Trip
    filterset = TripFilterSet
    table = TripTable
    form = TripForm
    select_related = ("cadre__user", "region", "decided_by")
    detail_template = "attraction/trip_detail.html"
    verbs = (
        Verb(
            "approve",
            gettext_lazy("Approve"),
            services.approve_trip,
            form=DecideForm,
            available=_is(TripStatus.REPORTED),
            style="success",
            done=gettext_lazy("The trip is approved."),
        ),
        Verb(
            "reject",
            gettext_lazy("Reject"),
            services.reject_trip,
            form=RejectForm,
            available=_is(TripStatus.REPORTED),
            style="outline-danger",
            done=gettext_lazy("The trip is rejected."),
        ),
        Verb(
            "record_visit",
            gettext_lazy("Record a visit"),
            services.record_trip_visit,
            form=TripVisitForm,
            available=_is(TripStatus.APPROVED, TripStatus.DONE),
            style="outline-primary",
            help=gettext_lazy("Name a company without a lead and its lead is created."),
            done=gettext_lazy("The visit is recorded."),
        ),
        Verb(
            "conclude",
            gettext_lazy("Record the outcome"),
            services.conclude_trip,
            form=ConcludeForm,
            available=_is(TripStatus.APPROVED),
            done=gettext_lazy("The outcome is recorded."),
        ),
    )

    @classmethod
    def save(cls, form, request):
        return services.report_trip(form.instance, by=request.user)

    @classmethod
    def detail_context(cls, request, obj):
        return {"visits": obj.visits.select_related("lead")[:100]}


class FundsInPlaceViews(ModelViews):
    model = FundsInPlace
    filterset = FundsInPlaceFilterSet
    table = FundsInPlaceTable
    form = FundsInPlaceForm
    select_related = ("project",)
    url_prefix = "funds/"

    @classmethod
    def save(cls, form, request):
        return services.record_funds(form.instance, by=request.user)


# --- read-only pages ------------------------------------------------------------------------


def _year(request):
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@login_required
def pipeline(request):
    """看板: one column per state, counts and sums in the database, the largest leads first."""
    leads = Lead.objects.restrict(request.user).filter(archived_at__isnull=True)
    filterset = BoardFilterSet(request.GET or None, queryset=leads, request=request)
    return render(
        request,
        "attraction/pipeline.html",
        {
            "filterset": filterset,
            "columns": board.pipeline_columns(filterset.qs),
            "can_add": can(request.user, Action.ADD, Lead),
        },
    )


@login_required
def travelling(request):
    day = timezone.localdate()
    try:
        day = datetime.date.fromisoformat(request.GET.get("day", "")) if request.GET.get("day") else day
    except ValueError:
        pass
    trips = services.travelling(Trip.objects.restrict(request.user), day).select_related("cadre__user", "region")
    monday = day - datetime.timedelta(days=day.weekday())
    return render(
        request,
        "attraction/travelling.html",
        {"trips": trips, "monday": monday, "sunday": monday + datetime.timedelta(days=6)},
    )


@login_required
def rankings_page(request):
    year = _year(request)
    by = request.GET.get("by") if request.GET.get("by") in rankings.GROUPS else "cadre"
    rows = rankings.rankings(request.user, year, by)
    return render(
        request,
        "attraction/rankings.html",
        {
            "year": year,
            "by": by,
            "by_label": rankings.GROUPS[by][0],
            "groups": rankings.GROUPS,
            "rows": rows[: rankings.SHOWN],  # the first hundred; the workbook has every one
            "total": len(rows),
            "measures": rankings.MEASURES,
        },
    )


@login_required
def statistics_xlsx(request):
    """招商引资统计 (xlsx) in the province's layout: funds in place by region and source."""
    year = _year(request)
    handle = documents.statistics_workbook(request.user, year)
    return FileResponse(handle, as_attachment=True, filename=f"招商引资统计-{year}.xlsx")


@login_required
def review_docx(request):
    """周/季度 review sheet: stale leads, pending evaluations, the rankings."""
    period = "quarter" if request.GET.get("period") == "quarter" else "week"
    handle = documents.review_document(request.user, period, timezone.localdate())
    name = "招商季度点评" if period == "quarter" else "招商周点评"
    return FileResponse(handle, as_attachment=True, filename=f"{name}-{timezone.localdate():%Y%m%d}.docx")
