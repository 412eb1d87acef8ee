"""Demo projects: 880 Luohe-like projects over the eight regions, owned by the demo enterprises,
and the projects put into production since the article's date (15 a month: about 1,270 when
seeded in December 2026), with milestones, year plans, monthly reports, stage events and lights.

Deterministic (one seeded random per project) and idempotent (the marker project's code). The
stages are laid out for the "三个一批" campaign demo to be layered on top: exactly 523 projects
AT_CAPACITY, all of them reaching capacity between 2019 and 2024-09-30 (the article's date), and
far more projects signed, started and put into production between 2021-07 and 2024-09 than the
campaign's 353 SIGN, 296 START and 117 PRODUCE entries need. Later stages are laid relative to
the day the seed runs (`today`): reports cover the 24 months up to last month, year plans the
last three years, so lights stay believable whenever `make run` is first started.

The pipeline keeps its pace up to the seed day, so the 固投 statistics read like a city's: about
as many projects start and reach production each quarter after the article's date as before it,
the projects under construction today started within their building months, sizes are spread
evenly over time (`spread`) and grow a little year on year (SIZE_A_YEAR). Anchored at the
article's date alone, building stopped there and the demo's growth read −22 %, −57 %, +24 %.
"""

import functools
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from keyprojects.core.access import Role
from keyprojects.core.context import acting
from keyprojects.core.m2m import add_links
from keyprojects.enterprises.models import Enterprise
from keyprojects.orgs.models import Department, Membership, Region, User

from . import services
from .choices import (
    LIFECYCLE,
    REPORTED,
    STAGE_DATES,
    AttractionSource,
    EventType,
    Field,
    Light,
    MemberRole,
    Nature,
    ReportStatus,
    Stage,
)
from .models import (
    ListMembership,
    Milestone,
    ProgressReport,
    Project,
    ProjectEvent,
    ProjectList,
    ProjectMember,
    Tag,
    YearPlan,
)

SEED = 4111
COUNTS = {
    Stage.AT_CAPACITY: 523,
    Stage.PRODUCING: 30,  # put into production before the article's date, still ramping up
    Stage.STARTED: 182,
    Stage.SIGNED: 70,
    Stage.NEGOTIATING: 32,
    Stage.PLANNED: 28,
    Stage.TERMINATED: 15,
}
# 亿元 → months from start to production: a project of up to `top` 亿元 builds in low–high months
BUILD_MONTHS = (10, 5, 10), (50, 7, 16), (100, 10, 20), (10**9, 14, 30)
# The campaign's pace kept after the article's date: projects put into production a month (about
# as many as reached production a month in 2022–2024), each added to the demo as PRODUCING.
PRODUCED_A_MONTH = 15
# Projects grow: a project signed a year later is this much larger (投资强度 rising), so 固投 grows.
SIZE_A_YEAR = 1.15
CAPACITY_BY = date(2024, 9, 30)  # 截至9月底 … 已建成达效项目523个
EARLIEST = date(2019, 1, 1)
MARKER_CODE = "2106-411121-26-02-000001"  # the first known project's code: present means seeded

# Well-known Luohe projects from the article (and the ones named in the brief), with fixed facts.
# name, region, owner (demo enterprise or None), industry, field, 万元, stage, (sign, start, production, capacity)
KNOWN = [
    ("金大地联碱绿色转型升级项目", "舞阳县", None, "C2612", Field.INDUSTRY, 1_200_000, Stage.AT_CAPACITY,
     ("2021-06-18", "2021-09-26", "2022-10-30", "2023-03-28"), MARKER_CODE),
    ("双汇第三工业园全产业链项目", "源汇区", "漯河双汇实业集团有限责任公司", "C1353", Field.INDUSTRY, 600_000,
     Stage.PRODUCING, ("2022-05-20", "2022-09-28", "2024-06-26", None), None),
    ("正大漯河现代食品（300万蛋鸡）全产业链项目", "郾城区", None, "A0321", Field.AGRICULTURE, 520_000,
     Stage.PRODUCING, ("2022-08-16", "2022-12-26", "2024-08-28", None), None),
    ("正大(漯河)超级食品工厂", "漯河经济技术开发区", None, "C1361", Field.INDUSTRY, 300_000, Stage.PRODUCING,
     ("2024-03-26", "2024-09-27", "2026-06-18", None), None),
    ("金海千亿级氟硅新材料产业园项目", "舞阳县", None, "C2614", Field.INDUSTRY, 1_050_000, Stage.STARTED,
     ("2023-03-28", "2023-09-26", None, None), None),
    ("中原未来食品科技城项目", "漯河经济技术开发区", None, "M7320", Field.SERVICES, 1_000_000, Stage.STARTED,
     ("2023-12-22", "2024-06-28", None, None), None),
    ("平漯周高速铁路漯河段", "召陵区", None, "E4811", Field.INFRASTRUCTURE, 1_300_000, Stage.STARTED,
     ("2023-06-30", "2023-12-29", None, None), None),
    ("卫龙三期产业园项目", "漯河经济技术开发区", "漯河市卫龙商贸有限公司", "C1499", Field.INDUSTRY, 200_000,
     Stage.PRODUCING, ("2022-03-25", "2022-06-28", "2023-11-26", None), None),
    ("卫龙辣条智能化扩建项目", "漯河经济技术开发区", "漯河卫来食品科技有限公司", "C1499", Field.INDUSTRY, 86_000,
     Stage.STARTED, ("2025-03-18", "2025-06-26", None, None), None),
    ("中粮粮谷面粉全产业链项目", "临颍县", None, "C1311", Field.INDUSTRY, 150_000, Stage.STARTED,
     ("2024-05-21", "2024-11-26", None, None), None),
    ("利通超高压流体技术产业园", "城乡一体化示范区（西城区）", "漯河利通液压科技股份有限公司", "C3444",
     Field.INDUSTRY, 120_000, Stage.PRODUCING, ("2022-01-26", "2022-06-28", "2024-05-28", None), None),
    ("河南食品科创园项目（中原食品实验室）", "漯河经济技术开发区", None, "M7320", Field.SERVICES, 110_000,
     Stage.AT_CAPACITY, ("2022-01-18", "2022-03-28", "2022-11-18", "2023-06-30"), None),
    ("中优大健康产业园项目", "召陵区", None, "C2720", Field.INDUSTRY, 160_000, Stage.AT_CAPACITY,
     ("2021-10-26", "2022-01-28", "2022-12-26", "2023-08-30"), None),
    ("江苏铜基新材料项目", "临颍县", None, "C3251", Field.INDUSTRY, 105_000, Stage.AT_CAPACITY,
     ("2021-12-20", "2022-03-25", "2022-12-28", "2023-09-26"), None),
    ("益恒源塔格糖项目", "召陵区", None, "C1495", Field.INDUSTRY, 60_000, Stage.AT_CAPACITY,
     ("2022-02-22", "2022-05-26", "2023-01-16", "2023-07-28"), None),
    ("微康微生态产业园项目", "城乡一体化示范区（西城区）", None, "C2761", Field.INDUSTRY, 80_000,
     Stage.AT_CAPACITY, ("2021-09-27", "2021-12-28", "2022-09-26", "2023-04-26"), None),
]  # fmt: skip

