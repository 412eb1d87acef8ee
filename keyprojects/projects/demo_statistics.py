"""Demo history for the investment statistics: four years of monthly reports, 民间投资 tags and
the statistics bureau's figures, layered on the demo projects (demo.py).

The demo projects report from their start month when they were building during the last 24
months; a project built before that brought its completed investment as `prior_investment`
(what it completed before reporting here). For the statistics to compare three years with the
years before them, this step turns that prior investment, from January four years ago on, into
the monthly reports the project would have filed (accepted, spread over its building months with
a seasonal dip in January and February), and keeps only the part before as prior investment —
so every project's completed investment stays the same. Deterministic and idempotent (a project
that already has reports before its window is left alone).
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from keyprojects.core.context import acting
from keyprojects.orgs.models import Region

from .choices import CATEGORY_TAGS, REPORTED, Field, InvestmentCategory, ReportStatus
from .models import OfficialFigure, ProgressReport, Project, Tag

CENT = Decimal("0.01")
SEED = 19
SEASON = {1: 70, 2: 45}  # per cent of an ordinary month: the Spring Festival
PRIVATE_WORDS = ("国投", "城投", "交投", "建投", "水务", "电力", "铁路", "高速", "学校", "医院")


def _months(start: date, stop: date):
    month = start.replace(day=1)
    while month < stop:
        yield month
        month = (month + timedelta(days=32)).replace(day=1)


def backfill_reports(today: date) -> int:
    """Monthly reports from January four years ago for projects that brought their investment."""
    first = date(today.year - 4, 1, 1)
    projects = Project.objects.filter(
        prior_investment__gt=0, actual_start_date__isnull=False, reports__isnull=True
    ).order_by("pk")
    created, changed = [], []
    for project in projects:
        stop = project.actual_production_date or today.replace(day=1)
        months = list(_months(project.actual_start_date, stop))
        if not months:
            continue
        rng = random.Random(SEED * 100_003 + project.pk)
        weights = [Decimal(rng.randint(70, 130) * SEASON.get(m.month, 100)) for m in months]
        share = project.prior_investment / sum(weights)
        amounts = [(w * share).quantize(CENT) for w in weights]
        amounts[-1] = project.prior_investment - sum(amounts[:-1], Decimal(0))  # the cents rounded away
        kept = [(m, a) for m, a in zip(months, amounts, strict=True) if m >= first and a > 0]
        if not kept:
            continue
        reported = sum((a for _m, a in kept), Decimal(0))
        prior = max(project.prior_investment - reported, Decimal(0))
        running = prior
        for month, amount in kept:
            running += amount
            created.append(
                ProgressReport(
                    project=project,
                    month=month,
                    investment=amount,
                    cumulative_investment=running,
                    physical_progress="按月报送施工进度（历史数据补录）",
                    status=ReportStatus.ACCEPTED,
                )
            )
        project.prior_investment = prior
        changed.append(project)
    ProgressReport.objects.bulk_create(created, batch_size=500)
    Project.objects.bulk_update(changed, ["prior_investment"], batch_size=500)
    return len(created)


def tag_private_investment() -> int:
    """民间投资: projects of private enterprises — the demo reads it from the owner's name (no
    state investment company, utility, school or hospital) and a seeded draw."""
    tag = Tag.objects.get_or_create(name=CATEGORY_TAGS[InvestmentCategory.PRIVATE])[0]
    if tag.projects.exists():
        return 0
    chosen = []
    for pk, name, owner in Project.objects.filter(owner__isnull=False).values_list("pk", "name", "owner__name"):
        rng = random.Random(SEED * 7 + pk)
        if not any(word in f"{name}{owner}" for word in PRIVATE_WORDS) and rng.random() < 0.7:
            chosen.append(pk)
    through = Project.tags.through
    through.objects.bulk_create([through(project_id=pk, tag_id=tag.pk) for pk in chosen])
    return len(chosen)


def official_figures(today: date) -> int:
    """The bureau's figures for the city, January to last month of the last three years: its
    amounts are the 入统 projects' reports and what its own survey adds (3–8 % more), its growth
    rounded to a tenth; entered late, so each carries its back-fill note."""
    city = Region.objects.filter(parent=None, archived_at__isnull=True).order_by("pk").first()
    if city is None or OfficialFigure.objects.exists():
        return 0
    last = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    reports = ProgressReport.objects.filter(status__in=REPORTED, archived_at__isnull=True, project__in_statistics=True)
    rules = {InvestmentCategory.TOTAL: {}, InvestmentCategory.INDUSTRY: {"project__field": Field.INDUSTRY}}
    rng = random.Random(SEED)
    rows = []
    for year in range(last.year - 2, last.year + 1):
        for category, lookups in rules.items():

            def total(y, lookups=lookups):
                found = reports.filter(month__range=(date(y, 1, 1), date(y, last.month, 1)), **lookups)
                return found.aggregate(s=Sum("investment"))["s"] or Decimal(0)

            now, before = total(year), total(year - 1)
            amount = (now * Decimal(rng.randint(103, 108)) / 100).quantize(CENT)
            growth = None
            if before:
                growth = ((now - before) * 100 / before + Decimal(rng.randint(-15, 15)) / 10).quantize(Decimal("0.1"))
            figure = OfficialFigure(
                region=city,
                month=date(year, last.month, 1),
                category=category,
                amount=amount,
                growth=growth,
                source=f"{city.name}统计局 {year}年1—{last.month}月统计快报",
                correction_note="平台上线后补录历史数据",
            )
            figure.full_clean()
            rows.append(figure)
    OfficialFigure.objects.bulk_create(rows)
    return len(rows)


def seed_statistics(stdout=None, *, today=None):
    today = today or timezone.localdate()
    with acting(None, "seed_demo"), transaction.atomic():
        counts = {
            "history reports": backfill_reports(today),
            "private projects": tag_private_investment(),
            "official figures": official_figures(today),
        }
    if stdout:
        stdout.write("Demo statistics: " + ", ".join(f"{n} {name}" for name, n in counts.items()) + ".")
    return counts
