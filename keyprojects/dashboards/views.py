"""The campaign dashboard and its big-screen variant: the same figures and charts, read through
queries.py within the user's scope; chart data is embedded in the page (json_script)."""

import re
from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyprojects.core import display
from keyprojects.core.access import Action, can
from keyprojects.projects.choices import InvestmentCategory
from keyprojects.projects.models import OfficialFigure

from . import investment, queries

SCREEN_REFRESH_SECONDS = 60


def _words():
    """Units and axis names the charts' script shows, in the user's language."""
    return {
        "entries": _("entries"),
        "projects": _("projects"),
        "moved_on": _("moved on"),
        "not_yet": _("not yet"),
        "yi": _("100 million yuan"),
        "investment": _("Total investment (100 million yuan)"),
    }


def _chart_titles():
    return [
        ("conversion", _("Each batch's entries and how many moved on")),
        ("phases", _("Entries and investment per phase")),
        ("trends", _("Conversion rates per phase")),
        ("regions", _("Regions ranked by entries")),
    ]


def _tables(charts):
    """The charts' figures row by row, with the same links, for the tables under the charts."""
    phases, trends = charts["phases"], charts["trends"]
    return {
        "phases": [(s["name"], list(zip(s["data"], s["urls"], strict=True))) for s in phases["series"]],
        "investment": list(zip(phases["investment"], phases["investment_urls"], strict=True)),
        "trends": [
            (s["name"], s["description"], list(zip(s["data"], s["counted"], s["urls"], strict=True)))
            for s in trends["series"]
        ],
    }


def _context(request):
    data = queries.campaign(request.user)
    return {
        **data,
        "tables": _tables(data["charts"]),
        "chart_titles": _chart_titles(),
        "words": _words(),
        "now": timezone.localtime(),
    }


@login_required
def campaign(request):
    return render(request, "dashboards/campaign.html", _context(request))


@login_required
def campaign_screen(request):
    """Full-screen, dark, large type for the meeting room; reloads itself every minute."""
    from django.conf import settings
    from django.templatetags.static import static

    from keyprojects.campaigns import indicators
    from keyprojects.orgs.models import Region

    city = Region.objects.filter(parent=None, archived_at__isnull=True).order_by("pk").first()
    return render(
        request,
        "dashboards/screen.html",
        {
            **_context(request),
            "refresh_seconds": SCREEN_REFRESH_SECONDS,
            "city": city,
            "map": queries.region_map(indicators.entries_for(request.user)),
            "boundaries": static(settings.KEYPROJECTS_BOUNDARIES),
            "red": queries.red_projects(request.user),
            "at_risk": _at_risk(request.user, 8),
        },
    )


# --- 固定资产投资 statistics (investment.py) ---------------------------------------------------


class InvestmentForm(forms.Form):
    """The period (January to a month) and the grouping of the statistics page."""

    month = forms.CharField(label=gettext_lazy("To the end of"), required=False)
    by = forms.ChoiceField(
        label=gettext_lazy("By"),
        required=False,
        choices=[
            ("region", gettext_lazy("Region")),
            ("field", gettext_lazy("Field")),
            ("tier", gettext_lazy("Tier")),
            ("tag", gettext_lazy("Tag")),
        ],
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False, choices=InvestmentCategory.choices)

    def clean_month(self):
        text = (self.cleaned_data.get("month") or "").strip()
        if not text:
            return None
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
        if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
            raise forms.ValidationError(_("Give the month as YYYY-MM, e.g. 2024-09."))
        return int(match.group(1)), int(match.group(2))


def _last_month():
    today = timezone.localdate()
    first = today.replace(day=1)
    previous = first - timedelta(days=1)
    return previous.year, previous.month


def _period(request):
    """(form, year, month, by, category): the last complete month and by region unless asked;
    a bad value is reported on the form and the default shown."""
    form = InvestmentForm(request.GET or None)
    year, month = _last_month()
    by, category = "region", InvestmentCategory.TOTAL
    if form.is_bound:
        form.is_valid()
        data = form.cleaned_data
        if data.get("month"):
            year, month = data["month"]
        by = data.get("by") or by
        category = data.get("category") or category
    return form, year, month, by, category


