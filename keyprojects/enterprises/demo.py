"""Demo enterprises: about 120 Luohe-like companies with valid 统一社会信用代码, spread over the
regions, deterministic (a seeded random) and idempotent (matched on the credit code)."""

import random

from keyprojects.core.context import acting
from keyprojects.orgs.models import Region, User

from .models import Enterprise
from .validators import CREDIT_CODE_ALPHABET, credit_code_check_character

COUNT = 120
# Well-known Luohe names first; the rest are made from a trade name and a line of business.
KNOWN = [
    ("漯河双汇实业集团有限责任公司", "C1353", "源汇区"),
    ("河南双汇投资发展股份有限公司", "C1353", "源汇区"),
    ("漯河市卫龙商贸有限公司", "F5122", "漯河经济技术开发区"),
    ("漯河卫来食品科技有限公司", "C1499", "漯河经济技术开发区"),
    ("河南三剑客农业股份有限公司", "C1441", "郾城区"),
    ("漯河银鸽实业集团有限公司", "C2221", "召陵区"),
    ("河南省南街村(集团)有限公司", "C1431", "临颍县"),
    ("漯河市平平食品有限责任公司", "C1499", "漯河经济技术开发区"),
    ("漯河市喜盈盈食品有限公司", "C1419", "源汇区"),
    ("河南中大恒源生物科技股份有限公司", "C1495", "召陵区"),
    ("漯河利通液压科技股份有限公司", "C3444", "城乡一体化示范区（西城区）"),
    ("舞阳县华丰实业有限公司", "C3130", "舞阳县"),
]
TRADE_NAMES = (
    "汇通 沙澧 颍河 嘉禾 金誉 恒瑞 裕丰 天源 鼎盛 华锐 中原 丰硕 "
    "福源 盛隆 宏达 瑞祥 佳美 润泽 康源 鑫泰 博远 御膳 贾湖 许慎 "
    "澧河 龙腾 万家 正大 聚鑫 同兴 晨光 益民 绿源 德丰 泰和 兴业"
).split()
# line of business -> GB/T 4754-2017 code
BUSINESSES = [
    ("食品有限公司", "C1499"),
    ("肉制品有限公司", "C1353"),
    ("面业有限公司", "C1311"),
    ("饮料有限公司", "C1529"),
    ("调味品有限公司", "C1469"),
    ("生物科技有限公司", "C2761"),
    ("包装材料有限公司", "C2231"),
    ("机械制造有限公司", "C3434"),
    ("新能源科技有限公司", "D4416"),
    ("冷链物流有限公司", "G5951"),
    ("电子科技有限公司", "C3982"),
    ("建筑工程有限公司", "E4790"),
    ("纺织有限公司", "C1712"),
    ("医药有限公司", "C2720"),
]
PLACES = {"源汇区": "漯河", "郾城区": "漯河", "召陵区": "漯河", "舞阳县": "舞阳县", "临颍县": "临颍县"}
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_code(rng):
    """A 9-character organisation code (GB 11714) with its own check character; new
    registrations start with MA."""
    body = "MA" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(6))
    total = sum(int(c, 36) * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def credit_code(rng, region_code):
    """9 (registered by market regulation) 1 (enterprise), the region, the organisation code,
    and the GB 32100-2015 check character."""
    body = f"91{region_code}{organisation_code(rng)}"
    assert all(c in CREDIT_CODE_ALPHABET for c in body)
    return body + credit_code_check_character(body)


def demo_enterprises():
    """(name, credit code, region name, industry) for every demo enterprise, the same each run."""
    rng = random.Random(411100)
    city = Region.objects.get(code="411100")
    regions = list(Region.objects.filter(parent=city).order_by("pk"))
    by_name = {r.name: r for r in regions}
    rows, names, codes = [], set(), set()

    def add(name, industry, region):
        code = credit_code(rng, region.code or city.code)  # functional zones register with the city
        while code in codes:
            code = credit_code(rng, region.code or city.code)
        names.add(name)
        codes.add(code)
        rows.append((name, code, region, industry))

    for name, industry, region in KNOWN:
        add(name, industry, by_name[region])
    while len(rows) < COUNT:
        region = rng.choice(regions)
        trade = rng.choice(TRADE_NAMES)
        business, industry = rng.choice(BUSINESSES)
        name = f"{PLACES.get(region.name, '漯河')}{trade}{business}"
        if name not in names:
            add(name, industry, region)
    return rows


def seed_enterprises(stdout=None):
    people = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗"
    given = ["建国", "红军", "志强", "海涛", "丽娟", "国庆", "晓东", "春燕", "永刚", "明辉", "秀英", "伟"]
    rng = random.Random(2024)
    created = 0
    with acting(None, "seed_demo"):
        for name, code, region, industry in demo_enterprises():
            legal = rng.choice(people) + rng.choice(given)
            contact = rng.choice(people) + rng.choice(given)
            phone = f"139{rng.randrange(10**8):08d}"
            _enterprise, new = Enterprise.objects.get_or_create(
                credit_code=code,
                defaults={
                    "name": name,
                    "region": region,
                    "industry": industry,
                    "legal_representative": legal,
                    "contact_name": contact,
                    "contact_phone": phone,
                },
            )
            created += new
        user = User.objects.filter(username="enterprise").first()
        if user is not None and not user.enterprises.exists():
            Enterprise.objects.get(name="漯河市卫龙商贸有限公司").users.add(user)
    if stdout:
        stdout.write(f"Demo enterprises: {created} created, {Enterprise.objects.count()} in all.")