# Products by the owner's GB/T 4754 code: (product, capacity unit, industry code for the project).
PRODUCTS = {
    "C1353": [
        ("肉制品精深加工", "万吨"),
        ("低温肉制品", "万吨"),
        ("中式预制菜", "万吨"),
        ("生猪屠宰及冷链配送", "万头"),
    ],
    "C1499": [("休闲食品", "万吨"), ("烘焙食品", "万吨"), ("魔芋休闲食品", "万吨"), ("辣味休闲食品", "万吨")],
    "C1441": [("液态奶", "万吨"), ("低温乳制品", "万吨"), ("奶酪", "万吨")],
    "C2221": [("高档生活用纸", "万吨"), ("特种纸", "万吨"), ("纸浆模塑制品", "万吨")],
    "C1431": [("方便面", "万吨"), ("速冻面米制品", "万吨"), ("挂面", "万吨")],
    "C1419": [("糕点", "万吨"), ("饼干", "万吨"), ("休闲烘焙食品", "万吨")],
    "C1495": [("功能糖", "万吨"), ("食品添加剂", "万吨"), ("天然色素", "吨")],
    "C3444": [("超高压液压管件", "万套"), ("流体连接件", "万套"), ("液压软管总成", "万米")],
    "C3130": [("精密钢管", "万吨"), ("特种钢材", "万吨")],
    "C1311": [("专用面粉", "万吨"), ("全谷物食品", "万吨")],
    "C1529": [("植物蛋白饮料", "万吨"), ("果蔬汁饮料", "万吨"), ("功能饮料", "万吨")],
    "C1469": [("复合调味料", "万吨"), ("酱卤调味品", "万吨")],
    "C2761": [("微生态制剂", "吨"), ("酶制剂", "吨"), ("生物发酵制品", "吨")],
    "C2231": [("食品包装材料", "万吨"), ("绿色纸制品包装", "亿只")],
    "C3434": [("智能食品机械", "台（套）"), ("智能包装装备", "台（套）"), ("智能输送设备", "台（套）")],
    "D4416": [("分布式光伏发电", "兆瓦"), ("储能电站", "兆瓦时"), ("风电", "兆瓦")],
    "G5951": [("冷链物流园", "万吨"), ("智慧物流中心", "万吨"), ("农产品冷链仓储", "万吨")],
    "C3982": [("电子元器件", "万只"), ("智能传感器", "万只"), ("锂电池材料", "万吨")],
    "E4790": [("装配式建筑构件", "万立方米"), ("绿色建材", "万吨")],
    "C1712": [("高档面料", "万米"), ("功能性纤维", "万吨"), ("高支纱线", "万锭")],
    "C2720": [("医用敷料", "万片"), ("中药饮片", "吨"), ("化学原料药", "吨")],
}
# Units counted in small numbers get a larger quantity; energy and logistics are not "produced".
UNIT_SCALE = {"吨": 100, "兆瓦": 20, "兆瓦时": 20, "台（套）": 100, "万只": 100, "万片": 100, "万米": 100, "万头": 10}
# Power and logistics projects are named by what they build, not by a factory's line.
OWN_NAMES = {
    "D4416": [("{qty}{unit}{product}项目", Nature.NEW), ("{product}扩容项目", Nature.EXPANSION)],
    "G5951": [("{product}项目", Nature.NEW), ("{product}扩建项目", Nature.EXPANSION)],
}
SHORT = {
    "漯河双汇实业集团有限责任公司": "双汇",
    "河南双汇投资发展股份有限公司": "双汇",
    "漯河市卫龙商贸有限公司": "卫龙",
    "漯河卫来食品科技有限公司": "卫来",
    "河南三剑客农业股份有限公司": "三剑客",
    "漯河银鸽实业集团有限公司": "银鸽",
    "河南省南街村(集团)有限公司": "南街村",
    "漯河市平平食品有限责任公司": "平平",
    "漯河市喜盈盈食品有限公司": "喜盈盈",
    "河南中大恒源生物科技股份有限公司": "中大恒源",
    "漯河利通液压科技股份有限公司": "利通",
    "舞阳县华丰实业有限公司": "华丰",
}
INDUSTRY_NAMES = [
    ("年产{qty}{unit}{product}项目", Nature.NEW),
    ("{product}智能化改造项目", Nature.RENOVATION),
    ("{product}生产线扩建项目", Nature.EXPANSION),
    ("{product}产业园项目", Nature.NEW),
    ("{product}数字化车间建设项目", Nature.RENOVATION),
    ("{product}生产基地项目", Nature.NEW),
    ("{product}搬迁升级项目", Nature.RELOCATION),
]
# Public projects (no owner enterprise): field, industry, name template, funding.
PUBLIC = [
    (Field.INFRASTRUCTURE, "E4812", "{r}{road}改造提升工程"),
    (Field.INFRASTRUCTURE, "D4620", "{r}城乡供水一体化工程"),
    (Field.INFRASTRUCTURE, "D4420", "{r}110千伏输变电工程"),
    (Field.INFRASTRUCTURE, "I6312", "{r}5G基站及新型基础设施建设项目"),
    (Field.INFRASTRUCTURE, "D4500", "{r}燃气管网改造工程"),
    (Field.ECOLOGY, "N7721", "{r}污水处理厂提标改造工程"),
    (Field.ECOLOGY, "N7620", "{r}沙澧河{section}段综合治理工程"),
    (Field.ECOLOGY, "N7840", "{r}国土绿化提速行动项目"),
    (Field.SOCIAL, "Q8411", "{r}人民医院新院区建设项目"),
    (Field.SOCIAL, "P8334", "{r}职业教育中心实训基地项目"),
    (Field.SOCIAL, "Q8514", "{r}养老服务中心建设项目"),
    (Field.SOCIAL, "P8331", "{r}高级中学新校区建设项目"),
    (Field.URBAN, "E4790", "{r}{section}片区老旧小区改造项目"),
    (Field.URBAN, "K7010", "{r}保障性租赁住房项目"),
    (Field.URBAN, "E4813", "{r}城市更新{section}片区项目"),
    (Field.AGRICULTURE, "A0111", "{r}高标准农田建设项目"),
    (Field.AGRICULTURE, "A0141", "{r}现代农业产业园项目"),
    (Field.SERVICES, "G5990", "{r}商贸物流园项目"),
    (Field.SERVICES, "R8890", "{r}文旅综合体项目"),
    (Field.SERVICES, "I6450", "{r}电子商务产业园项目"),
]
ROADS = (
    "龙江路 泰山路 黄河路 长江路 嵩山路 太行山路 淞江路 燕山路 珠江路 湘江路 衡山路 漓江路 人民路 交通路 受降路".split()
)
SECTIONS = "东 西 南 北 中心 滨河 老城 新区 马路街 顺河街 干河陈 老街".split()
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN = ["建国", "志强", "海涛", "丽娟", "国庆", "晓东", "春燕", "永刚", "明辉", "秀英", "伟", "磊", "军", "芳", "静"]
TERMINATIONS = [
    "投资方资金链断裂，无力继续投资",
    "企业战略调整，撤回投资意向",
    "选址与国土空间规划冲突，无法落地",
    "环评未获批复，项目终止",
    "合作方退出，项目退库",
]
RETURN_REASON = "本月投资与统计口径不一致，请核实后重新提交"
PROBLEMS = ["用电增容待供电公司协调", "施工用地手续待完善", "环评批复办理中", "融资到位慢于计划", "雨季影响土方施工"]
LEADER_POOL = [("ld-01", "刘卫东"), ("ld-02", "王振华"), ("ld-03", "陈光明"), ("ld-04", "赵志刚"), ("ld-05", "孙红梅")]
OFFICER_POOL = [(f"so-{i:02d}", SURNAMES[i] + GIVEN[i % len(GIVEN)]) for i in range(1, 13)]
# The chance of each light a project's data is laid out to give, by stage (green, yellow, red).
LIGHT_ODDS = {
    Stage.STARTED: (0.55, 0.28, 0.17),
    Stage.PRODUCING: (0.72, 0.16, 0.12),
    Stage.SIGNED: (0.55, 0.27, 0.18),
    Stage.NEGOTIATING: (0.78, 0.14, 0.08),
    Stage.PLANNED: (0.78, 0.14, 0.08),
}
CENT = Decimal("0.01")


