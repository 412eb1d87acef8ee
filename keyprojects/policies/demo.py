"""Demo policies modelled on Luohe and Henan 惠企 policies, and facts for the demo enterprises
(a seeded random, so every run is the same; idempotent): some enterprises sit exactly at a
threshold (有歧义), some lack a figure (数据不足), so every answer shows."""

import random
from datetime import date
from decimal import Decimal

from keyprojects.core.access import Role
from keyprojects.core.context import acting
from keyprojects.enterprises.models import Enterprise, EnterpriseFact
from keyprojects.orgs.models import Department, Membership, Region, User

from . import services
from .models import Policy

YEAR = 2024
AS_OF = date(2025, 6, 30)
SOURCES = {
    "revenue": "漯河市税务局",
    "prior_max_revenue": "漯河市税务局",
    "tax_paid": "漯河市税务局",
    "rd_expense": "漯河市税务局",
    "employees": "漯河市统计局",
    "electricity": "国网漯河供电公司",
    "high_tech": "漯河市科学技术局",
    "innovative_sme": "漯河市工业和信息化局",
    "specialised": "漯河市工业和信息化局",
    "little_giant": "漯河市工业和信息化局",
    "above_scale": "漯河市统计局",
    "blacklisted": "漯河市发展和改革委员会",
}

# (code, name, mode, condition, formula, cap in 元, budget in 元)
ITEMS = [
    (
        "A1",
        "营业收入首次突破2亿元奖励",
        "automatic",
        "营业收入 突破 2亿元 [有歧义] 且 以前年度最高营业收入 不满 2亿元 且 已认定 规上企业",
        "20万元",
        None,
        600_000,
    ),
    (
        "A2",
        "营业收入首次跨越台阶奖励",
        "automatic",
        "已认定 规上企业",
        "首次阶梯就高(营业收入, 以前年度最高营业收入; 5亿元以上: 30万元; 10亿元以上: 50万元; 50亿元以上: 100万元) [有歧义]",  # noqa: E501
        None,
        3_000_000,
    ),
    (
        "A3",
        "专精特新梯度培育奖励",
        "automatic",
        "已认定 创新型中小企业 或 已认定 专精特新 或 已认定 小巨人",
        "如果(已认定 小巨人, 100万元, 如果(已认定 专精特新, 20万元, 5万元))",
        None,
        5_000_000,
    ),
    (
        "A4",
        "研发费用补助",
        "automatic",
        "已认定 高新技术企业 且 研发费用 300万元以上",
        "较小值(比例(10%, 研发费用), 100万元)",
        1_000_000,
        8_000_000,
    ),
    (
        "A5",
        "满负荷生产奖励",
        "automatic",
        "已认定 规上企业 且 用电量 超过 用电量(上年) 且 用电量 500万千瓦时以上",
        "如果(用电量 2000万千瓦时以上, 20万元, 10万元)",
        None,
        2_000_000,
    ),
    (
        "A6",
        "高新技术企业首次认定奖励",
        "instant",
        "高新技术企业 2024年1月1日以后 且 高新技术企业 2024年12月31日以前",
        "20万元",
        None,
        2_000_000,
    ),
    (
        "A8",
        "季度满负荷生产奖励",
        "automatic",
        "已认定 规上企业 且 用电量(上一季度) 超过 用电量(上年同季度) 且 用电量(最近四个季度合计) 500万千瓦时以上",
        "5万元",
        None,
        1_000_000,
    ),
    (
        "A7",
        "稳岗扩岗补贴",
        "apply",
        "已认定 规上企业 且 从业人员 介于 50人(含) 至 1000人(含)",
        "每人(500元, 从业人员)",
        300_000,
        3_000_000,
    ),
]