def _official_rows(request, reports, current, year, month):
    """The bureau's figures beside the platform's for the same region and period: the city's
    against the whole scope, a county's against its own projects."""
    official = investment.official(request.user, year, month)
    if not official:
        return []
    by_region = {}
    if any(item.region.parent_id for item in official.values()):
        by_region = {row.key: row for row in investment.grouped(reports, year, month, "region")}
    rows = []
    for (region_pk, category), item in official.items():
        source = current if item.region.parent_id is None else by_region.get(region_pk)
        ours = source.figures.get(category) if source else investment.Figure()
        rows.append({"official": item, "ours": ours, "category": InvestmentCategory(category).label})
    rows.sort(key=lambda r: (r["official"].region.path, InvestmentCategory.values.index(r["official"].category)))
    return rows


@login_required
def investment_page(request):
    """固定资产投资 statistics: categories, three years, months, and a grouping, with drill-downs."""
    form, year, month, by, category = _period(request)
    reports = investment.reports_for(request.user)
    years = investment.by_year(reports, year, month)
    current = years[-1]
    context = {
        "form": form,
        "year": year,
        "month": month,
        "period": f"{year}-{month:02d}",
        "period_label": display.month(date(year, month, 1)),
        "by": by,
        "by_label": dict(form.fields["by"].choices)[by],
        "category": category,
        "categories": [(key, InvestmentCategory(key).label, current.figures[key]) for key in InvestmentCategory.values],
        "emerging_share": current.emerging_share,
        "years": years,
        "year_categories": [(key, InvestmentCategory(key).label) for key in InvestmentCategory.values],
        "year_rows": [
            (InvestmentCategory(key).label, [row.figures[key] for row in years]) for key in InvestmentCategory.values
        ],
        "months": investment.by_month(reports, year, month),
        "groups": investment.grouped(reports, year, month, by),
        "official": _official_rows(request, reports, current, year, month),
        "can_keep_official": can(request.user, Action.ADD, OfficialFigure),
    }
    return render(request, "dashboards/investment.html", context)


@login_required
def investment_counted(request):
    """The projects and reports a figure counts."""
    form, year, month, by, category = _period(request)
    key = request.GET.get("key")
    grouping = request.GET.get("group")
    if grouping and grouping not in investment.GROUPINGS:
        grouping = None
    if grouping == "region":
        try:
            key = int(key)
        except (TypeError, ValueError):
            grouping = None
    rows = list(investment.counted(investment.reports_for(request.user), year, month, category, grouping, key)[:500])
    reports_url = reverse("projects:progressreport_list")
    for row in rows:
        row["growth"] = investment.growth(row["current"] or 0, row["previous"] or 0)
        row["reports_url"] = (
            f"{reports_url}?project={row['project']}&month_after={year - 1}-01-01&month_before={year}-{month:02d}-01"
            "&status=submitted&status=accepted"
        )
    return render(
        request,
        "dashboards/investment_counted.html",
        {
            "form": form,
            "year": year,
            "month": month,
            "period": f"{year}-{month:02d}",
            "period_label": display.month(date(year, month, 1)),
            "category": InvestmentCategory(category).label,
            "rows": rows,
            "current": sum((r["current"] or 0 for r in rows), Decimal(0)),
            "previous": sum((r["previous"] or 0 for r in rows), Decimal(0)),
        },
    )


@login_required
def investment_xlsx(request):
    from .investment_files import statistics_xlsx

    _form, year, month, by, _category = _period(request)
    content = statistics_xlsx(request.user, year, month, by)
    return _file(content, f"固定资产投资统计-{year}{month:02d}.xlsx", XLSX)


@login_required
def investment_docx(request):
    from .investment_files import statistics_docx

    _form, year, month, by, _category = _period(request)
    content = statistics_docx(request.user, year, month, by)
    return _file(content, f"固定资产投资简报-{year}{month:02d}.docx", DOCX)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _file(content, filename, content_type):
    return FileResponse(BytesIO(content), as_attachment=True, filename=filename, content_type=content_type)


# --- slips and their reasons (projects.baselines) -------------------------------------------


