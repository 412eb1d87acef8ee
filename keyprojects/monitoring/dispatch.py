"""每日调度: the daily dispatch list's rows, one query for the page's projects, one for their
figures as subqueries over the page's ids (cameras, health, yesterday's and today's snapshot,
activity, idle run, open problems, today's finding), then one for the shown snapshots. The cost does not
grow with rows (bench/monitoring.py measures it against the bare ORM query)."""

import datetime

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from keyprojects.core.access import Action
from keyprojects.problems.choices import OPEN
from keyprojects.problems.models import Problem
from keyprojects.projects.models import Project

from .choices import Finding, Health
from .models import Camera, DailyActivity, Inspection, Snapshot


def _count(queryset):
    counted = queryset.order_by().values("project_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _latest(day):
    found = Snapshot.objects.filter(project_id=OuterRef("pk"), day=day).order_by("-taken_at", "-pk")
    return Subquery(found.values("pk")[:1])


def monitored(user):
    """The sites this user may watch: in scope, with a monitored camera."""
    watched = Camera.objects.filter(active=True, archived_at__isnull=True).values("project_id")
    return Project.objects.restrict(user, Action.VIEW).filter(archived_at__isnull=True, pk__in=watched)


def _figures(day: datetime.date) -> dict:
    """Each site's figures for the day, as subqueries on its row."""
    cameras = Camera.objects.filter(project_id=OuterRef("pk"), active=True, archived_at__isnull=True)
    activity = DailyActivity.objects.filter(project_id=OuterRef("pk"), day__lte=day).order_by("-day")
    inspection = Inspection.objects.filter(project_id=OuterRef("pk"), day=day, archived_at__isnull=True)
    problems = Problem.objects.filter(project_id=OuterRef("pk"), status__in=OPEN, archived_at__isnull=True)
    return {
        "n_cameras": _count(cameras),
        "n_offline": _count(cameras.filter(health=Health.OFFLINE)),
        "n_stale": _count(cameras.filter(stale=True)),
        "today_pk": _latest(day),
        "yesterday_pk": _latest(day - datetime.timedelta(days=1)),
        "today_index": Subquery(activity.filter(day=day).values("index")[:1]),
        "yesterday_index": Subquery(activity.filter(day=day - datetime.timedelta(days=1)).values("index")[:1]),
        "idle_days": Coalesce(Subquery(activity.values("idle_days")[:1]), 0),
        "open_problems": _count(problems),
        "inspection_pk": Subquery(inspection.values("pk")[:1]),
        "finding": Subquery(inspection.values("finding")[:1]),
        "problem_pk": Subquery(inspection.values("problem_id")[:1]),
    }


def dispatch_rows(user, day: datetime.date, *, left_only=False, region=None, idle_only=False):
    """The day's sites in list order (by county, then id), figures left to `attach_figures` for
    the page's rows: PostgreSQL may otherwise compute a cheap-looking subquery for every site
    before the sort and the limit (bench/RESULTS.md, the dispatch list). The filters that need
    a figure (left to look at, suspected idle) compute that one figure."""
    rows = (
        monitored(user)
        .select_related("region")
        .only("pk", "name", "region__name", "region__path")
        .order_by("region__path", "pk")
    )
    if left_only or idle_only:
        figures = _figures(day)
        if left_only:
            rows = rows.annotate(inspection_pk=figures["inspection_pk"]).filter(inspection_pk__isnull=True)
        if idle_only:
            from .services import idle_after

            rows = rows.annotate(idle_days=figures["idle_days"]).filter(idle_days__gte=idle_after())
    if region is not None:
        rows = rows.filter(region__path__startswith=region.path)
    return rows


def summary(user, day: datetime.date) -> dict:
    """The list's header: sites, looked at, left, cameras offline, suspected idle; three
    aggregates, each joined through its own model's scope (no IN over the sites)."""
    from .services import idle_after

    live = {"archived_at__isnull": True, "project__archived_at__isnull": True}
    cameras = (
        Camera.objects.restrict(user)
        .filter(active=True, **live)
        .aggregate(
            sites=Count("project_id", distinct=True),
            n=Count("pk"),
            offline=Count("pk", filter=Q(health=Health.OFFLINE)),
            stale=Count("pk", filter=Q(stale=True)),
        )
    )
    done = Inspection.objects.restrict(user).filter(day=day, **live).count()
    recent = DailyActivity.objects.restrict(user).filter(day__in=[day, day - datetime.timedelta(days=1)])
    idle = recent.filter(idle_days__gte=idle_after()).values("project_id").distinct().count()
    return {
        "sites": cameras["sites"],
        "done": done,
        "left": max(0, cameras["sites"] - done),
        "cameras": cameras["n"],
        "offline": cameras["offline"],
        "stale": cameras["stale"],
        "idle": idle,
    }


# The page's figures in hand-written SQL: the same twelve subqueries built by the ORM
# (`_figures`, still used by the filters) cost 30 ms of Python to compile per page, against well
# under a millisecond for PostgreSQL to run them over 30 ids (bench/RESULTS.md, the dispatch
# list). The dispatch tests read every figure on the page, so a drift breaks them loudly.
_FIGURES_SQL = """
SELECT p.id,
  (SELECT COUNT(*) FROM {camera} c WHERE c.project_id = p.id AND c.active AND c.archived_at IS NULL),
  (SELECT COUNT(*) FROM {camera} c
    WHERE c.project_id = p.id AND c.active AND c.archived_at IS NULL AND c.health = %s),
  (SELECT COUNT(*) FROM {camera} c WHERE c.project_id = p.id AND c.active AND c.archived_at IS NULL AND c.stale),
  (SELECT s.id FROM {snapshot} s WHERE s.project_id = p.id AND s.day = %s ORDER BY s.taken_at DESC, s.id DESC LIMIT 1),
  (SELECT s.id FROM {snapshot} s WHERE s.project_id = p.id AND s.day = %s ORDER BY s.taken_at DESC, s.id DESC LIMIT 1),
  (SELECT a.{index} FROM {activity} a WHERE a.project_id = p.id AND a.day = %s),
  (SELECT a.{index} FROM {activity} a WHERE a.project_id = p.id AND a.day = %s),
  COALESCE((SELECT a.idle_days FROM {activity} a WHERE a.project_id = p.id AND a.day <= %s
    ORDER BY a.day DESC LIMIT 1), 0),
  (SELECT COUNT(*) FROM {problem} q WHERE q.project_id = p.id AND q.archived_at IS NULL AND q.status IN ({open})),
  i.id, i.finding, i.problem_id
FROM {project} p LEFT JOIN {inspection} i ON i.project_id = p.id AND i.day = %s AND i.archived_at IS NULL
WHERE p.id IN ({ids})
"""
_FIGURE_NAMES = (
    "n_cameras", "n_offline", "n_stale", "today_pk", "yesterday_pk", "today_index", "yesterday_index",
    "idle_days", "open_problems", "inspection_pk", "finding", "problem_pk",
)  # fmt: skip


def _page_figures(ids: list[int], day: datetime.date) -> dict[int, dict]:
    if not ids:
        return {}
    quote = connection.ops.quote_name
    sql = _FIGURES_SQL.format(
        camera=quote(Camera._meta.db_table),
        snapshot=quote(Snapshot._meta.db_table),
        activity=quote(DailyActivity._meta.db_table),
        problem=quote(Problem._meta.db_table),
        project=quote(Project._meta.db_table),
        inspection=quote(Inspection._meta.db_table),
        index=quote("index"),
        open=", ".join(["%s"] * len(OPEN)),
        ids=", ".join(["%s"] * len(ids)),
    )
    yesterday = day - datetime.timedelta(days=1)
    params = [Health.OFFLINE, day, yesterday, day, yesterday, day, *OPEN, day, *ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: dict(zip(_FIGURE_NAMES, row[1:], strict=True)) for row in cursor.fetchall()}


def attach_figures(rows, day: datetime.date) -> list:
    """The page's rows with their figures (one query over their ids), their two snapshots (one
    query) and the finding's label."""
    rows = list(rows)
    figures = _page_figures([row.pk for row in rows], day)
    for row in rows:
        for name, value in figures.get(row.pk, {}).items():
            setattr(row, name, value)
    wanted = {pk for row in rows for pk in (row.today_pk, row.yesterday_pk) if pk}
    found = Snapshot.objects.only("pk", "taken_at", "stale", "activity", "people").in_bulk(wanted)
    labels = dict(Finding.choices)
    for row in rows:
        row.today_snapshot = found.get(row.today_pk)
        row.yesterday_snapshot = found.get(row.yesterday_pk)
        row.finding_label = labels.get(row.finding, "")
    return rows