# The functional zones are not counties of the boundaries file: their middles, roughly.
ZONE_CENTRES = {"漯河经济技术开发区": ("114.0500", "33.5400"), "城乡一体化示范区（西城区）": ("113.9700", "33.6000")}
ZONE_CENTRES["东城区"] = ("114.0800", "33.5900")


@functools.cache
def centres():
    """County middles from the boundaries shipped for the maps (orgs/static/orgs/boundaries)."""
    import json

    from django.conf import settings
    from django.contrib.staticfiles import finders

    found = finders.find(settings.KEYPROJECTS_BOUNDARIES)
    features = json.loads(open(found, encoding="utf-8").read())["features"] if found else []
    middles = {f["properties"]["name"]: tuple(str(x) for x in f["properties"]["centre"]) for f in features}
    return {**{k: (Decimal(a), Decimal(b)) for k, (a, b) in {**ZONE_CENTRES, **middles}.items()}}


def site_centre(region_name):
    return centres().get(region_name, (Decimal("114.0200"), Decimal("33.5800")))


def site_photo(seed, fraction):
    """A drawn site photo (sky, ground, a building rising with the progress, a crane) as JPEG bytes:
    the demo's 形象进度 pictures, made here rather than shipped."""
    import io

    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (640, 480), (150 + rng.randrange(40), 190 + rng.randrange(30), 225))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 330, 640, 480], fill=(150 + rng.randrange(30), 120, 85))
    left, width = 120 + rng.randrange(120), 260 + rng.randrange(80)
    floors = max(1, int(10 * fraction))
    for floor in range(floors):
        top = 330 - (floor + 1) * 26
        draw.rectangle([left, top, left + width, top + 24], fill=(200, 200, 196), outline=(110, 110, 110))
        for x in range(left + 12, left + width - 20, 34):
            draw.rectangle([x, top + 6, x + 18, top + 18], fill=(90, 120, 150))
    mast = left + width + 40
    draw.rectangle([mast, 60, mast + 10, 330], fill=(230, 170, 30))
    draw.rectangle([mast - 160, 60, mast + 60, 70], fill=(230, 170, 30))
    draw.line([mast - 120, 70, mast - 120, 150], fill=(60, 60, 60), width=2)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


PHOTOGRAPHED = 40  # the largest projects under construction or producing get photos of their last reports


def add_site_photos(projects):
    """Photos for the last three reports of the largest projects being built, saved as uploads are."""
    from django.core.files.base import ContentFile

    building = sorted(
        (p for p in projects if p.stage in {Stage.STARTED, Stage.PRODUCING}),
        key=lambda p: -(p.total_investment or 0),
    )[:PHOTOGRAPHED]
    reports = (
        ProgressReport.objects.filter(project__in=building).select_related("project").order_by("project_id", "-month")
    )
    taken, changed = {}, []
    for report in reports:
        n = taken.get(report.project_id, 0)
        if n >= 3:
            continue
        taken[report.project_id] = n + 1
        total = report.project.total_investment or 1
        fraction = min(1, float(report.cumulative_investment / total))
        content = ContentFile(site_photo(report.pk, fraction), name=f"site-{report.project_id}-{report.month:%Y%m}.jpg")
        report.photo.save(content.name, content, save=False)
        changed.append(report)
    ProgressReport.objects.bulk_update(changed, ["photo"], batch_size=500)
    return len(changed)


def d(text):
    return date.fromisoformat(text) if text else None


def between(rng, start, end):
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


class Fixed:
    """A draw that is not random: a given point of (0, 1), for `between` and `Builder.total`."""

    def __init__(self, u):
        self.u = u

    def randint(self, low, high):
        return low + min(high - low, int(self.u * (high - low + 1)))


GOLDEN = (5**0.5 - 1) / 2
INVESTING = (Stage.AT_CAPACITY, Stage.PRODUCING, Stage.STARTED)


class Spot(NamedTuple):
    time: float  # where in its stage's span of days the project is placed, in (0, 1)
    size: float  # where in the distribution of sizes, in (0, 1)
    recent: bool  # put into production since the article's date


def spread(groups) -> dict:
    """index → Spot for every project with a group (None: placed at random): the k-th of a
    group's n at time (k + ½)/n and size frac(k·φ), a Fibonacci lattice over the unit square.
    Drawn at random, a few 五十亿级 projects falling in the same year moved that year's 固投, and
    its growth, by 10–20 %; spread evenly, every year builds its share of small and large ones."""
    sizes = Counter(group for group in groups if group)
    seen = Counter()
    spots = {}
    for index, group in enumerate(groups):
        if group:
            k = seen[group]
            seen[group] += 1
            spots[index] = Spot((k + 0.5) / sizes[group], (k * GOLDEN + 0.5) % 1, group == "recent")
    return spots


def produced_since(today) -> int:
    """How many projects were put into production since the article's date, at the campaign's
    pace (PRODUCED_A_MONTH), up to the seed day."""
    return round(PRODUCED_A_MONTH * max(0, (today - CAPACITY_BY).days) / 30.4)


def stage_counts(today) -> dict:
    """The demo's projects by stage when seeded on `today`."""
    return COUNTS | {Stage.PRODUCING: COUNTS[Stage.PRODUCING] + produced_since(today)}


