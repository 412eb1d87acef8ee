"""Synthetic project library and "三个一批" campaign at province scale (appended to data.STEPS).

At `--scale 1`: 50,000 owner enterprises, 50,000 projects over the province's counties (stages,
investment, lights, leaders, list memberships, tags), 8 milestones each (400,000), about
600,000 monthly progress reports (6–24 months for every started project, the last 24 months;
8 % of STARTED projects have not filed last month and show on the late-filers page), two
year plans per started project, and 60 phases with about 120,000 batch entries (each project
listed once per batch type, in the first phase after it signed, started or went into production).

DESIGN.md counts 1,000,000 enterprises at province scale; projects need only their owners, so
the bench generates one enterprise per project (the enterprise module's own benchmark is the
place for the million). Two named rows the scenarios use: `bench_leader` (a leader holding
exactly 50 projects) and the project named `BENCH-DETAIL` (24 reports, 8 milestones).

Plain bulk_create without the change log, as data.py does; dates are fixed (not "today") so a
given scale always yields the same rows, except the report months, which end with the last
month due before the run (the late-filers page asks about that month).
"""

from bisect import bisect_left
from datetime import date, timedelta
from decimal import Decimal

from django.db import models

from keyprojects.campaigns.choices import Batch, PhaseStatus
from keyprojects.campaigns.models import BatchEntry, Phase
from keyprojects.core.access import Role
from keyprojects.enterprises.models import Enterprise
from keyprojects.enterprises.validators import credit_code_check_character
from keyprojects.orgs.choices import RegionLevel
from keyprojects.orgs.models import Department, Membership, Region, User
from keyprojects.projects.choices import Field, Light, Nature, ReportStatus, Stage
from keyprojects.projects.models import (
    ListMembership,
    Milestone,
    ProgressReport,
    Project,
    ProjectList,
    Tag,
    YearPlan,
)
from keyprojects.projects.services import late_filers

from .data import BATCH, raw_bulk_create

BASE = {"enterprises": 50_000, "projects": 50_000, "phases": 60}
LEADER = "bench_leader"
LEADER_PROJECTS = 50
DETAIL_PROJECT = "BENCH-DETAIL"
NODES = ["拿地", "开工", "基础完工", "主体封顶", "设备安装", "试生产", "投产", "达效"]
# Share of projects per current stage: most have signed, so each batch type has many entries.
STAGES = [
    (Stage.PLANNED, 0.02),
    (Stage.NEGOTIATING, 0.03),
    (Stage.SIGNED, 0.08),
    (Stage.STARTED, 0.20),
    (Stage.PRODUCING, 0.22),
    (Stage.AT_CAPACITY, 0.40),
    (Stage.TERMINATED, 0.05),
]
ORDER = [Stage.PLANNED, Stage.NEGOTIATING, Stage.SIGNED, Stage.STARTED, Stage.PRODUCING, Stage.AT_CAPACITY]
FIRST_PHASE = date(2017, 1, 10)
WORDS = "智能 新材料 食品 冷链 物流 光伏 储能 装备 制造 医药 电子 数字 产业园 基地 中心 二期 三期 扩建 技改 综合体"
WORDS = WORDS.split()
COMPANY = ["食品", "科技", "新材料", "能源", "装备", "医药", "物流", "实业", "置业", "电子"]


def sizes(scale):
    return {name: max(3 if name == "phases" else 50, round(base * scale)) for name, base in BASE.items()}


def credit_code(number):
    body = f"9141{number:013d}"
    return body + credit_code_check_character(body)


def counties():
    return list(Region.objects.exclude(level__in=[RegionLevel.PROVINCE, RegionLevel.CITY]).order_by("pk"))


def generate_enterprises(rng, count):
    regions = counties()
    rows = [
        Enterprise(
            name=f"{rng.choice(regions).name[:2]}{rng.choice(WORDS)}{rng.choice(COMPANY)}有限公司{number}",
            credit_code=credit_code(number),
            region=rng.choice(regions),
            legal_representative="法人" + str(number % 997),
            industry=rng.choice(["C13", "C14", "C26", "C35", "C38", "C39", "D44", "G59", "I65"]),
        )
        for number in range(count)
    ]
    raw_bulk_create(Enterprise, rows)


def pick_stage(rng):
    pick = rng.random()
    for stage, share in STAGES:
        if pick < share:
            return stage
        pick -= share
    return Stage.AT_CAPACITY


def months_after(day, months):
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


def leader_user():
    """bench_leader, created here so that a database generated before this step gains it too."""
    user = User.objects.filter(username=LEADER).first()
    if user is None:
        user = models.QuerySet.bulk_create(User.objects.all(), [User(username=LEADER, first_name="分包领导")])[0]
        models.QuerySet.bulk_create(Membership.objects.all(), [Membership(user=user, role=Role.LEADER)])
    return user