POLICY = {
    "number": "漯政〔2024〕12号",
    "title": "漯河市促进工业经济稳增长的若干政策措施",
    "issuer": "漯河市人民政府",
    "published": date(2024, 3, 15),
    "valid_from": date(2024, 1, 1),
    "valid_to": date(2026, 12, 31),
    "year": YEAR,
    "as_of": AS_OF,
    "text": (
        "第一条 对营业收入首次突破2亿元的规上工业企业，一次性奖励20万元。\n"
        "第二条 对营业收入首次跨越5亿元、10亿元、50亿元台阶的规上工业企业，分别奖励30万元、50万元、100万元，就高不重复。\n"  # noqa: E501
        "第三条 对认定的创新型中小企业、省级专精特新中小企业、国家级专精特新“小巨人”企业，分别奖励5万元、20万元、100万元，就高不重复。\n"  # noqa: E501
        "第四条 对研发费用300万元以上的高新技术企业，按研发费用的10%给予补助，最高100万元。\n"
        "第五条 对用电量同比增长且超过500万千瓦时的规上工业企业，给予满负荷生产奖励10万元；超过2000万千瓦时的奖励20万元。\n"  # noqa: E501
        "第六条 对2024年首次认定的高新技术企业，奖励20万元。\n"
        "第七条 对从业人员50人至1000人的规上企业，按每人500元给予稳岗扩岗补贴，最高30万元。\n"
        "第八条 对上一季度用电量同比增长、最近四个季度用电量合计500万千瓦时以上的规上工业企业，给予季度满负荷生产奖励5万元。\n"  # noqa: E501
        "第九条 同一企业享受本措施奖励累计不超过200万元。"
    ),
    "interpretation": (
        "本措施实行“免申即享”：市工信局会同税务、统计、供电、科技部门，依据企业已报送的数据自动匹配，"
        "经审核后推送企业确认，无需申报。“突破2亿元”恰好等于2亿元、一年内跨越两个台阶的情形，按有歧义提交审核人决定。"
    ),
    "total_cap_fen": 200 * 1_000_000,
}


def _facts_for(rng, enterprise, index):
    """One demo enterprise's facts: log-normal revenue, titles for some, gaps for a few."""
    revenue = int(rng.lognormvariate(9.6, 1.3) * 100) * 100  # 万元 → stored below as 万元 Decimal
    revenue_wan = Decimal(revenue) / 100
    facts = {}
    special = index % 40
    if special == 0:
        revenue_wan, prior = Decimal(20000), Decimal(15000)  # exactly 2亿: 有歧义
    elif special == 1:
        revenue_wan, prior = Decimal(62000), Decimal(40000)  # first crosses 5亿
    elif special == 2:
        revenue_wan, prior = Decimal(120000), Decimal(45000)  # crosses 5亿 and 10亿 in one year: 有歧义
    else:
        prior = (revenue_wan * Decimal(rng.uniform(0.7, 1.2))).quantize(Decimal("0.01"))
    if special != 3:  # one in forty has no revenue on file: 数据不足
        facts[("revenue", YEAR)] = revenue_wan
        facts[("revenue", YEAR - 1)] = (revenue_wan * Decimal(rng.uniform(0.8, 1.1))).quantize(Decimal("0.01"))
    facts[("prior_max_revenue", YEAR)] = prior
    facts[("tax_paid", YEAR)] = (revenue_wan * Decimal("0.04")).quantize(Decimal("0.01"))
    facts[("rd_expense", YEAR)] = (revenue_wan * Decimal(rng.uniform(0.01, 0.06))).quantize(Decimal("0.01"))
    facts[("employees", YEAR)] = Decimal(max(8, int(revenue_wan / 60 * Decimal(rng.uniform(0.6, 1.4)))))
    kwh = int(revenue_wan * Decimal(rng.uniform(20, 80)))
    facts[("electricity", YEAR)] = Decimal(kwh)
    facts[("electricity", YEAR - 1)] = Decimal(int(kwh * rng.uniform(0.85, 1.1)))
    titles = {}
    if revenue_wan >= 2000 or special in (0, 1, 2):
        titles["above_scale"] = date(2019, 12, 31)
    roll = rng.random()
    if roll < 0.25:
        titles["high_tech"] = date(2024, rng.randint(1, 12), 15) if rng.random() < 0.4 else date(2021, 11, 20)
    if roll < 0.35:
        titles["innovative_sme"] = date(2023, 6, 1)
    if roll < 0.15:
        titles["specialised"] = date(2023, 12, 20)
    if roll < 0.03:
        titles["little_giant"] = date(2024, 7, 10)
    if index % 53 == 7:
        titles["blacklisted"] = None
    return facts, titles