def grown(total, sign):
    """A project's size as of its signing year (SIZE_A_YEAR, around mid-2022), in whole 10万元."""
    value = int(total * Decimal(SIZE_A_YEAR ** ((sign - date(2022, 7, 1)).days / 365)))
    return Decimal(value - value % 10)


def months_later(day, months):
    return day + timedelta(days=int(months * 30.4))


def first_of_month(day):
    return day.replace(day=1)


def next_month(day):
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def month_range(start, stop):
    """First days of the months from `start` up to, not including, `stop`."""
    month = first_of_month(start)
    while month < stop:
        yield month
        month = next_month(month)


@dataclass
class Plan:
    """One project before it is written: its row values and everything that hangs on it."""

    index: int
    stage: Stage
    values: dict
    chain: dict  # actual or forecast dates: negotiating, sign, start, production, capacity (terminated)
    reached: dict  # stage -> the day it was reached
    target: Light = Light.GREEN  # the light the data is laid out to give
    source: str = "milestone"  # which rule gives it: milestone, investment or statistics
    nodes: list = field(default_factory=list)  # [name, planned, actual]
    reports: list = field(default_factory=list)  # (month, investment, status, progress text, problems)
    year_plans: list = field(default_factory=list)  # (year, planned investment, node targets)
    events: list = field(default_factory=list)  # (from, to, date, type, note)
    tags: list = field(default_factory=list)
    lists: list = field(default_factory=list)  # (list name, year)


