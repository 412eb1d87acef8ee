"""Pages: phases and entries are declared (ModelViews); the verbs — propose and accept
candidates, readiness, lock, mark held — are a small form and one service call each; the
indicators page and its drill-down read through indicators.py."""

from io import BytesIO

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tables2 import RequestConfig

from keyprojects.core.access import Action, can
from keyprojects.core.imports import Column
from keyprojects.core.verbs import Verb
from keyprojects.core.views import ModelViews
from keyprojects.orgs.models import Region
from keyprojects.projects.choices import Field, Tier

from . import briefing, indicators, reports, scorecard, services
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
    verbs = (
        Verb(
            "candidates",
            gettext_lazy("Propose candidates"),
            services.list_candidates,
            form=CandidatesForm,
            available=lambda phase: phase.status == PhaseStatus.PLANNING,
            style="outline-primary",
            template="campaigns/candidates.html",
            done=gettext_lazy("The ticked projects are listed."),
        ),
        Verb(
            "lock",
            gettext_lazy("Lock the list"),
            services.lock_phase,
            form=LockForm,
            available=lambda phase: phase.status == PhaseStatus.PLANNING,
            template="campaigns/lock.html",
            context=lambda phase, user: {"failures": services.readiness(phase)},
            done=gettext_lazy("The list is locked."),
        ),
        Verb(
            "held",
            gettext_lazy("Mark held"),
            services.mark_held,
            available=lambda phase: phase.status == PhaseStatus.LOCKED,
            style="success",
            done=gettext_lazy("The phase is marked held."),
        ),
    )
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
            "totals": indicators.summary(entries.order_by(), phases=False),
            "events": PhaseEvent.objects.filter(phase=obj).select_related("actor")[:50],
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
def readiness(request, pk):
    phase = _phase(request, pk)
    entries = phase.entries.restrict(request.user).filter(archived_at__isnull=True)
    failures = services.readiness(phase, entries)
    return render(
        request,
        "campaigns/readiness.html",
        {"phase": phase, "failures": failures, "checked": entries.count()},
    )


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
            value = int(params.get(name, ""))
        except ValueError:
            return None
        return value if 0 < value < 2**31 else None  # an id or a phase number, never 0 or less

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
    drill = {key: reverse("campaigns:indicator_drill", args=[key]) + "?" for key in definitions}
    queries = {value: _query(filters, **{group_param: value}) for value, _label, _figures in groups}
    rows = [
        (label, [(figures[key], drill[key] + queries[value]) for key in definitions])
        for value, label, figures in groups
    ]
    return render(
        request,
        "campaigns/indicators.html",
        {
            "definitions": definitions.values(),
            "overall": [(overall[key], drill[key] + _query(filters)) for key in definitions],
            "rows": rows,
            "by": by,
            "by_label": BY_CHOICES[by],
            "by_choices": BY_CHOICES,
            "filters": filters,
            "query": _query(filters),
            "totals": indicators.summary(entries, phases=False),
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
    numerator_table = BatchEntryTable(numerator, prefix="n-")  # configured below, once
    denominator_table = BatchEntryTable(denominator, prefix="d-")
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


# --- rankings, phase summaries, documents and the scorecard (reports.py, briefing.py, scorecard.py)


def _file(content, filename, content_type):
    return FileResponse(BytesIO(content), as_attachment=True, filename=filename, content_type=content_type)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

RANKING_METRICS = {
    "signed": gettext_lazy("Projects signed"),
    "started": gettext_lazy("Projects started"),
    "producing": gettext_lazy("Projects put into production"),
    "at_capacity": gettext_lazy("Projects reaching capacity"),
    "investment": gettext_lazy("Investment completed (10k yuan)"),
}
PERIOD_CHOICES = {"week": gettext_lazy("Weekly"), "month": gettext_lazy("Monthly")}


def _day(text):
    try:
        return parse_date(text or "")
    except ValueError:
        return None


def _month(request):
    """(year, month) from ?month=YYYY-MM, else the current month."""
    day = _day(f"{request.GET.get('month', '')}-01")
    if day is None or not 1900 < day.year < 9999:  # the month after 9999-12 is no date
        day = timezone.localdate()
    return day.year, day.month


def _no_rank_without_figures(rows, metric):
    """A period in which no unit has anything to show ranks nobody (not every county "1")."""
    if not any(row.value(metric) for row in rows):
        for row in rows:
            row.rank = None


def _rank_moves(rows, before):
    """unit → (places gained, places lost) since the previous period; None when either is unranked."""
    earlier = {row.unit.pk: row.rank for row in before}
    moves = {}
    for row in rows:
        if row.rank is not None and earlier.get(row.unit.pk) is not None:
            gained = earlier[row.unit.pk] - row.rank
            moves[row.unit.pk] = (max(gained, 0), max(-gained, 0))
    return moves


@login_required
def rankings_page(request):
    period = request.GET.get("period") if request.GET.get("period") in PERIOD_CHOICES else "month"
    # Opens on the last complete period (the current one is still filling up, everyone near 0).
    latest = reports.Window.around(period, timezone.localdate()).previous()
    window = reports.Window.around(period, _day(request.GET.get("on")) or latest.start)
    metric, rows = reports.rankings(request.user, window, request.GET.get("metric"))
    _same, before = reports.rankings(request.user, window.previous(), metric)
    _no_rank_without_figures(rows, metric)
    _no_rank_without_figures(before, metric)
    moves = _rank_moves(rows, before)
    definitions = indicators.get_indicators()
    labels = {**RANKING_METRICS, **{k: definitions[k].label for k in reports.RATE_METRICS if k in definitions}}
    shown = [m for m in reports.metrics(period) if m in labels]
    if request.GET.get("format") == "xlsx":
        columns = [
            (_("Rank"), lambda r: r.rank),
            (_("Region"), lambda r: reports.unit_label(r.unit)),
            *[(f"{labels[m]}{' (%)' if m in reports.RATE_METRICS else ''}", lambda r, m=m: r.value(m)) for m in shown],
        ]
        title = _("Region ranking by %(metric)s, %(window)s") % {"metric": labels[metric], "window": window.label}
        content = reports.rankings_xlsx(rows, columns, title)
        return _file(content, f"rankings-{period}-{window.start.isoformat()}.xlsx", XLSX)
    return render(
        request,
        "campaigns/rankings.html",
        {
            "window": window,
            "period": period,
            "periods": PERIOD_CHOICES,
            "metric": metric,
            "metric_label": labels[metric],
            "metrics": [(m, labels[m], m in reports.RATE_METRICS) for m in shown],
            "rows": [
                (row, [(row.value(m), m in reports.RATE_METRICS) for m in shown], moves.get(row.unit.pk))
                for row in rows
            ],
            "complete": window.end < timezone.localdate(),
            "latest": latest,
            "city_level": reports.CITY_LEVEL_ZH,
        },
    )


def _summary_sentence(request, year, month):
    """The campaign's own sentence in Chinese (as the briefing prints it), its English in English."""
    from datetime import date

    from django.utils.translation import get_language

    from keyprojects.core import display

    entries = indicators.entries_for(request.user)
    if (get_language() or "").startswith("zh"):
        return reports.summary_sentence(entries, year=year, month=month, subject=reports.subject_for(request.user))
    f = reports.summary_figures(entries, year=year, month=month)
    return _(
        "By the end of %(month)s, %(phases)s phases of the campaign were held; %(entries)s entries were carried "
        "out on a rolling basis: %(sign)s in signing batches, %(start)s in starting batches and %(produce)s in "
        "production batches; %(capacity)s projects are built and at capacity."
    ) % {
        "month": display.month(date(year, month, 1)),
        "phases": f["phases"],
        "entries": f["entries"],
        "sign": f["sign"],
        "start": f["start"],
        "produce": f["produce"],
        "capacity": f["at_capacity"],
    }


@login_required
def summary_page(request):
    """Phase summary by batch and region, the cumulative sentence, and the documents."""
    filters = indicator_filters(request)
    phase = filters.get("phase")
    year, month = _month(request)
    if phase is not None and "month" not in request.GET:
        year, month = phase.date.year, phase.date.month
    entries = indicators.entries_for(request.user, phase=phase) if phase else indicators.entries_for(request.user)
    if phase is None:
        entries = entries.filter(phase__date__lte=reports.month_end(year, month))
    return render(
        request,
        "campaigns/summary.html",
        {
            "phase": phase,
            "month": f"{year:04d}-{month:02d}",
            "sentence": _summary_sentence(request, year, month),
            "batches": reports.phase_summary(entries),
            "totals": indicators.summary(entries, phases=False),
            "phases": Phase.objects.filter(archived_at__isnull=True).order_by("number"),
        },
    )


@login_required
def phase_list_xlsx(request, pk):
    """第N期“三个一批”项目清单 in the province's layout, the user's entries only."""
    phase = _phase(request, pk)
    return _file(reports.phase_list_xlsx(request.user, phase), f"{reports.list_title(phase)}.xlsx", XLSX)


@login_required
def briefing_docx(request):
    phase = indicator_filters(request).get("phase")
    if "phase" in request.GET and phase is None:
        raise Http404
    year, month = _month(request)
    if phase is not None and "month" not in request.GET:
        year, month = phase.date.year, phase.date.month
    content = briefing.briefing_docx(request.user, year=year, month=month, phase=phase)
    name = f"“三个一批”简报-{year}{month:02d}" + (f"-第{phase.number}期" if phase else "")
    return _file(content, f"{name}.docx", DOCX)


@login_required
def scorecard_page(request):
    filters = indicator_filters(request)
    card = scorecard.compute(request.user, **{k: v for k, v in filters.items() if k in ("region", "upto", "phase")})
    return render(
        request,
        "campaigns/scorecard.html",
        {
            "card": card,
            "filters": filters,
            "phases": Phase.objects.filter(archived_at__isnull=True).order_by("number"),
            "regions": Region.objects.filter(archived_at__isnull=True),
        },
    )
