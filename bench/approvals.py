"""The green channel at province scale: 50,000 projects × 15 matters (750,000 matters).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kp_approvals python -m bench.approvals
    ... python -m bench.approvals --projects 5000 --repeat 5       # a quicker run

Three figures, each beside its reference measured in the same run on the same rows:

- a department's approval queue (`views.queue_rows`, the 300 rows its page shows, scoped by
  `restrict()`) against the bare ORM query of the same rows (department, open, order by days left);
- the per-department duration figures (`figures.department_durations`: median and p90 working
  days per department and matter, city-wide) against the bare `values_list` of the same rows;
- the daily clock job (`services.refresh_clocks`: one UPDATE per 500 distinct due dates) against
  one SQL UPDATE of the same rows.

Target: ≤ 3× each. Generated rows are written with the bare bulk insert (no change log): data
set-up, not what is measured.
"""

import argparse
import datetime
import os
import random
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyprojects.settings")


def timed(fn, repeat):
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def generate(projects: int, per_project: int = 15):
    from django.db import models, transaction

    from keyprojects.approvals.choices import ApprovalMode
    from keyprojects.approvals.choices import ApprovalStatus as S
    from keyprojects.approvals.models import ApprovalMatter, ApprovalPlan, ProjectApproval
    from keyprojects.orgs.models import Department, Region
    from keyprojects.projects.models import Project

    made = Project.objects.filter(name__startswith="bench-approvals-").count()
    if made >= projects:
        return
    rng = random.Random(13)
    city = Region.objects.get(code="411100")
    regions = list(Region.objects.filter(parent=city))
    departments = [Department.objects.get_or_create(region=city, name=f"bench 部门 {n}")[0] for n in range(8)]
    matters = list(ApprovalMatter.objects.order_by("pk"))[:per_project]
    for n, matter in enumerate(matters):
        matter.department = departments[n % len(departments)]
        matter.save()
    today = datetime.date.today()
    statuses = [S.NOT_STARTED, S.APPLIED, S.ACCEPTED, S.IN_REVIEW, S.AWAITING_APPLICANT, S.APPROVED, S.APPROVED]
    bulk = models.QuerySet.bulk_create
    with transaction.atomic():
        for start in range(made, projects, 2000):
            batch = bulk(
                Project.objects.all(),
                [
                    Project(
                        name=f"bench-approvals-{i}",
                        region=rng.choice(regions),
                        total_investment=10000,
                        signboard_token=f"ba{i}",
                    )
                    for i in range(start, min(projects, start + 2000))
                ],
            )
            plans = bulk(ApprovalPlan.objects.all(), [ApprovalPlan(project=p, kind="filed") for p in batch])
            rows = []
            for plan in plans:
                for matter in matters:
                    status = rng.choice(statuses)
                    accepted = today - datetime.timedelta(days=rng.randint(1, 120)) if status != S.NOT_STARTED else None
                    row = ProjectApproval(
                        plan=plan,
                        project_id=plan.project_id,
                        matter=matter,
                        department_id=matter.department_id,
                        statutory_days=matter.statutory_days,
                        mode=ApprovalMode.REGULAR,
                        status=status,
                        applied_on=accepted,
                        accepted_on=accepted,
                    )
                    if status in (S.ACCEPTED, S.IN_REVIEW):
                        row.due = accepted + datetime.timedelta(
                            days=matter.statutory_days * 7 // 5 + rng.randint(0, 10)
                        )
                        row.remaining_days = rng.randint(-10, 30)
                    elif status == S.AWAITING_APPLICANT:
                        row.remaining_days = rng.randint(0, 20)
                    elif status == S.APPROVED:
                        row.working_days = rng.randint(1, matter.statutory_days + 8)
                        row.decided_on = accepted + datetime.timedelta(days=row.working_days * 7 // 5)
                    rows.append(row)
            bulk(ProjectApproval.objects.all(), rows, batch_size=5000)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    django.setup()
    from django.db import models, transaction
    from django.db.models import F

    from keyprojects.approvals import figures, services
    from keyprojects.approvals.choices import OPEN, RUNNING
    from keyprojects.approvals.models import ProjectApproval
    from keyprojects.approvals.views import queue_rows
    from keyprojects.core.access import Role
    from keyprojects.orgs.models import Department, Membership, User

    started = time.perf_counter()
    generate(args.projects)
    print(f"data: {ProjectApproval.objects.count():,} matters ({time.perf_counter() - started:.0f} s to make or find)")
    department = Department.objects.get(name="bench 部门 0")
    staff, _new = User.objects.get_or_create(username="bench-dept")
    Membership.objects.get_or_create(user=staff, role=Role.DEPARTMENT_STAFF, department=department)
    admin, _new = User.objects.get_or_create(username="bench-city")
    Membership.objects.get_or_create(user=admin, role=Role.CITY_ADMIN)

    def queue():
        user = User.objects.get(pk=staff.pk)  # memberships read afresh, as in a request
        return list(queue_rows(user, [department.pk])[:300])

    def queue_bare():
        return list(
            ProjectApproval.objects.filter(
                department=department, archived_at__isnull=True, status__in=OPEN - {"not_started"}
            )
            .select_related("project", "matter", "department")
            .order_by(F("remaining_days").asc(nulls_last=True), "pk")[:300]
        )

    def durations():
        return figures.department_durations(User.objects.get(pk=admin.pk))

    def durations_bare():
        return list(
            ProjectApproval.objects.filter(archived_at__isnull=True, working_days__isnull=False)
            .values_list("department__name", "matter__name", "statutory_days", "working_days")
            .order_by()
        )

    today = datetime.date.today()
    running = ProjectApproval.objects.filter(archived_at__isnull=True, status__in=RUNNING, due__isnull=False)

    def job():
        with transaction.atomic():
            services.refresh_clocks(today)
            transaction.set_rollback(True)

    def job_bare():
        with transaction.atomic():
            models.QuerySet.update(running, remaining_days=F("statutory_days"))
            transaction.set_rollback(True)

    rows = [
        ("department queue (300 rows)", queue_rows(staff, [department.pk]).count(), queue, queue_bare),
        ("duration figures, city-wide", len(durations_bare()), durations, durations_bare),
        ("daily clock job", running.count(), job, job_bare),
    ]
    print("| scenario | rows | ms | reference ms | ratio | target |")
    print("|---|---:|---:|---:|---:|---|")
    for label, count, fn, ref in rows:
        ms, ref_ms = timed(fn, args.repeat), timed(ref, args.repeat)
        ratio = ms / ref_ms
        verdict = "ok" if ratio <= 3 else "**missed**"
        print(f"| {label} | {count:,} | {ms:.1f} | {ref_ms:.1f} | {ratio:.2f} | {verdict} (≤ 3×) |")


if __name__ == "__main__":
    main()