def generate_projects(rng, n):
    regions = counties()
    codes = dict(Region.objects.values_list("pk", "code"))
    owners = list(Enterprise.objects.order_by("pk").values_list("pk", "region_id"))
    departments = list(Department.objects.values_list("pk", flat=True))
    leaders = list(Membership.objects.filter(role=Role.LEADER).values_list("user_id", flat=True))
    officers = list(Membership.objects.filter(role=Role.SERVICE_OFFICER).values_list("user_id", flat=True))
    mine = leader_user()
    today = date.today()
    horizon = today - timedelta(days=45)
    rows = []
    for number in range(n["projects"]):
        stage = pick_stage(rng)
        reached = ORDER.index(stage) if stage != Stage.TERMINATED else rng.choice((2, 3))
        owner_id, owner_region = owners[number % len(owners)]
        region_id = owner_region if rng.random() < 0.8 else rng.choice(regions).pk
        # Investment in 万元: log-uniform 2,000 万 to 200 亿, so every tier has projects.
        total = Decimal(round(10 ** rng.uniform(3.3, 6.3), -1))
        sign = FIRST_PHASE + timedelta(days=rng.randrange((horizon - FIRST_PHASE).days))
        dates = {"planned_sign_date": sign, "planned_start_date": sign + timedelta(days=120)}
        dates["planned_production_date"] = sign + timedelta(days=600)
        dates["planned_capacity_date"] = sign + timedelta(days=1000)
        actual = sign
        for index, name in ((2, "actual_sign_date"), (3, "actual_start_date")):
            if reached >= index:
                dates[name] = actual = min(actual + timedelta(days=rng.randrange(0, 240)), horizon)
        for index, name in ((4, "actual_production_date"), (5, "actual_capacity_date")):
            if reached >= index:
                dates[name] = actual = min(actual + timedelta(days=rng.randrange(180, 540)), horizon)
        light = rng.choices([Light.GREEN, Light.YELLOW, Light.RED], (0.6, 0.25, 0.15))[0]
        reasons = []
        if light != Light.GREEN:
            reasons = [{"light": light, "code": "milestone_late", "name": "主体封顶", "days": rng.randrange(3, 90)}]
        started = reached >= 3
        rows.append(
            Project(
                code=f"{sign:%y%m}-{codes[region_id]}-04-01-{number:06d}",
                name=DETAIL_PROJECT if number == 0 else f"{rng.choice(WORDS)}{rng.choice(WORDS)}项目{number}",
                owner_id=owner_id,
                region_id=region_id,
                location=f"产业集聚区{number % 300}号地块",
                field=rng.choice(Field.values),
                industry_code=rng.choice(["C13", "C14", "C26", "C35", "C38", "C39", "D44", "G59", "I65", ""]),
                nature=rng.choice(Nature.values),
                total_investment=total,
                construction_content="新建厂房及配套设施，购置生产线" + str(number % 50) + "条",
                stage=stage,
                stage_date=actual if reached >= 2 else None,
                termination_reason="企业战略调整" if stage == Stage.TERMINATED else "",
                in_statistics=started and rng.random() < 0.9,
                leader_id=(mine.pk if number < LEADER_PROJECTS else rng.choice(leaders))
                if number < LEADER_PROJECTS or rng.random() < 0.5
                else None,
                service_officer_id=rng.choice(officers) if rng.random() < 0.5 else None,
                department_id=rng.choice(departments) if rng.random() < 0.4 else None,
                responsible_person="负责人" + str(number % 500),
                cumulative_investment=Decimal(0),
                light=light,
                light_reasons=reasons,
                signboard_token=f"bench{number:017d}",
                **dates,
            )
        )
    projects = raw_bulk_create(Project, rows)
    lists = list(ProjectList.objects.all())
    tags = list(Tag.objects.all())
    memberships, tagged = [], []
    through = Project.tags.through
    for project in projects:
        if lists and rng.random() < 0.6:
            start = date(rng.randrange(2019, 2027), 1, 1)
            memberships.append(ListMembership(project=project, list=rng.choice(lists), start=start))
        for tag in rng.sample(tags, k=min(len(tags), rng.choice((0, 0, 1, 2)))):
            tagged.append(through(project_id=project.pk, tag_id=tag.pk))
    raw_bulk_create(ListMembership, memberships)
    for start in range(0, len(tagged), BATCH):
        through.objects.bulk_create(tagged[start : start + BATCH])


def generate_milestones(rng, n):
    rows = []
    for pk, stage, sign in Project.objects.order_by("pk").values_list("pk", "stage", "planned_sign_date").iterator():
        reached = {Stage.STARTED: 2, Stage.PRODUCING: 7, Stage.AT_CAPACITY: 8}.get(stage, 0)
        for order, name in enumerate(NODES):
            planned = sign + timedelta(days=60 + 120 * order)
            rows.append(
                Milestone(
                    project_id=pk,
                    name=name,
                    order=order,
                    planned_date=planned,
                    actual_date=planned + timedelta(days=rng.randrange(-20, 40)) if order < reached else None,
                    responsible_unit="项目单位",
                )
            )
        if len(rows) >= 10 * BATCH:
            raw_bulk_create(Milestone, rows)
            rows = []
    raw_bulk_create(Milestone, rows)


