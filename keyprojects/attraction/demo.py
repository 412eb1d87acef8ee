"""Demo attraction data, deterministic (one seeded random) and idempotent (nothing is written
when the 食品 chain exists), laid out over the year before `today`:

- the Luohe food chain (食品) as a tree of links with its gaps (冷链物流 and 食品装备 to fill,
  预制菜 and 包装 to extend, 研发 to strengthen), two smaller chains, and goals per year;
- 42 六职 cadres (each county or district's 书记, 县区长, 副书记, 常务副职, 分管招商副职 and two
  leaders of its industrial clusters; the three city zones' leaders), a city 食品产业链招商专班,
  one 六职 team per unit, and each cadre's goals for the year; the account `zhaoshang` is 郾城区's
  deputy in charge of attraction;
- about 130 leads totalling about 1,400 亿元 across every state, with a year of visits, their
  timelines, trips reported and approved; 16 of them handed over into the demo's projects that
  signed in the last year, with monthly funds in place (省外/境外) after signing.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from keyprojects.core.access import Role
from keyprojects.core.context import acting
from keyprojects.enterprises.demo import credit_code
from keyprojects.enterprises.matching import name_key
from keyprojects.orgs.models import Membership, Region, User
from keyprojects.projects.choices import Stage
from keyprojects.projects.models import Project

from .choices import (
    OPEN_STATUSES,
    FundSource,
    Gap,
    LeadEventType,
    LeadStatus,
    Opinion,
    Post,
    Size,
    TeamKind,
    TripStatus,
    VisitKind,
)
from .models import (
    Cadre,
    Chain,
    ChainGoal,
    ChainLink,
    FundsInPlace,
    Lead,
    LeadEvent,
    TargetEnterprise,
    Team,
    Trip,
    Visit,
    YearGoal,
)

SEED = 1611
TOTAL_YI = 1400  # 六职 reported 129 prospective projects above 1,400 亿元
LEADS = 130
HANDED_OVER = 16
DEMO_PASSWORD = "luohe-demo-2024"
# (name, gap, industry codes, children)
FOOD = [
    ("原料基地", Gap.NONE, "A01 A03", [("优质小麦", Gap.NONE, "A011", []), ("生猪养殖", Gap.STRENGTHEN, "A031", [])]),
    (
        "食品加工",
        Gap.STRENGTHEN,
        "C13 C14",
        [
            ("肉制品加工", Gap.NONE, "C135", []),
            ("休闲食品", Gap.NONE, "C14", []),
            ("预制菜", Gap.EXTEND, "C1439", []),
            ("饮料", Gap.NONE, "C15", []),
        ],
    ),
    ("食品包装", Gap.EXTEND, "C223 C2927", []),
    ("冷链物流", Gap.FILL, "G595 G5951", []),
    ("食品装备", Gap.FILL, "C353", []),
    ("研发检测", Gap.STRENGTHEN, "M73 M745", []),
]
OTHER_CHAINS = [
    ("化工新材料", [("氟硅材料", Gap.STRENGTHEN, "C265"), ("铜基新材料", Gap.EXTEND, "C325")]),
    ("装备制造", [("智能装备", Gap.FILL, "C34"), ("汽车零部件", Gap.EXTEND, "C367")]),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏"
GIVEN = "建国志强海军丽娟文华明亮国庆晓峰永红振宇春生伟东秀英卫民子豪思远新民立群红梅宏伟玉兰德胜"
COUNTY_POSTS = [Post.SECRETARY, Post.HEAD, Post.DEPUTY_SECRETARY, Post.EXECUTIVE_DEPUTY, Post.ATTRACTION_DEPUTY]
ZONE_LEADERS = {"漯河经济技术开发区": 3, "城乡一体化示范区（西城区）": 2, "东城区": 2}
CITIES = ["上海", "深圳", "广州", "杭州", "苏州", "南京", "北京", "青岛", "厦门", "成都", "武汉", "天津", "宁波"]
ABROAD = ["新加坡", "泰国曼谷", "中国香港", "日本东京", "德国汉堡"]
COMPANY_WORDS = {
    "原料基地": ["农牧", "粮油", "种业", "生态农业"],
    "优质小麦": ["面粉", "粮谷", "麦业"],
    "生猪养殖": ["牧业", "养殖", "畜牧"],
    "食品加工": ["食品", "食品科技", "餐饮食品"],
    "肉制品加工": ["肉业", "肉食品", "火腿"],
    "休闲食品": ["休闲食品", "烘焙", "糖果"],
    "预制菜": ["预制菜", "中央厨房", "餐饮供应链"],
    "饮料": ["饮品", "乳业", "饮料"],
    "食品包装": ["包装", "包装材料", "印务"],
    "冷链物流": ["冷链物流", "冷链科技", "供应链"],
    "食品装备": ["食品机械", "智能装备", "装备制造"],
    "研发检测": ["检测技术", "生物科技", "营养研究"],
    "氟硅材料": ["氟硅材料", "新材料"],
    "铜基新材料": ["铜业", "金属材料"],
    "智能装备": ["智能科技", "机器人"],
    "汽车零部件": ["汽车部件", "精密制造"],
}
# Made-up trade names: the demo's target companies are fictitious.
PREFIXES = (
    "华信 恒昌 嘉禾 金穗 瑞丰 丰源 鼎盛 鸿达 宏泰 盛世 天润 万家 鑫源 永盛 裕丰 中盛 佳宝 康源 润泽 优品 "
    "新禾 禾润 福临 安鲜 冷达 鲜道 速冷 冰川 智机 精工 博研 谷丰 麦香 味源 鲜厨 优膳 品之道 乐享 好食 青禾"
).split()
PDF = b"%PDF-1.4\n% demo agreement\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _name(rng, taken):
    while True:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN[::2] + GIVEN[1::2]) + rng.choice(GIVEN)
        if name not in taken:
            taken.add(name)
            return name


def _chains():
    food = Chain.objects.create(
        name="食品", order=1, description="漯河市主导产业链：从原料基地到研发检测，补链、延链、强链。"
    )
    links = []

    def add(chain, parent, items):
        for order, item in enumerate(items):
            name, gap, codes, children = item if len(item) == 4 else (*item, [])
            link = ChainLink.objects.create(
                chain=chain, parent=parent, name=name, gap=gap, industry_codes=codes, order=order
            )
            links.append(link)
            add(chain, link, children)

    add(food, None, FOOD)
    for order, (name, items) in enumerate(OTHER_CHAINS, 2):
        chain = Chain.objects.create(name=name, order=order)
        add(chain, None, items)
    year = timezone.localdate().year
    ChainGoal.objects.create(chain=food, year=year, leads=100, signings=30, investment=Decimal(4_000_000))
    ChainGoal.objects.create(chain=food, year=year - 1, leads=90, signings=26, investment=Decimal(3_500_000))
    return links


def _cadres(rng, today):
    city = Region.objects.get(code="411100")
    units = list(Region.objects.filter(parent=city).order_by("pk"))
    taken: set = set()
    cadres = []
    number = 0

    def user(name, username=None):
        nonlocal number
        number += 1
        username = username or f"zs{number:03d}"
        account = User.objects.filter(username=username).first()
        if account is None:
            if username == "zhaoshang":
                account = User.objects.create_user(username, password=DEMO_PASSWORD, first_name=name)
            else:
                account = User.objects.create_user(username, first_name=name)  # a name until given an account
        Membership.objects.get_or_create(user=account, role=Role.ATTRACTION)
        return account

    for unit in units:
        team = Team.objects.create(name=f"{unit.name}六职招商队伍", kind=TeamKind.SIX_POSTS, region=unit)
        if unit.name in ZONE_LEADERS:
            posts = [Post.ZONE_LEADER] * ZONE_LEADERS[unit.name]
        else:
            posts = [*COUNTY_POSTS, Post.ZONE_LEADER, Post.ZONE_LEADER]
        for post in posts:
            login = "zhaoshang" if unit.name == "郾城区" and post == Post.ATTRACTION_DEPUTY else None
            cadres.append(Cadre(user=user(_name(rng, taken), login), post=post, region=unit, team=team))
    force = Team.objects.create(name="食品产业链招商专班", kind=TeamKind.TASK_FORCE, region=city)
    for _i in range(4):
        cadres.append(Cadre(user=user(_name(rng, taken)), post=Post.TASK_FORCE, region=city, team=force))
    Cadre.objects.bulk_create(cadres)
    cadres = list(Cadre.objects.select_related("region", "team", "user").order_by("pk"))
    goals = []
    for cadre in cadres:
        six = cadre.post != Post.TASK_FORCE
        goals.append(
            YearGoal(
                cadre=cadre,
                year=today.year,
                leads=rng.randint(3, 5) if six else 8,
                visits=rng.randint(12, 24) if six else 40,
                signings=1 if six else 3,
                investment=Decimal(rng.randint(5, 20) * 10_000 if six else 600_000),
                funds=Decimal(rng.randint(2, 8) * 10_000 if six else 150_000),
            )
        )
    YearGoal.objects.bulk_create(goals)
    return cadres


def _amounts(rng):
    """~130 intended investments in 万元 summing to about 1,400 亿元: a few 百亿级, most 1–20 亿."""
    raw = [rng.lognormvariate(2.0, 0.9) for _ in range(LEADS)]
    scale = TOTAL_YI / sum(raw)
    return [Decimal(max(1, round(value * scale, 1)) * 10_000).quantize(Decimal("0.01")) for value in raw]


# status, how many (the rest of the 130 are spread by the random draw below)
STATUS_SHARES = [
    (LeadStatus.FOUND, 18),
    (LeadStatus.CONTACTED, 16),
    (LeadStatus.VISITED, 22),
    (LeadStatus.NEGOTIATING, 26),
    (LeadStatus.EVALUATED, 14),
    (LeadStatus.SIGNED, 8),
    (LeadStatus.HANDED_OVER, HANDED_OVER),
    (LeadStatus.DROPPED, 10),
]
NEXT_STEPS = [
    "电话联系企业负责人",
    "安排上门拜访",
    "邀请企业来漯考察",
    "提交项目预估评审",
    "商定协议条款",
    "准备签约仪式",
]
REASONS = ["企业投资方向调整", "选址转向其他城市", "用地指标无法满足", "企业资金链紧张", "能耗指标不足"]
OPENERS = ["商会推介", "产业链图谱研判", "以商招商", "展会对接", "驻外招商联络处", "龙头企业配套需求"]


def _day(rng, start, end):
    if end <= start:
        return start
    return start + timedelta(days=rng.randint(0, (end - start).days))


@transaction.atomic
def seed_attraction(stdout=None, *, today=None):
    today = today or timezone.localdate()
    if Chain.objects.filter(name="食品").exists():
        if stdout:
            stdout.write(f"Demo attraction: already there, nothing created ({Lead.objects.count()} leads).")
        return {}
    rng = random.Random(SEED)
    with acting(None, "seed_demo"):
        links = _chains()
        food_links = [link for link in links if link.chain.name == "食品"]
        cadres = _cadres(rng, today)
        six = [c for c in cadres if c.post != Post.TASK_FORCE]
        city = Region.objects.get(code="411100")
        signed_projects = list(
            Project.objects.filter(
                stage__in=[Stage.SIGNED, Stage.STARTED],
                actual_sign_date__gte=today - timedelta(days=365),
                total_investment__gt=0,
                archived_at__isnull=True,
            )
            .exclude(region=city)
            .select_related("owner", "region")
            .order_by("-actual_sign_date", "pk")[:HANDED_OVER]
        )
        statuses = [s for s, n in STATUS_SHARES for _ in range(n)]
        statuses += [LeadStatus.NEGOTIATING] * (LEADS - len(statuses))
        handed = [s for s in statuses if s == LeadStatus.HANDED_OVER]
        if len(signed_projects) < len(handed):  # a demo without enough recent signings: sign the rest
            statuses = [LeadStatus.SIGNED if s == LeadStatus.HANDED_OVER else s for s in statuses]
            statuses[: len(signed_projects)] = [LeadStatus.HANDED_OVER] * len(signed_projects)
        rng.shuffle(statuses)
        amounts = _amounts(rng)
        codes = set(TargetEnterprise.objects.values_list("credit_code", flat=True))
        targets, leads, plans = [], [], []
        projects = iter(signed_projects)
        names = set()
        for i, status in enumerate(statuses):
            project = next(projects) if status == LeadStatus.HANDED_OVER else None
            link = rng.choice(food_links if rng.random() < 0.8 else links)
            if project is not None:
                company = project.owner.name if project.owner else f"{project.name}投资方"
                region = project.region
                owner = rng.choice([c for c in six if c.region_id == region.pk] or six)
                # the link the project's industry code sits on (C1351 → 肉制品加工), else none
                on = [k for k in links if any(project.industry_code.startswith(code) for code in k.codes)]
                link = max(on, key=lambda k: max(len(c) for c in k.codes)) if on else None
                investment = project.total_investment
            else:
                words = COMPANY_WORDS.get(link.name, ["实业"])
                company = ""
                while not company or company in names:
                    company = f"{rng.choice(CITIES + ABROAD[:2])}{rng.choice(PREFIXES)}{rng.choice(words)}有限公司"
                owner = rng.choice(six if rng.random() < 0.85 else cadres)
                region = owner.region if owner.region_id != city.pk else rng.choice([c.region for c in six])
                investment = amounts[i]
            names.add(company)
            abroad = any(company.startswith(place) for place in ABROAD)
            code = None
            if not abroad and rng.random() < 0.7:
                code = credit_code(rng, "310000")
                while code in codes:
                    code = credit_code(rng, "310000")
                codes.add(code)
            target = TargetEnterprise(
                name=company,
                name_key=name_key(company),
                credit_code=code,
                headquarters=company[:2] if not project else (project.owner.region.name if project.owner else ""),
                industry=project.industry_code if project else (link.codes or [""])[0][:5],
                link=link,
                size=rng.choice([Size.LARGE, Size.LARGE, Size.MEDIUM, Size.SMALL]),
                listed=rng.random() < 0.3,
                source=rng.choice(OPENERS),
                enterprise=project.owner if project else None,
            )
            targets.append(target)
            signed_on = project.actual_sign_date if project else None
            latest = (signed_on or today) - timedelta(days=30)
            found_on = _day(rng, max(today - timedelta(days=365), latest - timedelta(days=300)), latest)
            plans.append((status, project, found_on, signed_on))
            leads.append(
                Lead(
                    name=project.name if project else f"{company.replace('有限公司', '')}{link.name}项目",
                    link=link,
                    region=region,
                    owner=owner,
                    team=owner.team,
                    status=status,
                    found_on=found_on,
                    investment=investment,
                    last_activity_on=found_on,
                    project=project,
                )
            )
        TargetEnterprise.objects.bulk_create(targets)
        for lead, target in zip(leads, targets, strict=True):
            lead.target = target
        counts = _histories(rng, today, leads, plans)
    if stdout:
        stdout.write("Demo attraction: " + ", ".join(f"{n} {name}" for name, n in counts.items()) + ".")
    return counts


def _histories(rng, today, leads, plans):
    """Each lead's path to its state: contact, visits, negotiation, evaluation, signing, hand-over
    or drop, as visits and timeline events on their days; then trips and funds in place."""
    order = list(LeadStatus)
    events, visits, trips = [], [], []
    stale = 0
    for lead, (status, project, found_on, signed_on) in zip(leads, plans, strict=True):
        reached = order.index(status) if status != LeadStatus.DROPPED else rng.randint(1, 4)
        end = signed_on or today
        # stale leads: a few open ones whose last step is long ago
        quiet = status in (LeadStatus.FOUND, LeadStatus.CONTACTED, LeadStatus.VISITED) and rng.random() < 0.3
        horizon = min(end, found_on + timedelta(days=40)) if quiet else end
        days = sorted(_day(rng, found_on, horizon) for _ in range(8))
        open_ = status in OPEN_STATUSES and not quiet
        if open_ and reached < 2:  # a recent find or first contact: within the last two weeks
            recent = _day(rng, max(found_on, today - timedelta(days=12)), today)
            if reached == 0:
                found_on = lead.found_on = recent
            days[0] = recent
        history = [(found_on, LeadEventType.FOUND, {})]
        if reached >= 1:
            history.append((days[0], LeadEventType.CONTACTED, {}))
        if reached >= 2:
            for day in sorted(set(days[1 : 1 + rng.randint(1, 4)])):
                kind = rng.choice([VisitKind.OUTGOING, VisitKind.OUTGOING, VisitKind.INCOMING])
                people = f"{lead.owner.user.first_name}、{lead.target.name[:4]}负责人"
                visits.append(
                    Visit(
                        lead=lead, kind=kind, date=day, people=people, cadre=lead.owner, notes="介绍项目需求与落地条件"
                    )
                )
                history.append((day, LeadEventType.VISIT, {"date": str(day), "people": people, "kind": kind}))
        if reached >= 3:
            history.append((days[5], LeadEventType.NEGOTIATING, {"date": str(days[5])}))
        if open_ and reached >= 2:  # followed up lately: a visit in the last two weeks
            day = _day(rng, max(days[6], today - timedelta(days=12)), today)
            people = f"{lead.owner.user.first_name}、{lead.target.name[:4]}负责人"
            visits.append(
                Visit(
                    lead=lead, kind=VisitKind.INCOMING, date=day, people=people, cadre=lead.owner, notes="跟进项目进展"
                )
            )
            history.append((day, LeadEventType.VISIT, {"date": str(day), "people": people, "kind": VisitKind.INCOMING}))
        if status in OPEN_STATUSES:
            lead.next_step = NEXT_STEPS[min(reached, len(NEXT_STEPS) - 1)]
            lead.next_step_on = today + timedelta(days=rng.randint(3, 30))
        if reached >= 4:
            lead.evaluated_on = days[6]
            lead.score = rng.randint(62, 95)
            lead.opinion = Opinion.RECOMMEND if lead.score >= 75 else Opinion.CONDITIONAL
            lead.land_mu = Decimal(rng.randint(30, 600))
            lead.energy_tce = Decimal(rng.randint(500, 30000))
            lead.tax_per_mu = Decimal(rng.randint(15, 60))
            lead.output = (lead.investment * Decimal(rng.choice(["1.2", "1.5", "2"]))).quantize(Decimal("0.01"))
            lead.jobs = rng.randint(80, 2000)
            history.append(
                (days[6], LeadEventType.EVALUATED, {"date": str(days[6]), "score": lead.score, "opinion": lead.opinion})
            )
        if reached >= 5 and status != LeadStatus.DROPPED:
            lead.signed_on = signed_on or days[7]
            lead.contracted_investment = lead.investment
            lead.agreement.save(f"demo-agreement-{lead.target.name_key[:20]}.pdf", ContentFile(PDF), save=False)
            history.append((lead.signed_on, LeadEventType.SIGNED, {"date": str(lead.signed_on)}))
        if status == LeadStatus.HANDED_OVER:
            history.append(
                (lead.signed_on, LeadEventType.HANDED_OVER, {"project": project.name, "project_id": project.pk})
            )
        if status == LeadStatus.DROPPED:
            lead.drop_reason = rng.choice(REASONS)
            history.append((days[7], LeadEventType.DROPPED, {"reason": lead.drop_reason}))
        lead.last_activity_on = max(day for day, _t, _d in history)
        stale += quiet
        lead._history = history
    Lead.objects.bulk_create(leads)
    for lead in leads:
        for day, type_, data in lead._history:
            events.append(LeadEvent(lead=lead, type=type_, data=data, actor=lead.owner.user, time=_at(day)))
    times = [event.time for event in events]  # bulk_create stamps them now (auto_now_add)
    created = LeadEvent.objects.bulk_create(events)
    for event, time_ in zip(created, times, strict=True):
        event.time = time_
    LeadEvent.objects.bulk_update(created, ["time"], batch_size=500)
    for visit in visits:
        visit.lead_id = visit.lead.pk
    Visit.objects.bulk_create(visits)
    trips = _trips(rng, today, leads)
    funds = _funds(rng, today, leads)
    return {
        "chains": Chain.objects.count(),
        "cadres": Cadre.objects.count(),
        "leads": len(leads),
        "investment (亿元)": int(sum(lead.investment for lead in leads) / 10_000),
        "stale-looking leads": stale,
        "visits": len(visits),
        "events": len(events),
        "trips": trips,
        "funds rows": funds,
    }


def _at(day):
    from datetime import datetime, time

    return timezone.make_aware(datetime.combine(day, time(10)))


def _trips(rng, today, leads):
    """A year of trips: the visits of a third of the leads were made on a reported trip."""
    outgoing = list(Visit.objects.filter(kind=VisitKind.OUTGOING).select_related("lead__owner__region", "lead__target"))
    rng.shuffle(outgoing)
    trips = []
    for visit in outgoing[: len(outgoing) // 3]:
        cadre = visit.lead.owner
        start = visit.date - timedelta(days=rng.randint(0, 1))
        late = rng.random() < 0.08
        reported_on = start + timedelta(days=1) if late else start - timedelta(days=rng.randint(2, 7))
        trips.append(
            Trip(
                cadre=cadre,
                region=cadre.region,
                destination=visit.lead.target.headquarters or "上海",
                whom=visit.lead.target.name,
                purpose=f"洽谈{visit.lead.name}",
                start_on=start,
                end_on=start + timedelta(days=rng.randint(1, 3)),
                reported_on=min(reported_on, today),
                late_reason="企业临时约见，事后补报" if late else "",
                status=TripStatus.DONE if start < today - timedelta(days=7) else TripStatus.APPROVED,
                outcome="拜访企业高层，推进项目落地" if start < today - timedelta(days=7) else "",
                decision_note="同意",
            )
        )
        trips[-1]._visit = visit
    # this week's and next week's trips, reported and waiting
    six = list(Cadre.objects.exclude(post=Post.TASK_FORCE).select_related("region")[:12])
    for i, cadre in enumerate(six[:6]):
        start = today + timedelta(days=i % 5)
        trips.append(
            Trip(
                cadre=cadre,
                region=cadre.region,
                destination=rng.choice(CITIES),
                whom=f"{rng.choice(PREFIXES)}集团",
                purpose="产业链招商对接",
                start_on=start,
                end_on=start + timedelta(days=2),
                reported_on=today - timedelta(days=1),
                status=TripStatus.APPROVED if i % 2 else TripStatus.REPORTED,
            )
        )
    Trip.objects.bulk_create(trips)
    linked = [t._visit for t in trips if hasattr(t, "_visit")]
    for trip in trips:
        if hasattr(trip, "_visit"):
            trip._visit.trip_id = trip.pk
    Visit.objects.bulk_update(linked, ["trip"], batch_size=500)
    return len(trips)


def _funds(rng, today, leads):
    """Funds in place each month after signing for the handed-over projects, within the contract."""
    rows = []
    for lead in leads:
        if lead.project_id is None:
            continue
        month = (lead.signed_on.replace(day=1) + timedelta(days=32)).replace(day=1)
        left = lead.contracted_investment * Decimal("0.6")
        while month <= today and left > 0:
            amount = min(
                left, (lead.contracted_investment * Decimal(rng.randint(3, 10)) / 100).quantize(Decimal("0.01"))
            )
            source = FundSource.FOREIGN if rng.random() < 0.15 else FundSource.OUT_OF_PROVINCE
            rows.append(FundsInPlace(project_id=lead.project_id, month=month, source=source, amount=amount))
            left -= amount
            month = (month + timedelta(days=32)).replace(day=1)
    FundsInPlace.objects.bulk_create(rows)
    return len(rows)
