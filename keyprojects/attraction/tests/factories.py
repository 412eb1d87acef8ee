"""Builders for attraction tests: real rows through the real services."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from keyprojects.core.access import Role
from keyprojects.orgs.models import Membership, Region, User

from .. import services
from ..choices import Gap, Opinion, Post, TeamKind
from ..models import Cadre, Chain, ChainLink, Team

PDF = b"%PDF-1.4\n" + b"0" * 200
PASSWORD = "test-pass-12345"


def agreement(name="投资协议.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def food_chain():
    chain = Chain.objects.create(name="食品")
    links = {}
    for order, (name, gap, codes) in enumerate(
        [
            ("原料", Gap.NONE, "A03"),
            ("加工", Gap.STRENGTHEN, "C135 C136"),
            ("冷链物流", Gap.FILL, "G595"),
            ("包装", Gap.EXTEND, "C223"),
        ]
    ):
        links[name] = ChainLink.objects.create(chain=chain, name=name, order=order, gap=gap, industry_codes=codes)
    return chain, links


def cadre(username, region="郾城区", post=Post.ATTRACTION_DEPUTY, team=None, name=None):
    user = User.objects.create_user(username, password=PASSWORD, first_name=name or username)
    Membership.objects.create(user=user, role=Role.ATTRACTION)
    region = Region.objects.get(name=region)
    if team is None:
        team = Team.objects.get_or_create(name=f"{region.name}六职", kind=TeamKind.SIX_POSTS, region=region)[0]
    return Cadre.objects.create(user=user, post=post, region=region, team=team)


def lead(
    owner,
    *,
    by,
    company="漯河冷链物流有限公司",
    code=None,
    name=None,
    link=None,
    on=date(2026, 3, 2),
    investment="50000",
):
    return services.create_lead(
        by=by,
        name=name or f"{company}项目",
        company=company,
        credit_code=code,
        region=owner.region,
        owner=owner,
        found_on=on,
        investment=Decimal(investment),
        link=link,
    )


def signed_lead(owner, *, by, evaluator, **kwargs):
    """A lead taken through the pipeline to a signed agreement, the way people do it."""
    found = lead(owner, by=by, **kwargs)
    services.contact(found, by=by, on=date(2026, 3, 5))
    services.record_visit(found, by=by, kind="outgoing", date=date(2026, 3, 10), people="张三、李总")
    services.negotiate(found, by=by, on=date(2026, 3, 20))
    services.evaluate(
        found,
        by=evaluator,
        on=date(2026, 4, 1),
        investment=Decimal("60000"),
        land_mu=Decimal("120"),
        energy_tce=Decimal("3000"),
        tax_per_mu=Decimal("35"),
        output=Decimal("150000"),
        jobs=400,
        score=86,
        opinion=Opinion.RECOMMEND,
    )
    return services.sign(
        found, by=by, on=date(2026, 4, 15), contracted_investment=Decimal("60000"), agreement=agreement()
    )


def matrix_world(users):
    """For the role × verb matrix (core/tests/test_verbs.py): a 郾城区 cadre's leads, one in
    each state a verb starts from, and two trips (reported, approved)."""
    from ..choices import TripStatus
    from ..models import Trip

    owner = cadre("matrix_cadre", name="矩阵招商员")
    by = users["county_a"]
    found = lead(owner, by=by, company="矩阵甲公司")
    visited = lead(owner, by=by, company="矩阵乙公司")
    services.record_visit(visited, by=by, kind="outgoing", date=date(2026, 3, 3), people="甲")
    negotiating = lead(owner, by=by, company="矩阵丙公司")
    services.record_visit(negotiating, by=by, kind="outgoing", date=date(2026, 3, 3), people="甲")
    services.negotiate(negotiating, by=by, on=date(2026, 3, 4))
    evaluated = lead(owner, by=by, company="矩阵丁公司")
    services.record_visit(evaluated, by=by, kind="outgoing", date=date(2026, 3, 3), people="甲")
    services.negotiate(evaluated, by=by, on=date(2026, 3, 4))
    services.evaluate(
        evaluated,
        by=users["city_admin"],
        on=date(2026, 3, 5),
        investment=Decimal(100),
        land_mu=Decimal(10),
        energy_tce=Decimal(10),
        tax_per_mu=Decimal(10),
        output=Decimal(100),
        jobs=10,
        score=80,
        opinion=Opinion.RECOMMEND,
    )
    signed = signed_lead(owner, by=by, evaluator=users["city_admin"], company="矩阵戊公司")
    start = date(2026, 1, 5)
    reported = services.report_trip(
        Trip(
            cadre=owner,
            destination="上海",
            whom="某食品集团",
            purpose="洽谈",
            start_on=start,
            end_on=start,
            late_reason="补报",
        ),
        by=by,
    )
    approved = services.report_trip(
        Trip(
            cadre=owner,
            destination="深圳",
            whom="某冷链企业",
            purpose="拜访",
            start_on=start,
            end_on=start + timedelta(days=2),
            late_reason="补报",
        ),
        by=by,
    )
    approved = services.approve_trip(approved, by=users["city_admin"])
    assert approved.status == TripStatus.APPROVED
    return {
        ("attraction.Lead", "contact"): found,
        ("attraction.Lead", "visit"): found,
        ("attraction.Lead", "negotiate"): visited,
        ("attraction.Lead", "evaluate"): negotiating,
        ("attraction.Lead", "sign"): evaluated,
        ("attraction.Lead", "hand_over"): signed,
        ("attraction.Lead", "drop"): found,
        ("attraction.Trip", "approve"): reported,
        ("attraction.Trip", "reject"): reported,
        ("attraction.Trip", "record_visit"): approved,
        ("attraction.Trip", "conclude"): approved,
    }


# What each verb accepts in the matrix (a file is sent as multipart, built anew for each call).
MATRIX_BODIES = {
    "contact": {"on": "2026-03-05"},
    "visit": {"kind": "outgoing", "date": "2026-03-05", "people": "张三"},
    "negotiate": {"on": "2026-03-05"},
    "evaluate": {
        "on": "2026-03-06",
        "investment": "100",
        "land_mu": "10",
        "energy_tce": "10",
        "tax_per_mu": "10",
        "output": "100",
        "jobs": "10",
        "score": "80",
        "opinion": "recommend",
    },
    "sign": lambda: {"on": "2026-03-07", "contracted_investment": "100", "agreement": agreement()},
    "drop": {"reason": "无意向"},
    "approve": {"note": "同意"},
    "record_visit": {"company": "矩阵新公司", "date": "2026-01-06", "people": "乙"},
    "conclude": {"outcome": "拜访两家企业"},
}


def attraction_city(users):
    """What the reading tests (core/tests/test_pages_read.py, test_language.py) walk: a chain
    with gaps, a lead of 131.23 亿 visited and another signed and handed over with funds, a trip
    approved, goals to compare with."""
    from django.utils import timezone

    from ..choices import FundSource
    from ..models import FundsInPlace, Trip, YearGoal

    _chain, links = food_chain()
    owner = cadre("reading_cadre", name="阅读招商员")
    county = users["county_a"]
    big = lead(owner, by=county, company="读页冷链物流有限公司", link=links["冷链物流"], investment="1312345.6")
    services.record_visit(big, by=county, kind="outgoing", date=date(2026, 3, 3), people="阅读招商员、王总")
    signed = signed_lead(owner, by=county, evaluator=users["city_admin"], company="读页食品有限公司")
    project = services.hand_over(signed, by=county)
    services.record_funds(
        FundsInPlace(project=project, month=date(2026, 5, 1), source=FundSource.FOREIGN, amount=Decimal("12345.67")),
        by=county,
    )
    YearGoal.objects.create(
        cadre=owner, year=timezone.localdate().year, leads=4, visits=12, signings=1, investment=Decimal("150000")
    )
    start = timezone.localdate()
    trip = services.report_trip(
        Trip(cadre=owner, destination="上海", whom="读页冷链", purpose="洽谈", start_on=start, end_on=start),
        by=owner.user,
    )
    return {"lead": big, "chain": _chain, "trip": trip}
