"""Attraction at province scale (issue 16): 100,000 leads and 1,000,000 visits on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kp_attraction python -m bench.attraction --markdown

Generates (once, kept while the marker user `bench_attraction` exists) 1,000 cadres in 8 units and
their teams, 100,000 target enterprises and leads spread over every state and two years, and
1,000,000 visits; rows are written with the plain bulk_create, without the change log, as
bench/data.py explains. Then times the pipeline board and the rankings (by cadre, team and region)
as the city administrator and as a county user, the lead list and the API list, each beside its
reference measured in the same run: the bare ORM aggregate of the same rows (the board's grouped
count and sum and its column cards; the rankings' five grouped aggregates), or the bare page
query. Target: ≤ 3× the reference, and a query count that does not grow with rows.
"""

import argparse
import os
import random
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

MARKER = "bench_attraction"
SEED = 16
BATCH = 5000


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyprojects.settings")
    os.environ.setdefault("DEBUG", "0")
    import django

    django.setup()


def generate(leads_n, visits_n, out=print):
    from django.core.management import call_command
    from django.db import models, transaction

    from keyprojects.attraction.choices import LeadStatus, Post, TeamKind, VisitKind
    from keyprojects.attraction.models import Cadre, Lead, TargetEnterprise, Team, Visit, YearGoal
    from keyprojects.core.access import Role
    from keyprojects.orgs.models import Membership, Region, User

    from .data import raw_bulk_create

    call_command("migrate", verbosity=0)
    if User.objects.filter(username=MARKER).exists():
        return
    started = time.perf_counter()
    rng = random.Random(SEED)
    today = date.today()
    with transaction.atomic():
        city = Region.objects.get(code="411100")
        units = list(Region.objects.filter(parent=city).order_by("pk"))
        admin = models.QuerySet.bulk_create(User.objects.all(), [User(username="bench_att_admin")])[0]
        county = models.QuerySet.bulk_create(User.objects.all(), [User(username="bench_att_county")])[0]
        models.QuerySet.bulk_create(
            Membership.objects.all(),
            [
                Membership(user=admin, role=Role.CITY_ADMIN),
                Membership(user=county, role=Role.REGION_STAFF, region=Region.objects.get(name="郾城区")),
            ],
        )
        teams = raw_bulk_create(Team, [Team(name=f"{u.name}六职", kind=TeamKind.SIX_POSTS, region=u) for u in units])
        users = raw_bulk_create(User, [User(username=f"bench_cadre_{i}", first_name=f"招商{i}") for i in range(1000)])
        raw_bulk_create(Membership, [Membership(user=u, role=Role.ATTRACTION) for u in users])
        posts = list(Post)
        cadres = raw_bulk_create(
            Cadre,
            [
                Cadre(user=u, post=posts[i % len(posts)], region=teams[i % 8].region, team=teams[i % 8])
                for i, u in enumerate(users)
            ],
        )
        raw_bulk_create(
            YearGoal,
            [
                YearGoal(cadre=c, year=today.year, leads=100, visits=1000, signings=10, investment=100000)
                for c in cadres
            ],
        )
        targets = raw_bulk_create(
            TargetEnterprise,
            [
                TargetEnterprise(name=f"基准目标企业{i}有限公司", name_key=f"基准目标企业{i}有限公司")
                for i in range(leads_n)
            ],
        )
        statuses = list(LeadStatus)
        rows = []
        for i, target in enumerate(targets):
            owner = cadres[rng.randrange(len(cadres))]
            status = statuses[rng.randrange(len(statuses))]
            found = today - timedelta(days=rng.randrange(20, 730))
            signed = status in (LeadStatus.SIGNED, LeadStatus.HANDED_OVER)
            rows.append(
                Lead(
                    name=f"基准项目{i}",
                    target=target,
                    region_id=owner.region_id,
                    owner=owner,
                    team_id=owner.team_id,
                    status=status,
                    found_on=found,
                    investment=Decimal(rng.randrange(1000, 500000)),
                    last_activity_on=found + timedelta(days=rng.randrange(0, 15)),
                    signed_on=found + timedelta(days=15) if signed else None,
                    contracted_investment=Decimal(rng.randrange(1000, 500000)) if signed else None,
                )
            )
        leads = raw_bulk_create(Lead, rows)
        out(f"  {len(leads):,} leads in {time.perf_counter() - started:.0f} s")
        batch = []
        for _i in range(visits_n):
            lead = leads[rng.randrange(len(leads))]
            batch.append(
                Visit(
                    lead_id=lead.pk,
                    kind=VisitKind.OUTGOING,
                    date=lead.found_on + timedelta(days=rng.randrange(0, 20)),
                    people="甲、乙",
                    cadre_id=lead.owner_id,
                )
            )
            if len(batch) == BATCH:
                models.QuerySet.bulk_create(Visit.objects.all(), batch)
                batch = []
        if batch:
            models.QuerySet.bulk_create(Visit.objects.all(), batch)
        models.QuerySet.bulk_create(User.objects.all(), [User(username=MARKER, is_active=False)])
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    out(f"  {visits_n:,} visits; generated in {time.perf_counter() - started:.0f} s")


