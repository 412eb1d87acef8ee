"""Synthetic province-scale data for the benchmarks, deterministic for a given scale.

A province (河南省) with 17 cities and ~180 counties/districts (漯河市 and its units from the
migration are re-parented under the province), ~540 departments, 10,000 users holding
memberships of every role, and 200,000 contacts spread over the regions (at `--scale 1`).
Later modules add their own steps: bench/projects.py (project library and campaign) runs after
STEPS, and a database generated before it gains its rows on the next run.

The rows are written with the plain `QuerySet.bulk_create`, deliberately bypassing
`LoggedQuerySet.bulk_create` and its change-log row per object: this is synthetic benchmark
data nobody wrote, and logging it would double the generation time and the database size.
Regions are the exception (a few hundred rows, saved normally, because `Region.save()` builds
the materialised path).

A marker user (`bench_marker`, inactive) written in the same transaction as the data records
the scale; a later run with the same scale reuses the data instead of generating it again.
"""

import random
import time

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat

from keyprojects.core.access import Role
from keyprojects.orgs.choices import RegionLevel
from keyprojects.orgs.models import Contact, Department, Membership, Office, Region, User

MARKER = "bench_marker"
PASSWORD = "bench-password-2024"
BATCH = 5000
SEED = 20240917

BASE_SIZES = {"users": 10_000, "contacts": 200_000}

PROVINCE = ("410000", "河南省")
# GB/T 2260 prefixes and names of Henan's 17 prefecture-level cities; 漯河市 (4111) exists already.
CITIES = [
    ("4101", "郑州市"),
    ("4102", "开封市"),
    ("4103", "洛阳市"),
    ("4104", "平顶山市"),
    ("4105", "安阳市"),
    ("4106", "鹤壁市"),
    ("4107", "新乡市"),
    ("4108", "焦作市"),
    ("4109", "濮阳市"),
    ("4110", "许昌市"),
    ("4111", "漯河市"),
    ("4112", "三门峡市"),
    ("4113", "南阳市"),
    ("4114", "商丘市"),
    ("4115", "信阳市"),
    ("4116", "周口市"),
    ("4117", "驻马店市"),
]
UNITS_PER_CITY = 11  # 16 synthetic cities × 11 + 漯河市's 8 units = 184 counties/districts/zones
CITY_DEPARTMENTS = [
    "发展和改革委员会",
    "自然资源和规划局",
    "生态环境局",
    "住房和城乡建设局",
    "工业和信息化局",
    "商务局",
    "财政局",
    "统计局",
    "行政审批和政务信息管理局",
    "供电公司",
]
COUNTY_DEPARTMENTS = ["发展和改革委员会", "自然资源局"]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰文辉鹏宇浩然博涛晨阳凯歌振兴海燕春梅晓东立新"
POSTS = ["项目专员", "科长", "副科长", "主任", "副主任", "局长", "副局长", "联络员", "客户经理", "首席服务官", "工程师"]

# Share of users per role (the rest are enterprise users); region staff sit in counties and cities.
ROLE_SHARES = [
    (Role.CITY_ADMIN, 0.002),
    (Role.AUDITOR, 0.002),
    (Role.REGION_STAFF, 0.55),
    (Role.DEPARTMENT_STAFF, 0.15),
    (Role.OFFICE_STAFF, 0.02),
    (Role.LEADER, 0.05),
    (Role.SERVICE_OFFICER, 0.08),
    (Role.DISPATCHER, 0.03),
]

# The users the scenarios sign in as (created whatever the scale).
NAMED_USERS = {
    "bench_city_admin": (Role.CITY_ADMIN, None),
    "bench_county": (Role.REGION_STAFF, "郾城区"),  # one county's subtree (~1/184 of the rows)
    "bench_city": (Role.REGION_STAFF, "漯河市"),  # one city's subtree (~1/17 of the rows)
}


def sizes(scale):
    from . import projects

    return {**{name: max(50, round(base * scale)) for name, base in BASE_SIZES.items()}, **projects.sizes(scale)}


def marker():
    return User.objects.filter(username=MARKER).first()


def marker_scale(user):
    """The scale the data was generated at, read from the marker's last_name ("scale=0.01")."""
    return float(user.last_name.removeprefix("scale="))


def raw_bulk_create(model, objs, **kwargs):
    """Insert without the change log: see the module docstring for why."""
    created = []
    for start in range(0, len(objs), BATCH):
        created += models.QuerySet.bulk_create(model.objects.all(), objs[start : start + BATCH], **kwargs)
    return created


