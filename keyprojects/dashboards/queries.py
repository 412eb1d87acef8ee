"""One aggregate per chart of the campaign dashboard, computed in the database.

Every function takes `entries`, a queryset from `campaigns.indicators.entries_for(user)` — so the
user's scope is applied once, by `restrict()` — and returns plain data ready for json_script:
labels, numbers and the drill-down URL of every bar or segment (the entries list filtered by the
campaign's own BatchEntryFilterSet, or the indicator's drill-down page).

Counting honestly, as the campaign does: 签约一批 / 开工一批 / 投产一批 figures are entries
(批次入列, "滚动实施 N 个"); "已建成达效 N 个" is unique projects now at capacity. Money is Decimal
in 万元 in the database; charts show 亿元 as strings with two decimals (never a float).

Cost: one query per chart whatever the number of entries (the indicator trend is one query plus
one for the phases' labels, as `indicators.compute` always is); the rows are cached until a table
they read changes (core.figures), so the big screen reloading every minute reads a few indexes.
"""

from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from keyprojects.campaigns import indicators
from keyprojects.campaigns.choices import Batch, PhaseStatus
from keyprojects.campaigns.models import Phase, chinese_number
from keyprojects.core.figures import cached_rows
from keyprojects.projects.choices import Stage

TREND_INDICATORS = ("start", "production", "capacity")  # 开工率, 投产率, 达效率
YI = Decimal(10_000)  # 1 亿元 = 10,000 万元


def yi(wan):
    """万元 → 亿元 with two decimals, as a string for the chart (Decimal all the way)."""
    return str(((wan or Decimal(0)) / YI).quantize(Decimal("0.01")))


def entries_url(**params):
    """The entries list, filtered as a chart's bar or segment counts them."""
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return reverse("campaigns:batchentry_list") + (f"?{query}" if query else "")


def phase_label(number):
    return f"第{chinese_number(number)}期"


def headline(entries, user):
    """The seed's sentence: phases held, entries per batch, unique projects, projects at capacity,
    total investment (亿元). One query for the figures (indicators.summary), one for the phases."""
    figures = indicators.summary(entries)
    held = Phase.objects.restrict(user).filter(archived_at__isnull=True, status=PhaseStatus.HELD).count()
    return {
        "phases_held": held,
        "entries": figures["entries"],
        "projects": figures["projects"],
        "sign": figures["sign"],
        "start": figures["start"],
        "produce": figures["produce"],
        "at_capacity": figures["at_capacity"],
        "investment_yi": yi(figures["total_investment"]),
    }


def funnel(head):
    """签约 → 开工 → 投产 (entries) → 达效 (unique projects): from the headline's one query."""
    return [
        {"name": _("Signing batch"), "value": head["sign"], "unit": "entries", "url": entries_url(batch=Batch.SIGN)},
        {"name": _("Starting batch"), "value": head["start"], "unit": "entries", "url": entries_url(batch=Batch.START)},
        {
            "name": _("Production batch"),
            "value": head["produce"],
            "unit": "entries",
            "url": entries_url(batch=Batch.PRODUCE),
        },
        {
            "name": _("At capacity"),
            "value": head["at_capacity"],
            "unit": "projects",
            "url": entries_url(stage=Stage.AT_CAPACITY),
        },
    ]


def per_phase(entries):
    """Entries and total investment (亿元) per phase and batch — one query."""
    rows = cached_rows(
        entries.order_by()
        .values("phase", "phase__number", "batch")
        .annotate(n=Count("pk"), investment=Sum("total_investment"))
        .order_by("phase__number", "batch")
    )
    phases = {}
    for row in rows:
        phase = phases.setdefault(
            row["phase"],
            {"number": row["phase__number"], "counts": dict.fromkeys(Batch.values, 0), "investment": Decimal(0)},
        )
        phase["counts"][row["batch"]] = row["n"]
        phase["investment"] += row["investment"] or 0
    ordered = sorted(phases.items(), key=lambda item: item[1]["number"])
    return {
        "labels": [phase_label(p["number"]) for _pk, p in ordered],
        "series": [
            {
                "key": batch.value,
                "name": str(batch.label),
                "data": [p["counts"][batch.value] for _pk, p in ordered],
                "urls": [entries_url(phase=pk, batch=batch.value) for pk, _p in ordered],
            }
            for batch in Batch
        ],
        "investment": [yi(p["investment"]) for _pk, p in ordered],
        "investment_urls": [entries_url(phase=pk) for pk, _p in ordered],
        "totals": [sum(p["counts"].values()) for _pk, p in ordered],
    }


def trends(entries):
    """开工率, 投产率, 达效率 per phase (indicators.compute by phase), with each indicator's
    numerator/denominator and the drill-down to the entries it counts."""
    definitions = indicators.get_indicators()
    keys = [key for key in TREND_INDICATORS if key in definitions]
    # Only the charted indicators: the others' subqueries (拿地, year investment) cost most of a second.
    groups = indicators.compute(entries, by="phase", indicators={key: definitions[key] for key in keys})
    return {
        "labels": [phase_label(phase.number) for _pk, phase, _f in groups],
        "series": [
            {
                "key": key,
                "name": str(definitions[key].label),
                "description": str(definitions[key].description),
                "data": [str(f[key].rate) if f[key].rate is not None else None for _pk, _p, f in groups],
                "counted": [f"{f[key].numerator_entries}/{f[key].denominator_entries}" for _pk, _p, f in groups],
                "urls": [reverse("campaigns:indicator_drill", args=[key]) + f"?phase={pk}" for pk, _p, _f in groups],
            }
            for key in keys
        ],
    }


def region_ranking(entries):
    """Regions (as listed) ranked by entries, with each batch, unique projects, projects at
    capacity and investment (亿元) — one query."""
    rows = cached_rows(
        entries.order_by()
        .values("region", "region__name")
        .annotate(
            n=Count("pk"),
            sign=Count("pk", filter=Q(batch=Batch.SIGN)),
            start=Count("pk", filter=Q(batch=Batch.START)),
            produce=Count("pk", filter=Q(batch=Batch.PRODUCE)),
            projects=Count("project", distinct=True),
            at_capacity=Count("project", filter=Q(project__stage=Stage.AT_CAPACITY), distinct=True),
            investment=Sum("total_investment"),
        )
        .order_by("-n", "region__name")
    )
    return [
        {
            "name": row["region__name"],
            "entries": row["n"],
            "sign": row["sign"],
            "start": row["start"],
            "produce": row["produce"],
            "projects": row["projects"],
            "at_capacity": row["at_capacity"],
            "investment": yi(row["investment"]),
            "url": entries_url(region=row["region"]),
        }
        for row in rows
    ]


def campaign(user):
    """Everything the campaign dashboard and the big screen show, within the user's scope."""
    entries = indicators.entries_for(user)
    head = headline(entries, user)
    return {
        "headline": head,
        "charts": {
            "funnel": funnel(head),
            "phases": per_phase(entries),
            "trends": trends(entries),
            "regions": region_ranking(entries),
        },
    }