def scenarios(year):
    from django.db.models import Count, Q, Sum

    from keyprojects.attraction import board
    from keyprojects.attraction.choices import PIPELINE, SIGNED_STATUSES, LeadStatus
    from keyprojects.attraction.models import FundsInPlace, Lead, Visit, YearGoal
    from keyprojects.attraction.rankings import STARTED_OR_LATER
    from keyprojects.orgs.models import Region, User

    from .scenarios import Request

    admin = User.objects.get(username="bench_att_admin")
    county = User.objects.get(username="bench_att_county")
    yancheng = Region.objects.get(name="郾城区")

    def board_reference(leads):
        def run():
            list(leads.order_by().values("status").annotate(n=Count("pk"), s=Sum("investment")))
            for status in (*PIPELINE, LeadStatus.DROPPED):
                list(
                    leads.filter(status=status)
                    .select_related("owner__user", "link", "target")
                    .order_by("-investment", "-pk")[: board.CARDS]
                )

        return run

    def rankings_reference(leads, path, goal):
        def run():
            list(leads.filter(found_on__year=year).order_by().values(path).annotate(n=Count("pk")))
            list(
                leads.filter(signed_on__year=year, status__in=SIGNED_STATUSES)
                .order_by()
                .values(path)
                .annotate(
                    n=Count("pk"),
                    s=Sum("contracted_investment"),
                    started=Count("pk", filter=Q(project__stage__in=STARTED_OR_LATER)),
                )
            )
            list(
                Visit.objects.filter(lead__in=leads, date__year=year)
                .order_by()
                .values(f"lead__{path}")
                .annotate(n=Count("pk"))
            )
            list(
                FundsInPlace.objects.filter(project__lead__in=leads, month__year=year)
                .order_by()
                .values(f"project__lead__{path}")
                .annotate(s=Sum("amount"))
            )
            list(YearGoal.objects.filter(year=year).order_by().values(goal).annotate(n=Sum("leads")))

        return run

    def page_reference(leads):
        def run():
            list(
                leads.select_related("target", "link__chain", "region", "owner__user", "team").order_by(
                    "-found_on", "-pk"
                )[:50]
            )
            leads.count()

        return run

    everything = Lead.objects.filter(archived_at__isnull=True)
    own = everything.filter(region=yancheng)
    return [
        ("pipeline board, city admin", Request(admin, "/attraction/"), board_reference(everything), everything),
        ("pipeline board, county user", Request(county, "/attraction/"), board_reference(own), own),
        (
            "rankings by cadre, city admin",
            Request(admin, f"/attraction/rankings/?year={year}"),
            rankings_reference(everything, "owner", "cadre"),
            everything,
        ),
        (
            "rankings by team, city admin",
            Request(admin, f"/attraction/rankings/?by=team&year={year}"),
            rankings_reference(everything, "team", "cadre__team"),
            everything,
        ),
        (
            "rankings by region, city admin",
            Request(admin, f"/attraction/rankings/?by=region&year={year}"),
            rankings_reference(everything, "owner__region", "cadre__region"),
            everything,
        ),
        (
            "rankings by cadre, county user",
            Request(county, f"/attraction/rankings/?year={year}"),
            rankings_reference(own, "owner", "cadre"),
            own,
        ),
        ("lead list, city admin", Request(admin, "/attraction/leads/"), page_reference(everything), everything),
        ("lead list, county user", Request(county, "/attraction/leads/"), page_reference(own), own),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.attraction", description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--markdown", action="store_true", help="append the figures to bench/RESULTS.md")
    parser.add_argument("--note", default="")
    parser.add_argument("--only", nargs="*", help="scenarios whose name contains one of these words")
    args = parser.parse_args(argv)
    setup()
    from django.conf import settings
    from django.db import connection

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        sys.exit("bench.attraction: use PostgreSQL (DATABASE_URL=postgres://…)")
    import keyprojects.wsgi  # noqa: F401

    from .scenarios import queries, timed

    generate(args.leads, args.visits)
    from keyprojects.attraction.models import Lead, Visit

    sizes = {"leads": Lead.objects.count(), "visits": Visit.objects.count()}
    year = date.today().year
    lines = []
    header = (
        "| scenario | rows | median ms | p95 ms | queries | reference ms | ratio | target ≤ 3× |\n"
        "|---|---:|---:|---:|---:|---:|---:|---|"
    )
    print(header)
    for name, request, reference, rows in scenarios(year):
        if args.only and not any(word in name for word in args.only):
            continue
        count = queries(request)
        timing = timed(request, args.repeat, args.warmup)
        ref = timed(reference, args.repeat, args.warmup)
        ratio = timing.median / ref.median
        line = (
            f"| {name} | {rows.count():,} | {timing.median:.1f} | {timing.p95:.1f} | {count} | {ref.median:.1f} | "
            f"{ratio:.1f} | {'ok' if ratio <= 3 else '**missed**'} |"
        )
        print(line, flush=True)
        lines.append(line)
    if args.markdown:
        from pathlib import Path

        command = (
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/kp_attraction python -m bench.attraction "
            + " ".join(argv or sys.argv[1:])
        )
        version = connection.pg_version
        text = [
            "",
            f"## {datetime.now():%Y-%m-%d %H:%M} · attraction (issue 16)",
            "",
            args.note or "Pipeline board and rankings against the bare ORM aggregate of the same rows.",
            "",
            f"- command: `{command}`",
            f"- machine: {os.cpu_count()} CPUs, PostgreSQL {version // 10000}.{version % 100}",
            f"- sizes: leads {sizes['leads']:,}, visits {sizes['visits']:,}, cadres 1,000 in 8 units",
            f"- each figure: {args.repeat} timed requests after {args.warmup} warm-ups through Django's test client "
            "(DEBUG off); "
            "reference = the same aggregates (or page) by bare ORM queries, without scoping, view or template",
            "",
            header,
            *lines,
        ]
        with Path(__file__).with_name("RESULTS.md").open("a", encoding="utf-8") as handle:
            handle.write("\n".join(text) + "\n")


if __name__ == "__main__":
    main()