class Builder:
    """Lays out every project in memory, deterministically, before anything is written."""

    def __init__(self, today):
        self.today = today
        self.last_month = first_of_month(first_of_month(today) - timedelta(days=1))
        self.window = first_of_month(months_later(first_of_month(today), -24) + timedelta(days=3))
        self.city = Region.objects.get(code="411100")
        self.regions = list(Region.objects.filter(parent=self.city).order_by("pk"))
        self.by_name = {r.name: r for r in self.regions}
        self.enterprises = list(Enterprise.objects.filter(archived_at__isnull=True).order_by("pk"))
        self.by_enterprise = {e.name: e for e in self.enterprises}
        self.departments = {dep.name: dep for dep in Department.objects.all()}
        self.names, self.serials = set(), set()

    def build(self):
        rng = random.Random(SEED)
        pool = dict(COUNTS)
        for row in KNOWN:
            pool[row[6]] -= 1
        rest = [stage for stage, n in pool.items() for _ in range(n)]
        rng.shuffle(rest)
        stages = [row[6] for row in KNOWN] + rest
        recent = produced_since(self.today)  # after the others, so the others stay as they are
        groups = [None] * len(KNOWN) + [s if s in INVESTING else None for s in rest] + ["recent"] * recent
        spots = spread(groups)
        return [
            self.plan(index, stage, spots.get(index)) for index, stage in enumerate(stages + [Stage.PRODUCING] * recent)
        ]

    # -- dates ---------------------------------------------------------------------------

    def chain(self, rng, stage, total, known=None, spot=None):
        """Actual dates for the stages reached, forecast dates for the rest; the day that places a
        project in time (signed, started or put into production) is the spot's when it has one."""
        today, when = self.today, Fixed(spot.time) if spot else rng
        build = next(rng.randint(low, high) for top, low, high in BUILD_MONTHS if total < top * 10_000)
        ramp = rng.randint(3, 12) if total < 100_000 else rng.randint(6, 18)
        lead = rng.uniform(0.5, 1.2) if rng.random() < 0.15 else rng.uniform(1, 6)  # 签约即拿地、拿地即开工
        if known:
            sign, start, production, capacity = (d(x) for x in known)
            production = production or max(months_later(start, build), today + timedelta(days=rng.randint(60, 400)))
            capacity = capacity or months_later(production, ramp + 6)
        elif stage == Stage.AT_CAPACITY:
            gaps = [lead * 30.4, build * 30.4, ramp * 30.4]
            if rng.random() < 0.75:  # came through the campaign: signed from 2021-05 on
                sign = between(when, date(2021, 5, 1), date(2023, 12, 31))
                room = (CAPACITY_BY - sign).days
                if sum(gaps) > room:  # a fast one: at capacity some time before the article's date
                    room = (between(rng, min(sign + timedelta(days=270), CAPACITY_BY), CAPACITY_BY) - sign).days
            else:
                capacity = between(when, date(2020, 1, 1), date(2022, 6, 30))
                sign = max(EARLIEST, capacity - timedelta(days=int(sum(gaps))))
                room = (capacity - sign).days
            if sum(gaps) > room:
                gaps = [max(15, g * room / sum(gaps)) for g in gaps]
            start = sign + timedelta(days=int(gaps[0]))
            production = start + timedelta(days=int(gaps[1]))
            capacity = min(production + timedelta(days=int(gaps[2])), CAPACITY_BY)
        elif stage == Stage.PRODUCING:
            if spot and spot.recent:
                production = between(when, CAPACITY_BY + timedelta(days=1), today - timedelta(days=15))
            else:
                production = between(when, date(2023, 1, 1), CAPACITY_BY)
                ramp += 24  # a large plant ramping up for years
            start = months_later(production, -build)
            sign = months_later(start, -lead)
            capacity = months_later(production, ramp + 6)
        elif stage == Stage.STARTED:
            if rng.random() < 0.82:
                start = between(when, months_later(today, -build), today - timedelta(days=8))
            else:  # a long build that started before the report window
                start = between(when, date(2023, 6, 1), self.window)
                build = max(build, 26)
            sign = months_later(start, -lead)
            production = max(months_later(start, build), today + timedelta(days=rng.randint(15, 60)))
            capacity = months_later(production, ramp)
        elif stage == Stage.SIGNED:
            if rng.random() < 0.45:  # signed at one of the campaign's later phases and not started yet
                sign = between(rng, date(2023, 4, 1), date(2024, 9, 20))
            else:
                sign = between(
                    rng, months_later(today, -30 if rng.random() < 0.12 else -18), today - timedelta(days=10)
                )
            start = max(months_later(sign, lead + 1), today + timedelta(days=rng.randint(20, 240)))
            production = months_later(start, build)
            capacity = months_later(production, ramp)
        elif stage == Stage.TERMINATED:
            sign = between(rng, date(2022, 1, 1), today - timedelta(days=400))
            start = months_later(sign, lead + 1)
            production = months_later(start, build)
            capacity = months_later(production, ramp)
        else:  # PLANNED, NEGOTIATING: nothing reached, all forecast
            sign = today + timedelta(days=rng.randint(30, 540))
            start = months_later(sign, lead + 1)
            production = months_later(start, build)
            capacity = months_later(production, ramp)
        negotiating = max(min(EARLIEST, sign), months_later(sign, -rng.uniform(2, 10)))
        if stage == Stage.NEGOTIATING:
            negotiating = between(rng, months_later(today, -14), today - timedelta(days=10))
        return {
            "negotiating": negotiating,
            "sign": sign,
            "start": start,
            "production": production,
            "capacity": capacity,
        }

    # -- identity ------------------------------------------------------------------------

    def unique_name(self, name):
        base, n = name, 2
        while name in self.names:
            phase = "一二三四五六七八九"[min(n, 9) - 1]
            name = (
                base.replace("项目", f"（{phase}期）项目", 1)
                if "项目" in base
                else base.replace("工程", f"{phase}期工程")
            )
            name = name if name != base else f"{base}（{n}）"
            n += 1
        self.names.add(name)
        return name

    def identity(self, rng):
        """Name, region, owner, industry code, field and nature of a generated project."""
        if rng.random() < 0.8 and self.enterprises:
            owner = rng.choice(self.enterprises)
            product, unit = rng.choice(PRODUCTS.get(owner.industry) or PRODUCTS["C1499"])
            template, nature = rng.choice(OWN_NAMES.get(owner.industry, INDUSTRY_NAMES))
            short = SHORT.get(owner.name)
            if not short:
                rest = owner.name
                for place in ("舞阳县", "临颍县", "漯河"):
                    rest = rest.removeprefix(place)
                short = rest[:2]
            qty = rng.choice([1, 2, 3, 5, 6, 8, 10, 12, 15, 20, 30, 50]) * UNIT_SCALE.get(unit, 1)
            name = short + template.format(qty=qty, unit=unit, product=product)
            region = owner.region if rng.random() < 0.85 else rng.choice(self.regions)
            industry = "C1499" if owner.industry.startswith("F") else owner.industry
            kind = {"D4416": Field.INFRASTRUCTURE, "G5951": Field.SERVICES}.get(owner.industry, Field.INDUSTRY)
            return self.unique_name(name), region, owner, industry, kind, nature
        kind, industry, template = rng.choice(PUBLIC)
        region = rng.choice(self.regions)
        short = {"漯河经济技术开发区": "经开区", "城乡一体化示范区（西城区）": "西城区"}.get(region.name, region.name)
        name = template.format(r=short, road=rng.choice(ROADS), section=rng.choice(SECTIONS))
        return self.unique_name(name), region, None, industry, kind, Nature.NEW

    def total(self, rng, kind, size=None):
        """万元, log-uniform within a tier: a few 百亿级 and 五十亿级, many 1–10 亿; at the point
        `size` of (0, 1) when given (see `spread`)."""
        roll = rng.random() if size is None else size
        tiers = [
            (0.004, 1_000_000, 1_500_000),
            (0.015, 500_000, 900_000),
            (0.15, 100_000, 450_000),
            (0.86, 10_000, 95_000),
            (1.0, 3_000, 9_800),
        ]
        floor, (top, low, high) = next((tiers[i - 1][0] if i else 0, t) for i, t in enumerate(tiers) if roll < t[0])
        within = rng.random() if size is None else (roll - floor) / (top - floor)
        value = int(low * (high / low) ** within)
        return Decimal(value - value % 10)

    def fitted(self, rng, total, chain):
        """A project at capacity by the article's date that had to build faster than its size allows
        was a smaller one: drawn again below the largest size that builds in its months. (Without
        this, a 百亿级 plant built in six months put most of a year's investment in one project.)"""
        months = (chain["production"] - chain["start"]).days / 30.4
        top = max((top for top, low, _high in BUILD_MONTHS if low <= months), default=BUILD_MONTHS[0][0])
        while total >= top * 10_000:
            total = self.total(rng, None)
        return total

    def code(self, rng, region, industry, kind, total, filed):
        """项目代码 YYMM-region-industry division-type (01 审批, 02 核准, 03 备案)-serial."""
        public = kind in {Field.INFRASTRUCTURE, Field.SOCIAL, Field.ECOLOGY, Field.URBAN}
        kind_code = "01" if public else "02" if total >= 500_000 else "03"
        serial = rng.randrange(2, 999_999)
        while serial in self.serials:
            serial = rng.randrange(2, 999_999)
        self.serials.add(serial)
        return f"{filed:%y%m}-{region.code or self.city.code}-{industry[1:3]}-{kind_code}-{serial:06d}"

    def department(self, region, kind):
        if region.code:
            return self.departments.get(f"{region.name}发展和改革委员会")
        name = {
            Field.INDUSTRY: "漯河市工业和信息化局",
            Field.SERVICES: "漯河市商务局",
            Field.URBAN: "漯河市住房和城乡建设局",
            Field.ECOLOGY: "漯河市生态环境局",
        }.get(kind, "漯河市发展和改革委员会")
        return self.departments.get(name)

    # -- one project ---------------------------------------------------------------------

    def plan(self, index, stage, spot=None):
        rng = random.Random(SEED * 100_000 + index)
        if index < len(KNOWN):
            name, region_name, owner_name, industry, kind, total, _stage, dates, code = KNOWN[index]
            self.names.add(name)
            region, owner, total = self.by_name[region_name], self.by_enterprise.get(owner_name), Decimal(total)
            nature = Nature.EXPANSION if "扩建" in name else Nature.NEW
        else:
            name, region, owner, industry, kind, nature = self.identity(rng)
            total, dates, code = self.total(rng, kind, spot and spot.size), None, None
        chain = self.chain(rng, stage, total, dates, spot)
        if dates is None:
            total = grown(total, chain["sign"])
            if stage == Stage.AT_CAPACITY:
                total = self.fitted(rng, total, chain)
        prior = rng.choice([Stage.NEGOTIATING, Stage.SIGNED, Stage.SIGNED, Stage.STARTED])
        last = prior if stage == Stage.TERMINATED else stage
        keys = ["negotiating", "sign", "start", "production", "capacity"]
        reached = {
            s: chain[k] for s, k in zip(LIFECYCLE[1:], keys, strict=True) if LIFECYCLE.index(s) <= LIFECYCLE.index(last)
        }
        if stage == Stage.TERMINATED:
            since = max(reached.values())
            chain["terminated"] = between(rng, since + timedelta(days=60), min(self.today, since + timedelta(700)))
        filed = reached.get(Stage.SIGNED) or (chain["negotiating"] if rng.random() < 0.3 else None)
        if code is None and filed is not None and stage != Stage.PLANNED:
            filed = min(filed + timedelta(days=rng.randint(0, 40)), chain["start"], self.today)
            code = self.code(rng, region, industry, kind, total, filed)
        values = {
            "code": code,
            "name": name,
            "owner": owner,
            "region": region,
            "location": f"{region.name}{rng.choice(ROADS)}与{rng.choice(ROADS)}交叉口",
            # near the middle of its county (the boundaries the maps draw), a few kilometres either way
            "latitude": site_centre(region.name)[1] + Decimal(rng.randrange(100_000) - 50_000) / 1_000_000,
            "longitude": site_centre(region.name)[0] + Decimal(rng.randrange(100_000) - 50_000) / 1_000_000,
            "field": kind,
            "industry_code": industry,
            "nature": nature,
            "total_investment": total,
            "funding_sources": "企业自筹、银行贷款" if owner or kind == Field.INDUSTRY else "政府专项债券、财政资金",
            "construction_content": (
                f"总建筑面积约{rng.randint(2, 60)}万平方米，建设生产车间、仓储物流及研发办公等配套设施，"
                f"购置安装设备{rng.randint(20, 600)}台（套）。"
            ),
            "stage": stage,
            "department": self.department(region, kind),
            "responsible_person": rng.choice(SURNAMES) + rng.choice(GIVEN),
        }
        if kind == Field.INDUSTRY:
            values["designed_capacity"] = f"年产{rng.choice([1, 2, 3, 5, 10, 20, 30])}{rng.choice(['万吨', '万件'])}"
        plan = Plan(index=index, stage=stage, values=values, chain=chain, reached=reached)
        odds = LIGHT_ODDS.get(stage)
        if odds:
            roll = rng.random()
            plan.target = Light.GREEN if roll < odds[0] else Light.YELLOW if roll < odds[0] + odds[1] else Light.RED
        if stage == Stage.STARTED and plan.target != Light.GREEN:
            waited = (self.today - chain["start"]).days
            sources = ["milestone"] * 5
            if self.today.month >= 4 and chain["start"] < self.last_month:
                sources += ["investment"] * 4
            if (plan.target == Light.RED and waited > 70) or (plan.target == Light.YELLOW and 35 <= waited <= 55):
                sources += ["statistics"]
            plan.source = rng.choice(sources)
        self.stage_dates(rng, plan, prior)
        self.milestones(rng, plan)
        self.statistics(rng, plan)
        self.money(rng, plan)
        self.classify(rng, plan)
        return plan

    def stage_dates(self, rng, plan, prior):
        """Actual dates of the stages reached, the stage date, and one event per stage reached."""
        v, reached = plan.values, plan.reached
        for stage, (_planned, actual) in STAGE_DATES.items():
            v[actual] = reached.get(stage)
        previous = Stage.PLANNED
        for stage in LIFECYCLE[1:]:
            if stage in reached:
                note = "开工手续齐全，现场照片已归档" if stage == Stage.STARTED else ""
                plan.events.append((previous, stage, reached[stage], EventType.STAGE, note))
                previous = stage
        if plan.stage == Stage.TERMINATED:
            reason = TERMINATIONS[plan.index % len(TERMINATIONS)]
            v["termination_reason"] = reason
            plan.events.append((prior, Stage.TERMINATED, plan.chain["terminated"], EventType.TERMINATED, reason))
            v["stage_date"] = plan.chain["terminated"]
        elif plan.stage == Stage.PLANNED:
            v["stage_date"] = months_later(self.today, -rng.uniform(1, 12))
        else:
            v["stage_date"] = reached[plan.stage]

    def milestones(self, rng, plan):
        """The node template with planned dates along a planned chain and actual dates along the
        real one; the first open node's planned date is placed to give the project its target light."""
        v, chain, reached = plan.values, plan.chain, plan.reached
        names = settings.KEYPROJECTS_MILESTONE_TEMPLATES.get(v["field"], services.DEFAULT_MILESTONES)
        positions = node_positions(names)
        if plan.stage == Stage.PLANNED and rng.random() < 0.5:
            plan.nodes = [[name, None, None] for name in names]  # in the reserve pool: no dates yet
            return
        planned_chain = [chain["sign"] - timedelta(days=rng.randint(-20, 80))]
        for key in ["start", "production", "capacity"]:  # plans run ahead of the real dates: projects run late
            planned_chain.append(max(planned_chain[-1], chain[key] - timedelta(days=rng.randint(-20, 80))))
        actual_chain = [chain["sign"], chain["start"], chain["production"], chain["capacity"]]
        end = chain.get("terminated", self.today) - timedelta(days=3)

        def along(points, x):
            i = min(int(x), 2)
            return points[i] + (points[i + 1] - points[i]) * (x - i)

        def done(x, day):
            if x < 1:
                return Stage.SIGNED in reached and (Stage.STARTED in reached or day <= end)
            if x == 1 or x == 2 or x == 3:
                return {1: Stage.STARTED, 2: Stage.PRODUCING, 3: Stage.AT_CAPACITY}[int(x)] in reached
            return Stage.PRODUCING in reached or (Stage.STARTED in reached and day <= end)

        rows = []
        for name, x in zip(names, positions, strict=True):
            actual = along(actual_chain, x)
            rows.append([name, along(planned_chain, x), actual if done(x, actual) else None])
        still_open = [i for i, row in enumerate(rows) if row[2] is None]
        if still_open and plan.stage != Stage.TERMINATED:
            first = still_open[0]
            passed = [day for row in rows[:first] for day in row[1:]]
            shift = self.due(rng, plan, max(passed, default=None), rows[first][1]) - rows[first][1]
            for i in still_open:
                rows[i][1] += shift
        for i in range(1, len(rows)):  # planned dates never go backwards along the template
            rows[i][1] = max(rows[i][1], rows[i - 1][1])
        plan.nodes = rows
        by_name = {row[0]: row[1] for row in rows}
        v["planned_start_date"] = next(row[1] for row, x in zip(rows, positions, strict=True) if x == 1)
        v["planned_production_date"] = next(row[1] for row, x in zip(rows, positions, strict=True) if x == 2)
        v["planned_capacity_date"] = by_name.get("达效") or max(planned_chain[3], v["planned_production_date"])
        v["planned_sign_date"] = min(planned_chain[0], rows[0][1])

    def due(self, rng, plan, floor, natural):
        """The planned date of the first open node: green ≥ 16 days ahead, yellow within ±15 days,
        red more than 15 days late; never before the nodes already passed."""
        today, target = self.today, plan.target if plan.source == "milestone" else Light.GREEN
        if target == Light.RED:
            low = max(floor or date.min, today - timedelta(days=200))
            if low <= today - timedelta(days=25):
                return between(rng, low, today - timedelta(days=25))
            target = Light.YELLOW
        if target == Light.YELLOW:
            low = max(floor or date.min, today - timedelta(days=12))
            if low <= today + timedelta(days=12):
                return between(rng, low, today + timedelta(days=12))
        return max(natural, today + timedelta(days=rng.randint(20, 120)))

    def statistics(self, rng, plan):
        """入统 a few weeks after the start, except where not being registered is the light's reason."""
        v = plan.values
        start = v.get("actual_start_date")
        if not start or plan.stage == Stage.TERMINATED or plan.source == "statistics":
            return
        registered = start + timedelta(days=rng.randint(7, 28))
        if registered <= self.today:
            v["in_statistics"], v["statistics_date"] = True, registered
            v["statistics_id"] = f"{v['region'].code or self.city.code}{registered:%Y%m}{plan.index:05d}"

    def money(self, rng, plan):
        """Monthly reports from the start month to the production month, for projects building
        during the 24-month window; year plans for the years of those reports (last three)."""
        v, today = plan.values, self.today
        start = v.get("actual_start_date")
        if not start or plan.stage == Stage.TERMINATED:
            return
        produced = v.get("actual_production_date")
        stop = max(first_of_month(produced), next_month(start)) if produced else next_month(self.last_month)
        total = v["total_investment"]
        if stop <= self.window:  # built before reporting began here: it brings what it completed
            v["prior_investment"] = v["cumulative_investment"] = (total * rng.randint(85, 100) / 100).quantize(CENT)
            return
        building = max(1, round((plan.chain["production"] - start).days / 30.4))
        base = total * rng.randint(55, 85) / 100 / building
        limit = total * Decimal("0.95")
        running = Decimal(0)
        months = list(month_range(start, stop))
        for i, month in enumerate(months):
            status = ReportStatus.ACCEPTED
            if month == self.last_month and plan.stage == Stage.STARTED:
                roll = rng.random()
                if roll < 0.1:
                    continue  # not filed: the late-filers list has entries
                status = next(s for top, s in LAST_MONTH if roll < top)
            elif month >= months_later(self.last_month, -1.5) and rng.random() < 0.06:
                status = ReportStatus.SUBMITTED
            pct = rng.randint(60, 140) * {1: 80, 2: 40}.get(month.month, 100) // (200 if i == 0 else 100)
            amount = min((base * pct / 100).quantize(CENT), limit - running)
            running += amount
            fraction = (month - start).days / max(1, (plan.chain["production"] - start).days)
            problems = rng.choice(PROBLEMS) if rng.random() < 0.12 else ""
            plan.reports.append((month, amount, status, progress_text(fraction, v["field"]), problems))
        v["cumulative_investment"] = sum((row[1] for row in plan.reports if row[2] in REPORTED), Decimal(0))
        by_year = {}
        for month, amount, *_rest in plan.reports:
            by_year[month.year] = by_year.get(month.year, Decimal(0)) + amount
        open_node = next((row[0] for row in plan.nodes if row[2] is None), plan.nodes[-1][0])
        for year in range(today.year - 2, today.year + 1):
            if year not in by_year:
                continue
            amount = base * sum(1 for m in months if m.year == year) * rng.randint(90, 120) / 100
            if year == today.year and plan.stage == Stage.STARTED:
                amount = self.year_plan_for_light(rng, plan, by_year[year], amount)
            plan.year_plans.append((year, amount.quantize(CENT), f"{year}年完成投资并推进至“{open_node}”节点"))

    def year_plan_for_light(self, rng, plan, invested, natural):
        """This year's plan, set so that completed investment against 序时进度 gives the target light
        when investment is the light's reason, and stays on schedule otherwise."""
        expected = Decimal(self.today.month - 1) * 100 / 12
        if expected < 20 or not invested:
            return natural
        target = plan.target if plan.source == "investment" else Light.GREEN
        behind = {Light.GREEN: rng.randint(-12, 6), Light.YELLOW: rng.randint(13, 27), Light.RED: rng.randint(35, 55)}
        return invested * 100 / max(Decimal(5), expected - behind[target])

    def classify(self, rng, plan):
        """Tags, investment source and the dated lists (省重点 / 市重点 / 县重点, one row a year)."""
        v = plan.values
        total, name, owner, industry = v["total_investment"], v["name"], v["owner"], v["industry_code"]
        tags = []
        if owner and rng.random() < 0.35:
            tags.append("招商引资")
            v["attraction_source"] = rng.choice([AttractionSource.OUT_OF_PROVINCE] * 3 + [AttractionSource.FOREIGN])
        if industry[:3] in {"C26", "C27", "C32", "C34", "C39", "D44"} or "新材料" in name:
            tags.append("战略性新兴产业")
        if industry[:3] in {"C27", "C39"} or "传感器" in name:
            tags.append("高技术制造业")
        if any(word in name for word in ("数字化", "智能化", "5G", "智慧")):
            tags.append("数字经济")
        if owner and rng.random() < 0.08:
            tags.append("专精特新")
        if "未来" in name or "微生态" in name:
            tags.append("未来产业")
        plan.tags = tags
        first = max(2019, (v.get("actual_sign_date") or v["stage_date"]).year)
        last = min((v.get("actual_capacity_date") or plan.chain.get("terminated") or self.today).year, self.today.year)
        lists = ["省重点"] if total >= 100_000 else []
        if total >= 20_000 or lists:
            lists.append("市重点")
        if v["region"].code and total < 50_000:
            lists.append("县重点")
        plan.lists = [(name, year) for name in lists for year in range(first, last + 1)]


