"""One aggregate per chart of the campaign dashboard, computed in the database.

Every function takes `entries`, a queryset from `campaigns.indicators.entries_for(user)` — so the
user's scope is applied once, by `restrict()` — and returns plain data ready for json_script:
labels, numbers and the drill-down URL of every bar or segment (the entries list filtered by the
campaign's own BatchEntryFilterSet, or the indicator's drill-down page).

Counting honestly, as the campaign does: 签约一批 / 开工一批 / 投产一批 figures are entries
(批次入列, "滚动实施 N 个"); "已建成达效 N 个" is unique projects now at capacity. Money is Decimal
in 万元 in the database; charts show 亿元 as strings with two decimals (never a float).

Cost: one query per chart whatever the number of entries (the indicator trend is one query plus
one for the phases' labels, as `indicators.compute` always is); the rows are cached and, after a
write, computed again only over the projects it touched (core.figures, `cached_groups`), so the
big screen reloading every minute reads a few indexes.
"""

from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse

from keyprojects.campaigns import indicators
from keyprojects.campaigns.choices import Batch, PhaseStatus
from keyprojects.campaigns.models import Phase, chinese_number
from keyprojects.core.figures import cached_groups
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
    figures = indicators.summary(entries, phases=False)
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


# Each batch's entries and the step they are counted as having taken (the campaign's own rates).
CONVERSION = (("start", Batch.SIGN), ("production", Batch.START), ("capacity", Batch.PRODUCE))


def conversion(grouped):
    """For each batch, its entries and how many have moved on — 签约一批 started, 开工一批 in
    production, 投产一批 at capacity — by the campaign's 开工率, 投产率 and 达效率 (entries, not
    projects: a funnel would draw unique projects at capacity as a layer of entries). Summed
    from the trend's figures by phase (an entry belongs to one phase): no query of its own."""
    definitions, keys, groups = grouped
    rows = []
    for key, batch in CONVERSION:
        if key not in keys:
            continue
        entries = sum(f[key].denominator_entries for _pk, _p, f in groups)
        converted = sum(f[key].numerator_entries for _pk, _p, f in groups)
        rate = indicators.Figure.percent(converted, entries)
        rows.append(
            {
                "key": batch.value,
                "name": str(batch.label),
                "indicator": str(definitions[key].label),
                "description": str(definitions[key].description),
                "entries": entries,
                "converted": converted,
                "rest": entries - converted,
                "rate": None if rate is None else str(rate),
                "url": reverse("campaigns:indicator_drill", args=[key]),
                "entries_url": entries_url(batch=batch.value),
            }
        )
    return rows


def per_phase(entries):
    """Entries and total investment (亿元) per phase and batch — one query."""
    rows = cached_groups(
        entries,
        ["phase", "phase__number", "batch"],
        {"n": Count("pk"), "investment": Sum("total_investment")},
        order=["phase__number", "batch"],
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


def by_phase(entries):
    """开工率, 投产率, 达效率 per phase (indicators.compute by phase): the trend chart's figures,
    which the conversion chart sums."""
    definitions = indicators.get_indicators()
    keys = [key for key in TREND_INDICATORS if key in definitions]
    # Only the charted indicators: the others' subqueries (拿地, year investment) cost most of a second.
    groups = indicators.compute(entries, by="phase", indicators={key: definitions[key] for key in keys})
    return definitions, keys, groups


def trends(grouped):
    """The rates per phase, with each indicator's numerator/denominator and the drill-down to
    the entries it counts."""
    definitions, keys, groups = grouped
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
    rows = cached_groups(
        entries,
        ["region", "region__name"],
        {
            "n": Count("pk"),
            "sign": Count("pk", filter=Q(batch=Batch.SIGN)),
            "start": Count("pk", filter=Q(batch=Batch.START)),
            "produce": Count("pk", filter=Q(batch=Batch.PRODUCE)),
            "projects": Count("project", distinct=True),
            "at_capacity": Count("project", filter=Q(project__stage=Stage.AT_CAPACITY), distinct=True),
            "investment": Sum("total_investment"),
        },
        order=["-n", "region__name"],
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


MAP_INDICATOR = "start"  # the big screen's county map: 签约项目开工率 by region


def region_map(entries):
    """The big screen's county map: each region's 签约项目开工率 (regions as listed), one query."""
    definitions = indicators.get_indicators()
    if MAP_INDICATOR not in definitions:
        return None
    chosen = {MAP_INDICATOR: definitions[MAP_INDICATOR]}
    groups = indicators.compute(entries, by="region", indicators=chosen)
    return {
        "indicator": str(definitions[MAP_INDICATOR].label),
        "regions": [
            {
                "name": getattr(region, "name", str(region)),
                "value": None if f[MAP_INDICATOR].rate is None else str(f[MAP_INDICATOR].rate),
                "counted": f"{f[MAP_INDICATOR].numerator_entries}/{f[MAP_INDICATOR].denominator_entries}",
            }
            for _pk, region, f in groups
        ],
    }


def red_projects(user, limit=30):
    """The big screen's scrolling list: red-light projects in the user's scope, largest first,
    each with its first reason (one query)."""
    from keyprojects.projects.choices import Light
    from keyprojects.projects.models import Project
    from keyprojects.projects.services import describe

    projects = (
        Project.objects.restrict(user)
        .filter(archived_at__isnull=True, light=Light.RED)
        .select_related("region")
        .order_by("-total_investment", "pk")[:limit]
    )
    return [
        {
            "name": p.name,
            "region": p.region.name,
            "reason": describe(p.light_reasons[0]) if p.light_reasons else "",
            "url": p.get_absolute_url(),
        }
        for p in projects
    ]


def campaign(user):
    """Everything the campaign dashboard and the big screen show, within the user's scope."""
    entries = indicators.entries_for(user)
    head = headline(entries, user)
    grouped = by_phase(entries)
    return {
        "headline": head,
        "charts": {
            "conversion": conversion(grouped),
            "phases": per_phase(entries),
            "trends": trends(grouped),
            "regions": region_ranking(entries),
        },
    }