def _quarterly_electricity():
    """Quarterly electricity (2024Q1–2025Q2) around each enterprise's yearly figure: the second
    quarter of 2025 up or down on a year before; one in thirty-seven lacks 2025Q1 (数据不足)."""
    rng = random.Random(1414)
    yearly = EnterpriseFact.objects.filter(field="electricity", year=YEAR, quarter=0).order_by("enterprise_id")
    rows = []
    for index, (enterprise_id, kwh) in enumerate(yearly.values_list("enterprise_id", "number")):
        base = kwh / 4
        for year, quarter in [(2024, 1), (2024, 2), (2024, 3), (2024, 4), (2025, 1), (2025, 2)]:
            if index % 37 == 4 and (year, quarter) == (2025, 1):
                continue
            growth = Decimal(rng.uniform(0.85, 1.25)) if year == 2025 else Decimal(rng.uniform(0.9, 1.1))
            rows.append(
                EnterpriseFact(
                    enterprise_id=enterprise_id,
                    field="electricity",
                    period="quarter",
                    year=year,
                    quarter=quarter,
                    number=int(base * growth),
                    source=SOURCES["electricity"],
                    as_of=date(2025, 7, 10),
                )  # fmt: skip
            )
    return rows


def seed_policies(stdout=None):
    with acting(None, "seed_demo"):
        city = Region.objects.get(code="411100")
        department = Department.objects.filter(name="漯河市工业和信息化局").first()
        if department is None:
            return
        user, _new = User.objects.get_or_create(username="gongxin", defaults={"first_name": "工信局政策专员"})
        if _new:
            from keyprojects.orgs.demo import DEMO_PASSWORD

            user.set_password(DEMO_PASSWORD)
            user.save()
        Membership.objects.get_or_create(user=user, role=Role.DEPARTMENT_STAFF, department=department)
        enterprises = list(Enterprise.objects.filter(archived_at__isnull=True).order_by("pk"))
        if not EnterpriseFact.objects.exists():
            rng = random.Random(14)
            rows = []
            for index, enterprise in enumerate(enterprises):
                facts, titles = _facts_for(rng, enterprise, index)
                for (field, year), number in facts.items():
                    as_of = date(year + 1, 3, 31) if field != "electricity" else date(year + 1, 1, 10)
                    if index % 29 == 5 and field == "rd_expense":
                        as_of = date(2023, 3, 31)  # an old figure: stale, 数据不足
                    rows.append(
                        EnterpriseFact(
                            enterprise=enterprise,
                            field=field,
                            year=year,
                            number=number,
                            source=SOURCES[field],
                            as_of=as_of,
                        )  # fmt: skip
                    )
                for field, day in titles.items():
                    rows.append(
                        EnterpriseFact(
                            enterprise=enterprise,
                            field=field,
                            year=YEAR,
                            day=day,
                            number=Decimal(1) if day is None else None,
                            source=SOURCES[field],
                            as_of=date(2024, 12, 31),
                        )
                    )
            EnterpriseFact.objects.bulk_create(rows, batch_size=2000)
        if not EnterpriseFact.objects.filter(quarter__gt=0).exists():
            EnterpriseFact.objects.bulk_create(_quarterly_electricity(), batch_size=2000)
        own = Enterprise.objects.filter(name="漯河市卫龙商贸有限公司").first()
        if own is not None and not own.bank_account:
            own.bank_name, own.bank_account = "中国工商银行漯河分行", "1711 0200 0920 0123 456"
            own.save()
        policy = Policy.objects.filter(number=POLICY["number"]).first()
        if policy is None:
            policy = Policy.objects.create(department=department, region=city, **POLICY)
        have = set(policy.items.values_list("code", flat=True))
        if have >= {item[0] for item in ITEMS}:
            return
        for order, (code, name, mode, condition, formula, cap, budget) in enumerate(ITEMS, start=1):
            if code in have:
                continue  # a demo database from before this item: only the new ones are added
            services.save_item(
                policy,
                by=None,
                code=code,
                name=name,
                mode=mode,
                condition_text=condition,
                formula_text=formula,
                cap_fen=None if cap is None else cap * 100,
                budget_fen=budget * 100,
                valid_from=date(2024, 1, 1),
                order=order,
            )
        services.run_policy(policy, by=None)