def last_due_month(today):
    """The month the late-filers page asks about (services.late_filers)."""
    return late_filers(Project.objects.none(), today)[1]


def generate_reports(rng, n):
    """6–24 months per started project (24 for BENCH-DETAIL), ending with the last month due; the
    cumulative figures kept on the project as refresh_lights would."""
    last = last_due_month(date.today())
    started = [Stage.STARTED, Stage.PRODUCING, Stage.AT_CAPACITY]
    projects = Project.objects.filter(stage__in=started).order_by("pk").values_list("pk", "name", "total_investment")
    rows, totals, plans = [], {}, []
    for pk, name, total in projects.iterator():
        months = 24 if name == DETAIL_PROJECT else rng.randint(6, 24)
        late = name != DETAIL_PROJECT and rng.random() < 0.08
        cumulative = Decimal(0)
        monthly = total / 30
        for back in range(months - 1, -1 if not late else 0, -1):
            month = months_after(last, -back)
            investment = (monthly * Decimal(rng.uniform(0.5, 1.5))).quantize(Decimal("0.01"))
            cumulative += investment
            rows.append(
                ProgressReport(
                    project_id=pk,
                    month=month,
                    investment=investment,
                    cumulative_investment=cumulative,
                    physical_progress="主体施工，完成形象进度" + str(rng.randrange(10, 100)) + "%",
                    status=ReportStatus.SUBMITTED if back == 0 else ReportStatus.ACCEPTED,
                )
            )
        totals[pk] = cumulative
        for year in (last.year - 1, last.year):
            plans.append(YearPlan(project_id=pk, year=year, planned_investment=(monthly * 12).quantize(Decimal("1"))))
        if len(rows) >= 10 * BATCH:
            raw_bulk_create(ProgressReport, rows)
            rows = []
    raw_bulk_create(ProgressReport, rows)
    raw_bulk_create(YearPlan, plans)
    changed = list(Project.objects.filter(pk__in=list(totals)).only("pk"))
    for project in changed:
        project.cumulative_investment = totals[project.pk]
    models.QuerySet.bulk_update(Project.objects.all(), changed, ["cumulative_investment"], batch_size=BATCH)


def generate_campaign(rng, n):
    """`phases` phases from 2017 on, every ~2 months; each project listed in the first phase on or
    after its signing (SIGN), start (START) and production (PRODUCE) dates, with frozen copies."""
    count = n["phases"]
    step = max(1, (date.today() - timedelta(days=60) - FIRST_PHASE).days // count)
    phases = [
        Phase(
            number=i + 1,
            title=f"第{i + 1}期三个一批",
            date=FIRST_PHASE + timedelta(days=i * step),
            status=PhaseStatus.HELD,
        )
        for i in range(count)
    ]
    phases = raw_bulk_create(Phase, phases)
    dates = [p.date for p in phases]
    batches = [
        (Batch.SIGN, "actual_sign_date", Stage.SIGNED),
        (Batch.START, "actual_start_date", Stage.STARTED),
        (Batch.PRODUCE, "actual_production_date", Stage.PRODUCING),
    ]
    fields = ["pk", "region_id", "total_investment"] + [b[1] for b in batches]
    rows = []
    for values in Project.objects.order_by("pk").values_list(*fields).iterator():
        record = dict(zip(fields, values, strict=True))
        for batch, field, stage in batches:
            day = record[field]
            if day is None:
                continue
            index = bisect_left(dates, day)
            if index >= len(phases):
                continue
            rows.append(
                BatchEntry(
                    phase=phases[index],
                    project_id=record["pk"],
                    batch=batch,
                    total_investment=record["total_investment"],
                    planned_investment=(record["total_investment"] / 3).quantize(Decimal("1")),
                    stage=stage,
                    region_id=record["region_id"],
                )
            )
        if len(rows) >= 10 * BATCH:
            raw_bulk_create(BatchEntry, rows)
            rows = []
    raw_bulk_create(BatchEntry, rows)


# (name, function(rng, sizes)), run after data.STEPS in the same transaction.
STEPS = [
    ("enterprises", lambda rng, n: generate_enterprises(rng, n["enterprises"])),
    ("projects", generate_projects),
    ("milestones", generate_milestones),
    ("reports and year plans", generate_reports),
    ("campaign", generate_campaign),
]


def present():
    """Whether these steps ran: a database generated before them (contacts only) gains them on reuse."""
    return Project.objects.filter(name=DETAIL_PROJECT).exists()


def counts():
    return {
        "enterprises": Enterprise.objects.count(),
        "projects": Project.objects.count(),
        "milestones": Milestone.objects.count(),
        "progress reports": ProgressReport.objects.count(),
        "year plans": YearPlan.objects.count(),
        "phases": Phase.objects.count(),
        "batch entries": BatchEntry.objects.count(),
    }