LAST_MONTH = [
    (0.17, ReportStatus.DRAFT),
    (0.19, ReportStatus.RETURNED),
    (0.70, ReportStatus.ACCEPTED),
    (1.0, ReportStatus.SUBMITTED),
]


def node_positions(names):
    """Where each node of a template falls on the chain: before 开工 between signing (0) and the
    start (1), the build evenly between the start and production (2), 达效 at capacity (3)."""
    start = names.index("开工") if "开工" in names else 0
    production = len(names) - (2 if names[-1] == "达效" else 1)
    before = [(i + 1) / (start + 1) for i in range(start)]
    build = [1 + (i + 1) / (production - start) for i in range(production - start - 1)]
    return before + [1.0] + build + [2.0] + ([3.0] if production < len(names) - 1 else [])


def progress_text(fraction, kind):
    """形象进度 for the share of the build done."""
    p = max(1, min(99, int(fraction * 100)))
    if kind == Field.INFRASTRUCTURE:
        return f"主体工程完成约{p}%，" + ("路基及管网施工中" if p < 60 else "附属工程施工及竣工验收准备")
    steps = [
        (0.1, "场地平整及临建设施完成，桩基施工中"),
        (0.25, f"基础施工完成约{p}%"),
        (0.45, f"主体结构施工中，完成约{p}%"),
        (0.6, "主体结构封顶，墙体砌筑及屋面施工"),
        (0.75, "厂房装饰装修及配套工程施工中"),
        (0.9, f"生产设备进场安装调试，完成约{p}%"),
    ]
    return next((text for limit, text in steps if fraction < limit), "设备联动调试，准备试生产")