def person(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def phone(rng):
    return rng.choice(("139", "138", "137", "158", "0395-")) + f"{rng.randrange(10**7, 10**8)}"


def generate_regions(rng):
    province = Region.objects.filter(code=PROVINCE[0]).first()
    if province is None:
        province = Region(code=PROVINCE[0], name=PROVINCE[1], level=RegionLevel.PROVINCE)
        province.save()
    luohe = Region.objects.get(code="411100")
    if luohe.parent_id is None:
        # The migration made 漯河市 a root; hang it and its subtree under the province.
        subtree = Region.objects.filter(path__startswith=luohe.path)
        models.QuerySet.update(subtree, path=Concat(Value(province.path), F("path")))
        models.QuerySet.update(Region.objects.filter(pk=luohe.pk), parent=province)
    for prefix, name in CITIES:
        if prefix == "4111":
            continue
        city = Region(code=f"{prefix}00", name=name, level=RegionLevel.CITY, parent=province)
        city.save()
        for number in range(1, UNITS_PER_CITY + 1):
            level = RegionLevel.DISTRICT if number <= 4 else RegionLevel.COUNTY
            suffix = "区" if level == RegionLevel.DISTRICT else "县"
            Region(code=f"{prefix}{number:02d}", name=f"{name[:-1]}第{number}{suffix}", level=level, parent=city).save()


def generate_departments(rng):
    rows = []
    for region in Region.objects.exclude(level=RegionLevel.PROVINCE):
        names = CITY_DEPARTMENTS if region.level == RegionLevel.CITY else COUNTY_DEPARTMENTS
        rows += [Department(region=region, name=f"{region.name}{n}", short_name=n[:30]) for n in names]
    raw_bulk_create(Department, rows, ignore_conflicts=True)


def generate_users(rng, count):
    password = make_password(PASSWORD)  # hashed once: 10,000 hashes would take minutes
    regions = list(Region.objects.exclude(level=RegionLevel.PROVINCE))
    by_name = {r.name: r for r in regions}
    departments = list(Department.objects.all())
    offices = list(Office.objects.all())
    plan = [(username, role, by_name.get(where)) for username, (role, where) in NAMED_USERS.items()]
    for number in range(count - len(plan)):
        pick, role = rng.random(), Role.ENTERPRISE
        for candidate, share in ROLE_SHARES:
            if pick < share:
                role = candidate
                break
            pick -= share
        region = rng.choice(regions) if role == Role.REGION_STAFF or (role == Role.DISPATCHER and number % 2) else None
        plan.append((f"bench{number:05d}", role, region))
    users = raw_bulk_create(
        User,
        [User(username=username, first_name=person(rng), password=password) for username, _, _ in plan],
    )
    if users[0].pk is None:  # backends that cannot return ids (none we support, but be safe)
        users = list(User.objects.filter(username__in=[p[0] for p in plan]).order_by("pk"))
    memberships = []
    for user, (_, role, region) in zip(users, plan, strict=True):
        memberships.append(
            Membership(
                user=user,
                role=role,
                region=region,
                department=rng.choice(departments) if role == Role.DEPARTMENT_STAFF else None,
                office=rng.choice(offices) if role == Role.OFFICE_STAFF else None,
            )
        )
    raw_bulk_create(Membership, memberships)


def generate_contacts(rng, count):
    cities = list(Region.objects.filter(level=RegionLevel.CITY))
    counties = list(Region.objects.exclude(level__in=[RegionLevel.PROVINCE, RegionLevel.CITY]))
    departments = list(Department.objects.all())
    offices = list(Office.objects.all())
    rows = []
    for number in range(count):
        kind = rng.random()
        department = office = None
        if kind < 0.85:
            region = rng.choice(counties)
        elif kind < 0.95:
            region = rng.choice(cities)
        else:
            department = rng.choice(departments)
            region = department.region
            office = rng.choice(offices) if number % 10 == 0 else None
        rows.append(
            Contact(
                name=person(rng),
                post=rng.choice(POSTS),
                phone=phone(rng),
                email=f"c{number}@example.org" if number % 7 == 0 else "",
                region=region,
                department=department,
                office=office,
            )
        )
    raw_bulk_create(Contact, rows)


# (name, function(rng, sizes)): later modules append their own step.
STEPS = [
    ("regions", lambda rng, n: generate_regions(rng)),
    ("departments", lambda rng, n: generate_departments(rng)),
    ("users", lambda rng, n: generate_users(rng, n["users"])),
    ("contacts", lambda rng, n: generate_contacts(rng, n["contacts"])),
]


def generate(scale, out=print, only_later=False):
    """All steps in one transaction with the marker: a failed run leaves nothing behind.
    `only_later`: the marker exists but a later module's steps have not run (a database generated
    before they were added): run just those, in one transaction."""
    from . import projects

    rng = random.Random(SEED)
    wanted = sizes(scale)
    with transaction.atomic():
        for name, step in ([] if only_later else STEPS) + projects.STEPS:
            started = time.perf_counter()
            step(rng, wanted)
            out(f"  generated {name} in {time.perf_counter() - started:.1f} s")
        if not only_later:
            User.objects.create(username=MARKER, is_active=False, last_name=f"scale={scale:g}")


def counts():
    """What the database holds, for the report."""
    from . import projects

    return {
        "regions": Region.objects.count(),
        "departments": Department.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "contacts": Contact.objects.count(),
        **projects.counts(),
    }