@login_required
def slips(request):
    """Approved re-plans by county, field and reason: how many, how many projects, days slipped."""
    from keyprojects.projects.baselines import slip_rollup
    from keyprojects.projects.choices import Field, ReplanReason

    labels = {"field": dict(Field.choices), "reason": dict(ReplanReason.choices)}
    tables = []
    for by, title in (
        ("reason", _("By reason")),
        ("region", _("By region")),
        ("field", _("By field")),
    ):
        rows = slip_rollup(request.user, by)
        for row in rows:
            row["label"] = labels.get(by, {}).get(row["key"], row["key"])
            row["average"] = None if row["average"] is None else round(row["average"])
        tables.append({"by": by, "title": title, "rows": rows})
    return render(request, "dashboards/slips.html", {"tables": tables})


# --- durations: 项目建设"加速度" (durations.py) ------------------------------------------------


@login_required
def durations_page(request):
    """Median days between lifecycle steps per tier, county or phase cohort; the fastest
    projects; the generated sentence."""
    from keyprojects.projects.models import Project

    from . import durations

    by = request.GET.get("by", "tier")
    if by not in durations.GROUPINGS:
        by = "tier"
    rows = durations.project_durations(Project.objects.restrict(request.user))
    quickest = durations.fastest(rows)
    return render(
        request,
        "dashboards/durations.html",
        {
            "by": by,
            "groupings": [("tier", _("Tier")), ("region", _("Region")), ("phase", _("Phase cohort"))],
            "intervals": [(key, label) for key, _a, _b, label in durations.INTERVALS],
            "groups": durations.grouped(request.user, rows, by),
            "fastest": [
                {"row": row, "words": durations.duration_words(row.days["start_capacity"])} for row in quickest
            ],
            "sentence": durations.sentence(rows),
        },
    )


def project_durations_panel(request, project):
    """The project page's durations tab: its own intervals."""
    from . import durations

    found = durations.one_project(project)
    return {"intervals": found} if any(item["days"] is not None for item in found) else None


# --- slip-risk forecast and delivery confidence (forecast.py) --------------------------------


def _confidence_words():
    from keyprojects.projects.views import CONFIDENCE_WORDS

    return {level: str(words) for level, words in CONFIDENCE_WORDS}


@login_required
def forecast_page(request):
    """The model's card and backtest beside the lights; the forecast itself only if it beats them."""
    from keyprojects.projects.models import RiskModel

    from . import forecast

    model = RiskModel.objects.order_by("-version").first()
    card = model.card if model else {}
    return render(
        request,
        "dashboards/forecast.html",
        {
            "model": model,
            "card": card,
            "backtest": card.get("backtest", {}),
            "needed": {"rows": forecast.MIN_ROWS, "each": forecast.MIN_EACH},
            "late_days": forecast.LATE_DAYS,
        },
    )


def _at_risk(user, limit=50):
    from keyprojects.projects.models import RiskForecast

    from . import forecast

    rows = list(
        RiskForecast.objects.restrict(user)
        .filter(project__archived_at__isnull=True, project__stage="started")
        .select_related("project", "project__region", "model")
        .order_by("confidence", "-probability", "project_id")[:limit]
    )
    words = _confidence_words()
    for row in rows:
        row.words = words[row.confidence]
        row.texts = [forecast.describe(reason) for reason in row.reasons]
        row.shown = row.model.beats_lights
        row.percent = row.probability * 100
    return rows


@login_required
def at_risk(request):
    """本周风险最高的项目: the week's most-at-risk list for the weekly meeting, made for a phone."""
    return render(request, "dashboards/at_risk.html", {"rows": _at_risk(request.user)})


def project_forecast_panel(request, project):
    """The project page's delivery confidence: level, reasons, and the probability where shown."""
    from keyprojects.projects.models import RiskForecast

    from . import forecast

    found = RiskForecast.objects.filter(project=project).select_related("model").first()
    if found is None:
        return None
    return {
        "forecast": found,
        "words": _confidence_words()[found.confidence],
        "texts": [forecast.describe(reason) for reason in found.reasons],
        "shown": found.model.beats_lights,
        "percent": found.probability * 100,
        "late_days": forecast.LATE_DAYS,
    }
