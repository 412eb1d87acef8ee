"""Demo history for the investment statistics and the baselines: four years of monthly reports,
民间投资 tags, the statistics bureau's figures, and baselines with re-plans, layered on the demo
projects (demo.py).

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
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from keyprojects.core.access import Role
from keyprojects.core.context import acting
from keyprojects.core.m2m import add_links
from keyprojects.orgs.models import Membership, Region, User

from .baselines import freeze_listed_baselines, propose_replan
from .choices import (
    CATEGORY_TAGS,
    REPORTED,
    BaselineStatus,
    EventType,
    Field,
    InvestmentCategory,
    Light,
    ReplanReason,
    ReportStatus,
    Stage,
)
from .models import Baseline, Milestone, OfficialFigure, ProgressReport, Project, ProjectEvent, Tag

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
    add_links(Project, "tags", [(pk, tag.pk) for pk in chosen])
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
            # before the baselines: their original plans are the plans these slips are measured on
            "nodes planned from causes": 0 if Baseline.objects.exists() else slips_from_causes(),
            **seed_baselines(today),
        }
    if stdout:
        stdout.write("Demo statistics: " + ", ".join(f"{n} {name}" for name, n in counts.items()) + ".")
    return counts


# --- baselines and re-plans ---------------------------------------------------------------

# Which late node a re-plan is blamed on, and the reason the county recorded.
CAUSES = {"拿地": ReplanReason.LAND, "前期手续": ReplanReason.APPROVALS}
OTHER_CAUSES = [ReplanReason.DESIGN, ReplanReason.INVESTOR, ReplanReason.POLICY, ReplanReason.FORCE_MAJEURE]
NOTES = {
    ReplanReason.LAND: "用地报批晚于计划，相应调整开工及投产时间",
    ReplanReason.APPROVALS: "前期手续办理时间延长",
    ReplanReason.FUNDING: "项目融资到位晚于预期，投资进度放缓",
    ReplanReason.DESIGN: "工艺方案调整，设计变更",
    ReplanReason.INVESTOR: "投资方调整出资计划",
    ReplanReason.POLICY: "产业政策调整，项目内容优化",
    ReplanReason.FORCE_MAJEURE: "极端天气停工",
}


def _shift(day, days):
    return day - timedelta(days=days) if day else day


def seed_baselines(today: date) -> dict:
    """Baseline 1 for every listed project; re-plans where the demo's own history has a cause —
    a land or approvals node late by more than 45 days, or investment behind with a node late
    by more than 60 — each slipping by how late that node was, rounded to weeks, with noise;
    and a few re-plans waiting for the county. Baseline 1 of a re-planned project is the plan
    before the slip; its baseline 2 is the plan it has today."""
    if Baseline.objects.exists():
        return {"baselines": 0, "re-plans": 0, "waiting": 0}
    approvers = {m.region_id: m.user for m in Membership.objects.filter(role=Role.REGION_STAFF).select_related("user")}
    admin = User.objects.filter(username="cityadmin").first()
    projects = (
        Project.objects.filter(stage__in=[Stage.SIGNED, Stage.STARTED, Stage.PRODUCING], memberships__isnull=False)
        .distinct()
        .prefetch_related("milestones")
        .order_by("pk")
    )
    first_rows, second_rows, events = [], [], []
    for project in projects:
        rng = random.Random(SEED * 31 + project.pk)
        nodes = sorted(project.milestones.all(), key=lambda m: (m.order, m.pk))
        late = [(m, (m.actual_date - m.planned_date).days) for m in nodes if m.actual_date and m.planned_date]
        cause, slip, late_node = None, 0, None
        for milestone, days in late:
            if milestone.name in CAUSES and days > 45:
                cause, slip, late_node = CAUSES[milestone.name], days, milestone
                break
        behind = any(reason.get("code") == "investment_behind" for reason in project.light_reasons)
        if cause is None and late and max(d for _m, d in late) > 60:
            milestone, days = max(late, key=lambda item: item[1])
            if behind:
                cause, slip, late_node = ReplanReason.FUNDING, days, milestone
            elif rng.random() < 0.25:
                cause, slip, late_node = rng.choice(OTHER_CAUSES), days, milestone
        if cause is None or not project.planned_production_date:
            continue
        slip = max(14, round((slip + rng.randint(-20, 20)) / 7) * 7)
        after = [m for m in nodes if m.order > late_node.order]
        original_nodes = [
            {
                "id": m.pk,
                "name": m.name,
                "planned_date": (_shift(m.planned_date, slip) if m in after else m.planned_date).isoformat()
                if m.planned_date
                else None,
            }
            for m in nodes
        ]
        current_nodes = [
            {"id": m.pk, "name": m.name, "planned_date": m.planned_date.isoformat() if m.planned_date else None}
            for m in nodes
        ]
        common = {"project": project, "total_investment": project.total_investment}
        first_rows.append(
            Baseline(
                **common,
                number=1,
                reason=ReplanReason.FIRST,
                slip_days=0,
                planned_sign_date=project.planned_sign_date,
                planned_start_date=project.planned_start_date,
                planned_production_date=_shift(project.planned_production_date, slip),
                planned_capacity_date=_shift(project.planned_capacity_date, slip),
                nodes=original_nodes,
            )
        )
        approver = approvers.get(project.region_id) or admin
        decided = timezone.make_aware(datetime.combine(late_node.actual_date, time(10)))
        second_rows.append(
            Baseline(
                **common,
                number=2,
                reason=cause,
                note=NOTES[cause],
                status=BaselineStatus.APPROVED,
                slip_days=slip,
                planned_sign_date=project.planned_sign_date,
                planned_start_date=project.planned_start_date,
                planned_production_date=project.planned_production_date,
                planned_capacity_date=project.planned_capacity_date,
                nodes=current_nodes,
                decided_by=approver,
                decided_at=decided,
                decision_note="同意调整",
            )
        )
        events.append(
            ProjectEvent(
                project=project,
                type=EventType.REPLANNED,
                actor=approver,
                date=late_node.actual_date,
                note=NOTES[cause],
                data={"number": 2, "reason": cause, "slip_days": slip},
            )
        )
    Baseline.objects.bulk_create(first_rows + second_rows, batch_size=500)
    ProjectEvent.objects.bulk_create(events, batch_size=500)
    frozen = freeze_listed_baselines(today)
    waiting = 0
    officer = User.objects.filter(username="officer").first() or admin
    for project in Project.objects.filter(stage=Stage.STARTED, light=Light.RED, planned_production_date__isnull=False)[
        :6
    ]:
        if project.baselines.filter(status=BaselineStatus.PROPOSED).exists():
            continue
        try:
            _propose_delay(project, officer, waiting)
        except ValidationError:
            continue  # a plan whose dates are out of order already is left to its county
        waiting += 1
    return {"baselines": len(first_rows) + frozen, "re-plans": len(second_rows), "waiting": waiting}


def _propose_delay(project, officer, waiting):
    with transaction.atomic():
        propose_replan(
            project,
            by=officer,
            reason=ReplanReason.FUNDING if waiting % 2 else ReplanReason.LAND,
            note="节点滞后，申请顺延投产时间",
            planned_production_date=project.planned_production_date + timedelta(days=91),
            planned_capacity_date=(project.planned_capacity_date + timedelta(days=91))
            if project.planned_capacity_date
            else None,
        )


# --- slips from causes ------------------------------------------------------------------------

LAND_LATE = (45, 150)  # days a land (or approvals) delay holds the land node back
CARRIED = 0.7  # the chance a later node is late too when land was late
BACKGROUND = 0.12  # the chance any node is late without a cause we record (noise)


def slips_from_causes() -> int:
    """The nodes a project has already reached get the plan they were measured against, from
    causes with noise, so that which nodes were late is not random: a project with a land delay
    (about a third, drawn per project) reached its land or approvals node 45–150 days after the
    plan and each later node more than 30 days late with a chance of 0.7; any other node is late
    with a chance of 0.12. What happened (actual dates, reports, stages) is left as it was: only
    the planned dates of reached nodes are set, so open nodes, and the lights built on them,
    keep theirs. Planned dates never go backwards along the template. Returns the nodes set."""
    changed_nodes, changed_projects = [], []
    projects = (
        Project.objects.filter(stage__in=[Stage.STARTED, Stage.PRODUCING, Stage.AT_CAPACITY])
        .prefetch_related("milestones")
        .order_by("pk")
    )
    for project in projects:
        rng = random.Random(SEED * 53 + project.pk)
        land_delay = rng.random() < 0.33
        nodes = sorted(project.milestones.all(), key=lambda m: (m.order, m.pk))
        reached = [m for m in nodes if m.actual_date]
        if not reached:
            continue
        first_open = next((m for m in nodes if not m.actual_date and m.planned_date), None)
        ceiling = first_open.planned_date if first_open else None  # the open node's date, and its light, stay
        previous, after_land = None, False
        for milestone in reached:
            if milestone.name in ("拿地", "前期手续") and land_delay:
                late = rng.randint(*LAND_LATE)
                after_land = True
            elif (after_land and rng.random() < CARRIED) or rng.random() < BACKGROUND:
                late = rng.randint(35, 120)
            else:
                late = rng.randint(-25, 25)
            planned = milestone.actual_date - timedelta(days=late)
            if previous and planned < previous:
                planned = previous
            if ceiling and planned > ceiling:
                planned = ceiling
            milestone.planned_date = previous = planned
            changed_nodes.append(milestone)
        by_name = {m.name: m.planned_date for m in reached}
        if "开工" in by_name and (
            not project.planned_production_date or by_name["开工"] <= project.planned_production_date
        ):
            project.planned_start_date = by_name["开工"]
        if "投产" in by_name:
            project.planned_production_date = by_name["投产"]
        changed_projects.append(project)
    Milestone.objects.bulk_update(changed_nodes, ["planned_date"], batch_size=1000)
    Project.objects.bulk_update(changed_projects, ["planned_start_date", "planned_production_date"], batch_size=500)
    return len(changed_nodes)
