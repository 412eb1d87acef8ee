"""Pages: phases and entries are declared (ModelViews); the verbs — propose and accept
candidates, readiness, lock, mark held — are a small form and one service call each; the
indicators page and its drill-down read through indicators.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from keyprojects.core.access import Action, can
from keyprojects.core.imports import Column
from keyprojects.core.services import check_in_scope
from keyprojects.core.views import ModelViews
from keyprojects.orgs.models import Region
from keyprojects.projects.choices import Field, Tier

from . import indicators, services
from .choices import Batch, PhaseStatus
from .filtersets import BatchEntryFilterSet, PhaseFilterSet
from .forms import BatchEntryForm, CandidatesForm, LockForm, PhaseForm
from .importers import BatchEntryImporter
from .models import BatchEntry, Phase, PhaseEvent
from .tables import BatchEntryTable, PhaseTable


class PhaseViews(ModelViews):
    model = Phase
    filterset = PhaseFilterSet
    table = PhaseTable
    form = PhaseForm
    detail_template = "campaigns/phase_detail.html"
    export_columns = (
        Column("number", ("期次",)),
        Column("title", ("标题",)),
        Column("date", ("日期",)),
        Column("venue", ("地点",)),
        Column("status", ("状态",)),
    )

    @classmethod
    def get_queryset(cls, request=None):
        return Phase.objects.annotate(entry_count=Count("entries", filter=Q(entries__archived_at__isnull=True)))

    @classmethod
    def detail_context(cls, request, obj):
        entries = (
            obj.entries.restrict(request.user)
            .filter(archived_at__isnull=True)
            .select_related("project", "region")
            .order_by("batch", "-total_investment", "pk")
        )
        grouped = {batch: [] for batch in Batch}
        for entry in entries:
            grouped[Batch(entry.batch)].append(entry)
        return {
            "batches": [(batch, rows) for batch, rows in grouped.items()],
            "totals": indicators.summary(entries.order_by()),
            "events": PhaseEvent.objects.filter(phase=obj).select_related("actor")[:50],
            "can_manage": can(request.user, Action.CHANGE, Phase),
            "can_list": can(request.user, Action.ADD, BatchEntry) and obj.status == PhaseStatus.PLANNING,
        }


class BatchEntryViews(ModelViews):
    model = BatchEntry
    filterset = BatchEntryFilterSet
    table = BatchEntryTable
    form = BatchEntryForm
    importer = BatchEntryImporter
    select_related = ("phase", "project", "region")
    url_prefix = "entries/"
    export_columns = (
        Column("phase", ("期次",), lookup="number"),
        Column("batch", ("批次",)),
        Column("project__code", ("项目代码",)),
        Column("project__name", ("项目名称",)),
        Column("region", ("所属县区",), lookup="name"),
        Column("total_investment", ("总投资（万元）",)),
        Column("planned_investment", ("年度计划投资（万元）",)),
        Column("stage", ("入列时阶段",)),
    )

    @classmethod
    def save(cls, form, request):
        if form.instance.pk:
            raise ValidationError(_("A listed entry does not change: archive it and list the right one."))
        data = form.cleaned_data
        return services.add_entry(data["phase"], data["project"], data["batch"], by=request.user)

    @classmethod
    def detail_fields(cls, obj):
        meta = BatchEntry._meta
        return [
            (meta.get_field("phase").verbose_name, obj.phase),
            (meta.get_field("batch").verbose_name, obj.get_batch_display()),
            (meta.get_field("project").verbose_name, obj.project),
            (meta.get_field("region").verbose_name, obj.region),
            (meta.get_field("total_investment").verbose_name, obj.total_investment),
            (meta.get_field("planned_investment").verbose_name, obj.planned_investment),
            (meta.get_field("stage").verbose_name, obj.get_stage_display()),
            (_("current stage"), obj.project.get_stage_display()),
        ]


def _phase(request, pk, action=Action.VIEW):
    return get_object_or_404(Phase.objects.restrict(request.user, action).filter(archived_at__isnull=True), pk=pk)


def _error_text(error):
    return " ".join(error.messages)


@login_required
def candidates(request, pk):
    """Proposed candidates for each batch, ticked by default; accepting lists the ticked ones."""
    if not can(request.user, Action.ADD, BatchEntry):
        raise PermissionDenied
    phase = _phase(request, pk)
    from keyprojects.projects.models import Project

    pool = Project.objects.restrict(request.user)
    proposal = services.propose_candidates(phase, pool)
    groups = [(batch, list(queryset)) for batch, queryset in proposal.by_batch().items()]
    choices = [(f"{batch.value}:{p.pk}", str(p)) for batch, rows in groups for p in rows]
    form = CandidatesForm(
        request.POST if request.method == "POST" else None, choices=choices, initial={"pick": [c[0] for c in choices]}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    entries = services.accept_candidates(phase, by=request.user, picks=form.picks(), projects=pool)
                    for entry in entries:
                        check_in_scope(entry, request.user, Action.ADD)
            except ValidationError as error:
                form.add_error(None, _error_text(error))
            except PermissionDenied:
                form.add_error(None, _("A candidate falls outside your scope; nothing was listed."))
            else:
                messages.success(request, _("%(count)s entries listed.") % {"count": len(entries)})
                return redirect(phase)
        status = 400
    return render(
        request,
        "campaigns/candidates.html",
        {"phase": phase, "groups": groups, "since": proposal.since, "form": form},
        status=status,
    )


@login_required
def readiness(request, pk):
    phase = _phase(request, pk)
    entries = phase.entries.restrict(request.user).filter(archived_at__isnull=True)
    failures = services.readiness(phase, entries)
    return render(
        request,
        "campaigns/readiness.html",
        {"phase": phase, "failures": failures, "checked": entries.count()},
    )


@login_required
def lock(request, pk):
    """锁定名单, with the readiness failures shown and an override reason for administrators."""
    phase = _phase(request, pk, Action.CHANGE)
    form = LockForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.lock_phase(phase, by=request.user, override_reason=form.cleaned_data["override_reason"])
            except ValidationError as error:
                form.add_error(None, _error_text(error))
            else:
                messages.success(request, _("The list of %(phase)s is locked.") % {"phase": phase})
                return redirect(phase)
        status = 400
    return render(
        request,
        "campaigns/lock.html",
        {"phase": phase, "form": form, "failures": services.readiness(phase)},
        status=status,
    )


@login_required
@require_POST
def held(request, pk):
    phase = _phase(request, pk, Action.CHANGE)
    try:
        services.mark_held(phase, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("%(phase)s is marked held.") % {"phase": phase})
    return redirect(phase)


# --- indicators --------------------------------------------------------------------------

BY_CHOICES = {
    "region": gettext_lazy("region"),
    "phase": gettext_lazy("phase"),
    "field": gettext_lazy("field"),
    "tier": gettext_lazy("tier"),
}


def indicator_filters(request):
    """The phase / cumulative / region / field / tier chosen in the query string; bad values
    are ignored (never an error page)."""
    params = request.GET
    chosen = {}

    def number(name):
        try:
            return int(params.get(name, ""))
        except ValueError:
            return None

    if (phase_pk := number("phase")) is not None:
        chosen["phase"] = Phase.objects.filter(pk=phase_pk).first()
    if (upto := number("upto")) is not None:
        chosen["upto"] = upto
    if (region_pk := number("region")) is not None:
        chosen["region"] = Region.objects.filter(pk=region_pk).first()
    if params.get("field") in Field.values:
        chosen["field"] = params["field"]
    if params.get("tier") in Tier.values:
        chosen["tier"] = params["tier"]
    return {k: v for k, v in chosen.items() if v is not None}


def _query(filters, **extra):
    from urllib.parse import urlencode

    values = {k: getattr(v, "pk", v) for k, v in {**filters, **extra}.items() if v not in (None, "")}
    return urlencode(values)


@login_required
def indicator_page(request):
    filters = indicator_filters(request)
    by = request.GET.get("by") if request.GET.get("by") in BY_CHOICES else "region"
    entries = indicators.entries_for(request.user, **filters)
    definitions = indicators.get_indicators()
    overall = indicators.compute(entries)
    groups = indicators.compute(entries, by=by)
    group_param = {"region": "region", "phase": "phase", "field": "field", "tier": "tier"}[by]
    rows = [
        (label, [(figures[key], _query(filters, **{group_param: value})) for key in definitions])
        for value, label, figures in groups
    ]
    return render(
        request,
        "campaigns/indicators.html",
        {
            "definitions": definitions.values(),
            "overall": [(overall[key], _query(filters)) for key in definitions],
            "rows": rows,
            "by": by,
            "by_label": BY_CHOICES[by],
            "by_choices": BY_CHOICES,
            "filters": filters,
            "query": _query(filters),
            "totals": indicators.summary(entries),
            "phases": Phase.objects.filter(archived_at__isnull=True).order_by("number"),
            "regions": Region.objects.filter(archived_at__isnull=True),
            "fields": Field.choices,
            "tiers": Tier.choices,
        },
    )


@login_required
def indicator_drill(request, key):
    """The exact entries an indicator counts: its numerator and its denominator."""
    definitions = indicators.get_indicators()
    if key not in definitions:
        raise Http404
    filters = indicator_filters(request)
    entries = indicators.entries_for(request.user, **filters).select_related("phase", "project", "region")
    numerator, denominator = indicators.drill(key, entries)
    numerator_table = BatchEntryTable(numerator, request=request, prefix="n-")
    denominator_table = BatchEntryTable(denominator, request=request, prefix="d-")
    for table in (numerator_table, denominator_table):
        RequestConfig(request, paginate={"per_page": 50}).configure(table)
    figure = indicators.compute(indicators.entries_for(request.user, **filters), indicators={key: definitions[key]})
    return render(
        request,
        "campaigns/drill.html",
        {
            "indicator": definitions[key],
            "figure": figure[key],
            "filters": filters,
            "query": _query(filters),
            "numerator_table": numerator_table,
            "denominator_table": denominator_table,
        },
    )
