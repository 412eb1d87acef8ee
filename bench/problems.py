"""The problem ledger at province scale: `python -m bench.problems` (DATABASE_URL to PostgreSQL).

Generates, once per database, 200,000 problems × --scale over the regions the migrations load,
40 city departments and the four offices (plain bulk_create, no change log, as bench/data.py),
then times, each beside a reference measured in the same run:

- a department's work queue (/problems/queue/, through the test client) against the bare ORM
  query of the same rows (the department's problems in work, by deadline, 200 of them);
- the 动态清零 board (/problems/board/) against the bare aggregates of the same rows (one
  values().annotate() per table and the closed problems' working days);
- the daily job's overdue marking and escalation (services.mark_overdue + escalate_overdue,
  change log included) against one set-based SQL UPDATE of the same rows; each run rolled back
  so that every repetition does the same work: first as the very first run (every late problem
  gets its overdue and escalation lines and change-log rows), then as an ordinary day's run
  once that is done (nothing new).

The query count of each page is shown; it does not grow with rows (tests assert it).
"""

import argparse
import random
import sys
import time
from datetime import date, timedelta

from .__main__ import describe_database, machine, setup

BASE = 200_000
MARKER = "bench_problems"


def generate(scale, out=print):
    from keyprojects.core.access import Role
    from keyprojects.core.calendar import working_calendar
    from keyprojects.orgs.models import Department, Membership, Office, Region, User
    from keyprojects.problems.choices import DEFAULT_DAYS, OPEN, Category, ProblemClass, Source, Status
    from keyprojects.problems.models import Problem

    from .data import raw_bulk_create

    rng = random.Random(12)
    city = Region.objects.get(code="411100")
    counties = list(Region.objects.filter(parent=city)) or [city]
    departments = [Department.objects.get_or_create(region=city, name=f"基准部门{i:02d}")[0] for i in range(40)]
    offices = list(Office.objects.all())
    admin = User.objects.create_user(MARKER, password="bench-pass-12345", last_name=f"scale={scale:g}")
    Membership.objects.create(user=admin, role=Role.CITY_ADMIN)
    clerk = User.objects.create_user("bench_department", password="bench-pass-12345")
    Membership.objects.create(user=clerk, role=Role.DEPARTMENT_STAFF, department=departments[0])
    calendar = working_calendar()
    today = date.today()
    statuses = [(Status.CLOSED, 0.85), (Status.IN_PROGRESS, 0.08), (Status.ASSIGNED, 0.03), (Status.PROPOSED, 0.02)]
    statuses.append((Status.SUBMITTED, 1 - sum(w for _s, w in statuses)))
    total = int(BASE * scale)
    rows = []
    for n in range(total):
        raised = today - timedelta(days=rng.randint(60, 700))  # deadlines within published calendars
        klass = rng.choice([ProblemClass.SIMPLE, ProblemClass.SIMPLE, ProblemClass.COMPLEX, ProblemClass.ENQUIRY])
        status = rng.choices([s for s, _w in statuses], [w for _s, w in statuses])[0]
        assign, progress, resolve = DEFAULT_DAYS[klass]
        resolve_due = calendar.add_working_days(raised, resolve)
        problem = Problem(
            title=f"基准问题{n}",
            description="基准问题说明",
            source=Source.VISIT,
            category=rng.choice(Category.values),
            problem_class=klass,
            region=rng.choice(counties),
            office=rng.choice(offices),
            lead_department=None if status == Status.SUBMITTED else rng.choice(departments),
            raised_by=admin,
            raised_on=raised,
            status=status,
            assign_due=calendar.add_working_days(raised, assign),
            progress_due=calendar.add_working_days(raised, progress),
            resolve_due=resolve_due,
        )
        if status in OPEN:
            # most open problems are recent and on time; the older ones are what the job finds late
            problem.due = resolve_due if status != Status.PROPOSED else None
        else:
            problem.closed_on = min(today, calendar.add_working_days(raised, rng.randint(1, resolve + 5)))
            problem.on_time = problem.closed_on <= resolve_due
            problem.working_days = calendar.working_days_between(raised, problem.closed_on)
            problem.satisfied = rng.random() < 0.95
        rows.append(problem)
        if len(rows) == 20_000:
            raw_bulk_create(Problem, rows)
            rows = []
            out(f"  {n + 1:,} problems")
    raw_bulk_create(Problem, rows)


def timed(function, repeat, warmup=2):
    from .scenarios import timed as timed_

    return timed_(function, repeat, warmup)


