"""项目建设"加速度": how long projects take from one lifecycle step to the next — per project, and
per phase cohort (the phase a project was first listed in), tier and county as medians, with the
fastest projects and the seed's kind of sentence ("总投资120亿元的……从开工建设到投产达效仅用时
一年半") generated from the data.

Intervals are between actual dates the stage services record (signing, start, production,
capacity) and the 拿地 node's actual date (land). An interval counts only when both ends are
known and the later is not before the earlier. One query for the projects (the land date a
subquery), one for the cohorts; medians in Python over the rows.
"""

from dataclasses import dataclass
from decimal import Decimal
from statistics import median

from django.db.models import Min, OuterRef, Subquery
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyprojects.core import display
from keyprojects.projects.choices import TIER_FLOORS, Stage, Tier
from keyprojects.projects.models import Milestone, Project

LAND_NODES = ("拿地", "前期手续")
# (key, from, to, label): the steps a city talks about.
INTERVALS = (
    ("sign_land", "actual_sign_date", "land_date", gettext_lazy("Signing to land")),
    ("sign_start", "actual_sign_date", "actual_start_date", gettext_lazy("Signing to start")),
    ("start_production", "actual_start_date", "actual_production_date", gettext_lazy("Start to production")),
    ("start_capacity", "actual_start_date", "actual_capacity_date", gettext_lazy("Start to capacity")),
)
GROUPINGS = ("tier", "region", "phase")
SENTENCE_MIN = Decimal(100_000)  # 十亿级 and up: the projects a sentence is written about


@dataclass
class ProjectDurations:
    pk: int
    name: str
    region: str
    unit: int | None
    tier: str
    total: Decimal | None
    days: dict  # interval key → days (None when not known)


def land_date():
    return Subquery(
        Milestone.objects.filter(
            project=OuterRef("pk"), name__in=LAND_NODES, actual_date__isnull=False, archived_at__isnull=True
        )
        .order_by()
        .values("project")
        .annotate(day=Min("actual_date"))
        .values("day")[:1]
    )


def _tier(total) -> str:
    for tier, floor in TIER_FLOORS:
        if total is not None and total >= floor:
            return tier.value
    return Tier.OTHER.value


def project_durations(projects) -> list[ProjectDurations]:
    """Every project's known intervals (one query)."""
    from keyprojects.campaigns.reports import ranking_units, unit_of

    units = ranking_units()
    rows = (
        projects.filter(archived_at__isnull=True)
        .exclude(stage=Stage.TERMINATED)
        .annotate(land_date=land_date(), unit=unit_of("region__path", units))
        .values(
            "pk",
            "name",
            "region__name",
            "unit",
            "total_investment",
            "land_date",
            *{f for _k, a, b, _l in INTERVALS for f in (a, b) if f != "land_date"},
        )
    )
    result = []
    for row in rows:
        days = {}
        for key, start, end, _label in INTERVALS:
            a, b = row[start], row[end]
            days[key] = (b - a).days if a and b and b >= a else None
        result.append(
            ProjectDurations(
                row["pk"],
                row["name"],
                row["region__name"],
                row["unit"],
                _tier(row["total_investment"]),
                row["total_investment"],
                days,
            )
        )
    return result


def one_project(project) -> list[dict]:
    """A project's own intervals, for its page."""
    found = project_durations(Project.objects.filter(pk=project.pk))
    if not found:
        return []
    return [
        {"key": key, "label": label, "days": found[0].days[key], "words": duration_words(found[0].days[key])}
        for key, _a, _b, label in INTERVALS
    ]


def _cohorts(user) -> dict[int, int]:
    """project → the number of the first phase it was listed in."""
    from keyprojects.campaigns.indicators import entries_for

    rows = entries_for(user).order_by().values("project").annotate(first=Min("phase__number"))
    return {row["project"]: row["first"] for row in rows}


def grouped(user, rows: list[ProjectDurations], by: str) -> list[dict]:
    """Median days and the number of projects per interval, per tier, county or phase cohort."""
    if by == "phase":
        from keyprojects.campaigns.models import chinese_number

        cohorts = _cohorts(user)
        key_of = cohorts.get
        order = sorted(set(cohorts.values()))
        chinese = translation.get_language().startswith("zh")
        label_of = {n: f"第{chinese_number(n)}期" if chinese else _("Phase %(n)s") % {"n": n} for n in order}
    elif by == "region":
        from keyprojects.campaigns.reports import ranking_units, unit_label

        units = ranking_units()
        order = [u.pk for u in units]
        label_of = {u.pk: unit_label(u) for u in units}

        key_of = {r.pk: r.unit for r in rows}.get
    else:
        order = [t.value for t in Tier]
        label_of = dict(Tier.choices)

        key_of = {r.pk: r.tier for r in rows}.get

    buckets: dict = {}
    for row in rows:
        group = key_of(row.pk)
        if group is None:
            continue
        bucket = buckets.setdefault(group, {key: [] for key, *_rest in INTERVALS})
        for key, value in row.days.items():
            if value is not None:
                bucket[key].append(value)
    result = []
    for group in order:
        if group not in buckets:
            continue
        cells = []
        for key, *_rest in INTERVALS:
            values = buckets[group][key]
            middle = round(median(values)) if values else None
            cells.append({"key": key, "median": middle, "n": len(values), "words": duration_words(middle)})
        result.append({"key": group, "label": str(label_of.get(group, group)), "cells": cells})
    return result


def fastest(rows: list[ProjectDurations], key: str = "start_capacity", limit: int = 10) -> list[ProjectDurations]:
    known = [r for r in rows if r.days.get(key) is not None]
    return sorted(known, key=lambda r: (r.days[key], -(r.total or 0), r.pk))[:limit]


_DIGITS = "零一两三四五六七八九十"


def _count_zh(n: int) -> str:
    if n <= 10:
        return _DIGITS[n]
    from keyprojects.campaigns.models import chinese_number

    return chinese_number(n)


def duration_words(days: int | None) -> str:
    """In the reader's language, as people say it: 一年半, 两年, 十个月, 一年零三个月 / 1.5 years."""
    if days is None:
        return "—"
    months = round(days / 30.4)
    years, rest = divmod(months, 12)
    if translation.get_language().startswith("zh"):
        if months < 1:
            return f"{days}天"
        if years == 0:
            return f"{_count_zh(rest)}个月"
        if rest == 0:
            return f"{_count_zh(years)}年"
        if rest == 6:
            return f"{_count_zh(years)}年半"
        return f"{_count_zh(years)}年零{_count_zh(rest)}个月"
    if months < 1:
        return _("%(n)s days") % {"n": days}
    if months < 12:
        return _("%(n)s months") % {"n": months}
    return _("%(n)s years") % {"n": f"{months / 12:.1f}".rstrip("0").rstrip(".")}


def sentence(rows: list[ProjectDurations]) -> str | None:
    """The seed's sentence about the fastest project of 1 billion yuan or more from start of
    construction to production at capacity; None when no such project has reached capacity."""
    large = [r for r in rows if r.total is not None and r.total >= SENTENCE_MIN]
    found = fastest(large, "start_capacity", 1)
    if not found:
        return None
    row = found[0]
    amount = display.in_unit(row.total)
    amount_text = f"{amount.normalize():f}" if amount == amount.to_integral() else display.grouped(amount)
    text = _(
        "%(name)s, with a total investment of %(amount)s 100 million yuan, took only %(time)s from the start "
        "of construction to production at capacity."
    )
    return text % {
        "name": row.name,
        "amount": amount_text,
        "time": duration_words(row.days["start_capacity"]),
    }