# --- writing ---------------------------------------------------------------------------------


def pool_users():
    """A few more city and county leaders and service officers for the other projects. They have
    no password: they are names on projects until an administrator gives them an account."""
    users = {}
    for role, pool in ((Role.LEADER, LEADER_POOL), (Role.SERVICE_OFFICER, OFFICER_POOL)):
        for username, name in pool:
            user = User.objects.filter(username=username).first()
            if user is None:
                phone = f"1380395{sum(map(ord, username)) % 10000:04d}"
                user = User.objects.create_user(username, first_name=name, phone=phone)  # unusable password
            Membership.objects.get_or_create(user=user, role=role)
            users.setdefault(role, []).append(user)
    return users[Role.LEADER], users[Role.SERVICE_OFFICER]


def aware(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def write(plans):
    """Everything in bulk. BaseModel's bulk_create logs each row to the change log, as for any
    other write; the one exception is the events' time (see below)."""
    leaders, officers = pool_users()
    reviewers = {u.username: u for u in User.objects.filter(username__in=["cityadmin", "yancheng", "wuyang"])}
    by_region = {"郾城区": reviewers.get("yancheng"), "舞阳县": reviewers.get("wuyang")}
    projects = []
    for plan in plans:
        rng = random.Random(SEED * 3 + plan.index)
        v = plan.values
        active = plan.stage not in {Stage.TERMINATED, Stage.PLANNED}
        if active and (v["total_investment"] >= 50_000 or plan.index < len(KNOWN)):
            v["leader"] = rng.choice(leaders)
        if active and plan.stage != Stage.AT_CAPACITY:
            v["service_officer"] = rng.choice(officers)
        projects.append(Project(**v))  # bulk_create gives each its signboard token (before_write)
    Project.objects.bulk_create(projects, batch_size=500)

    tags = dict(Tag.objects.values_list("name", "pk"))
    lists = {item.name: item for item in ProjectList.objects.all()}  # instances: the log names each row
    links = [(p.pk, tags[t]) for p, plan in zip(projects, plans, strict=True) for t in plan.tags if t in tags]
    add_links(Project, "tags", links)
    ListMembership.objects.bulk_create(
        [
            ListMembership(project=p, list=lists[name], start=date(year, 1, 1), end=date(year, 12, 31))
            for p, plan in zip(projects, plans, strict=True)
            for name, year in plan.lists
            if name in lists
        ],
        batch_size=500,
    )
    milestones = []
    for p, plan in zip(projects, plans, strict=True):
        unit = p.owner.name if p.owner else (p.department.name if p.department else "")
        for order, (name, planned, actual) in enumerate(plan.nodes, 1):
            where = "自然资源和规划部门" if name in {"拿地", "前期手续"} else unit
            milestones.append(Milestone(project=p, name=name, order=order, planned_date=planned, actual_date=actual,
                                        responsible_unit=where[:100]))  # fmt: skip
    Milestone.objects.bulk_create(milestones, batch_size=500)
    reached_in = {(m.project_id, first_of_month(m.actual_date)): m for m in milestones if m.actual_date}

    reports, year_plans = [], []
    for p, plan in zip(projects, plans, strict=True):
        running = Decimal(0)
        reviewer = by_region.get(p.region.name) or reviewers.get("cityadmin")
        for month, amount, status, text, problems in plan.reports:
            if status in REPORTED:  # as services._recompute_cumulative counts
                running += amount
            filed = None
            if status != ReportStatus.DRAFT:
                filed = min(aware(next_month(month) + timedelta(days=(month.month + p.pk) % 5), 16), timezone.now())
            reports.append(
                ProgressReport(
                    project=p,
                    month=month,
                    investment=amount,
                    cumulative_investment=running if status in REPORTED else running + amount,
                    physical_progress=text,
                    milestone=reached_in.get((p.pk, month)),
                    problems=problems,
                    next_plan=f"下月计划完成投资约{(amount * Decimal('1.1')).quantize(Decimal(1))}万元",
                    status=status,
                    return_reason=RETURN_REASON if status == ReportStatus.RETURNED else "",
                    submitted_at=filed,
                    reviewed_by=reviewer if status in {ReportStatus.ACCEPTED, ReportStatus.RETURNED} else None,
                )
            )
        year_plans += [
            YearPlan(project=p, year=year, planned_investment=amount, node_targets=targets)
            for year, amount, targets in plan.year_plans
        ]
    ProgressReport.objects.bulk_create(reports, batch_size=500)
    YearPlan.objects.bulk_create(year_plans, batch_size=500)

    events = [
        ProjectEvent(project=p, type=kind, from_stage=old, to_stage=new, date=day, note=note, data={"skipped": {}})
        for p, plan in zip(projects, plans, strict=True)
        for old, new, day, kind, note in plan.events
    ]
    ProjectEvent.objects.bulk_create(events, batch_size=500)
    # `time` is auto_now_add, so the insert stamped them all "now"; the timeline reads better at the
    # day each stage was reached. A plain (unlogged) bulk_update: correcting a stamp is not news.
    for event in events:
        event.time = aware(event.date)
    models.QuerySet(ProjectEvent).bulk_update(events, ["time"], batch_size=500)

    members = []
    for p, plan in zip(projects, plans, strict=True):
        if p.total_investment >= 500_000 or plan.index < len(KNOWN):
            rng = random.Random(SEED * 5 + plan.index)
            members += [
                ProjectMember(project=p, name=str(p.leader or "刘卫东"), role=MemberRole.COMMANDER, post="指挥长"),
                ProjectMember(
                    project=p,
                    name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                    role=MemberRole.DEPUTY,
                    post="副指挥长",
                    phone=f"139{rng.randrange(10**8):08d}",
                ),
                ProjectMember(
                    project=p,
                    name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                    role=MemberRole.TASK_FORCE,
                    post="专班成员",
                    phone=f"138{rng.randrange(10**8):08d}",
                ),
            ]
    ProjectMember.objects.bulk_create(members, batch_size=500)
    return {
        "projects": len(projects),
        "milestones": len(milestones),
        "reports": len(reports),
        "year plans": len(year_plans),
        "events": len(events),
    }


def give_demo_users_their_projects():
    """The demo 'leader' and 'officer' accounts each get a handful of projects, red ones included,
    so that 我的项目 opens with red lights first. Chosen by the computed lights, biggest first."""
    queryset = Project.objects.filter(
        stage__in=[Stage.SIGNED, Stage.STARTED, Stage.PRODUCING], archived_at__isnull=True
    ).order_by("-total_investment", "pk")
    taken = set()
    for username, field_name, wanted in (("leader", "leader", (3, 2, 3)), ("officer", "service_officer", (3, 3, 3))):
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        chosen = []
        for light, n in zip([Light.RED, Light.YELLOW, Light.GREEN], wanted, strict=True):
            chosen += list(queryset.filter(light=light).exclude(pk__in=taken).values_list("pk", flat=True)[:n])
        taken.update(chosen)
        Project.objects.filter(pk__in=chosen).update(**{field_name: user})


def seed_projects(stdout=None, *, today=None):
    """The demo project library, laid out relative to `today` (default: the local date)."""
    today = today or timezone.localdate()
    if Project.objects.filter(code=MARKER_CODE).exists():
        if stdout:
            stdout.write(f"Demo projects: already there, nothing created ({Project.objects.count()} in all).")
        return {}
    with acting(None, "seed_demo"), transaction.atomic():
        counts = write(Builder(today).build())
        counts["photos"] = add_site_photos(list(Project.objects.all()))
        services.refresh_all_lights(today)
        give_demo_users_their_projects()
    if stdout:
        lights = dict(Project.objects.values_list("light").annotate(n=models.Count("pk")).values_list("light", "n"))
        stdout.write("Demo projects: " + ", ".join(f"{n} {name}" for name, n in counts.items()) + f"; lights {lights}.")
    return counts