def rolled_back(function):
    from django.db import transaction

    def run():
        with transaction.atomic():
            function()
            transaction.set_rollback(True)

    return run


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.problems")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    setup()
    from django.core.management import call_command
    from django.db import connection, models
    from django.db.models import Count, F, Q
    from django.test import Client
    from django.utils import timezone

    from keyprojects.orgs.models import User
    from keyprojects.problems import services
    from keyprojects.problems.board import CLOSED, figures
    from keyprojects.problems.choices import OPEN, WORKING
    from keyprojects.problems.models import Problem, ProblemAction

    from .scenarios import queries

    if connection.vendor != "postgresql":
        sys.exit("bench.problems: use PostgreSQL (DATABASE_URL)")
    call_command("migrate", verbosity=0, interactive=False)
    if not User.objects.filter(username=MARKER).exists():
        started = time.perf_counter()
        generate(args.scale)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"Generated in {time.perf_counter() - started:.0f} s")
    admin, clerk = User.objects.get(username=MARKER), User.objects.get(username="bench_department")
    department = clerk.memberships.get().department
    today = timezone.localdate()
    size = Problem.objects.count()
    late = Problem.objects.filter(status__in=OPEN, due__lt=today).count()
    results = []

    def measure(name, function, reference, rows, count=None):
        timing, base = timed(function, args.repeat), timed(reference, args.repeat)
        ratio = timing.median / base.median
        results.append((name, rows, timing.median, base.median, ratio, count))
        print(f"{name}: {timing.median:.1f} ms vs {base.median:.1f} ms → {ratio:.2f}× (queries {count})")

    # 1. the department's queue
    desk = Client()
    desk.force_login(clerk)

    def queue_reference():
        co = Problem.co_departments.through.objects.filter(department=department).values("problem_id")
        found = Problem.objects.filter(Q(lead_department=department) | Q(pk__in=co), status__in=WORKING)
        list(found.select_related("lead_department").order_by("due", "pk")[:51])

    shown = Problem.objects.filter(lead_department=department, status__in=WORKING).count()
    measure(
        "department queue page",
        lambda: desk.get("/problems/queue/"),
        queue_reference,
        shown,
        queries(lambda: desk.get("/problems/queue/")),
    )

    # 2. the board
    office = Client()
    office.force_login(admin)

    def board_reference():
        everything = Problem.objects.filter(archived_at__isnull=True)
        list(everything.values(group=F("lead_department"), name=F("lead_department__name")).annotate(**figures()))
        everything.aggregate(**figures())
        list(everything.filter(CLOSED).values_list("lead_department", "working_days"))
        answers = ProblemAction.objects.filter(type__in=["satisfied", "not_satisfied"])
        list(answers.values("problem__lead_department").annotate(n=Count("pk")))

    measure(
        "动态清零 board page",
        lambda: office.get("/problems/board/"),
        board_reference,
        size,
        queries(lambda: office.get("/problems/board/")),
    )

    # 3. the daily job
    def job():
        services.mark_overdue(today)
        services.escalate_overdue(today)

    def one_update():
        models.QuerySet.update(Problem.objects.filter(status__in=OPEN, due__lt=today), overdue_days=1, escalation=1)

    measure(
        "daily job, first run (every late problem newly marked)",
        rolled_back(job),
        rolled_back(one_update),
        late,
        queries(rolled_back(job)),
    )
    from django.db import transaction

    with transaction.atomic():  # the first run kept for the next measurement, then rolled back:
        job()  # the database stays as generated, so a later run measures a first run again
        measure(
            "daily job, next run the same day (nothing new)",
            rolled_back(job),
            rolled_back(one_update),
            late,
            queries(rolled_back(job)),
        )
        transaction.set_rollback(True)
    if args.markdown:
        from pathlib import Path

        lines = [
            "",
            f"## {timezone.localtime():%Y-%m-%d %H:%M %Z} · problem ledger · scale {args.scale:g}",
            "",
            f"- command: `DATABASE_URL=… python -m bench.problems {' '.join(sys.argv[1:])}`",
            f"- machine: {machine()}; database: {describe_database()}",
            f"- sizes: problems {size:,} (open past their deadline {late:,}); "
            f"{args.repeat} timed runs after 2 warm-ups",
            "",
            "| scenario | rows | median ms | reference ms | ratio | queries | target |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        for name, rows, ms, ref, ratio, count in results:
            verdict = "ok" if ratio <= 3 else "**missed**"
            lines.append(f"| {name} | {rows:,} | {ms:.1f} | {ref:.1f} | {ratio:.2f} | {count} | {verdict} (≤ 3×) |")
        with Path(__file__).with_name("RESULTS.md").open("a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
