"""The slip-risk forecast's history, in columns, and its features as of a day — set-based.

`History` reads the platform's records once, each table one query into NumPy columns (dates as
day ordinals): the projects ever started, their nodes with the original plan (baseline 1, else
the node's planned date), the reported monthly reports with the day each was filed, year plans,
approved re-plans, and the newer apps' records a forecast may use — problems raised on the
project (app `problems`), approval matters (app `approvals`) and the cameras' daily activity
(app `monitoring`).

`frame(history, day)` computes every project's row as of `day` with array operations over
those columns (no loop over projects or months): each reads only what was known on `day` —
nodes reached by it, reports filed by it, re-plans decided by it, problems raised by it and
closed after it, approvals applied for by it and not decided by it, the cameras' activity
before it, the registration in statistics by it, the year plan of its year. Training stacks
the frames of sixty month starts (`stack`): one pass of NumPy per month instead of a Python
loop per project and month (151 s → see bench/RESULTS.md).
"""

from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.conf import settings

NEVER = 10**7  # a day ordinal after any date: "not (yet)"
ALWAYS = -(10**7)  # before any date
LATE_DAYS = 30
LAND_NODES = ("拿地", "前期手续")
# Working days to calendar days, for an approval's statutory limit (5 working days a week).
CALENDAR_PER_WORKING = 7 / 5
IDLE_LOOKBACK = 7  # the cameras' activity of the last week before the day counts
FEATURES = (
    "overdue_months",  # how long the next node is already past its planned date
    "due_soon",  # the next node falls due within 30 days
    "investment_behind",  # points behind 序时进度 / 10
    "no_plan",  # no year plan for the year
    "months_without_report",  # months since the last report submitted
    "late_nodes",  # nodes reached more than 30 days late so far
    "land_open_months",  # a land or approvals node past its date and not reached
    "replans",  # re-plans approved so far
    "not_in_statistics",  # started but not registered in statistics
    "size",  # log10 of the total investment (万元)
    "industry",
    "years_building",
    "open_problems",  # problems raised on the project and open on the day (app problems)
    "problem_open_months",  # how long the oldest of them has been open
    "approvals_overdue",  # approval matters past their statutory limit, undecided (app approvals)
    "idle_days",  # working days the site camera saw no activity, as of the day before (app monitoring)
)
GREEN, YELLOW, RED = 0, 1, 2


def _days(values, missing=NEVER) -> np.ndarray:
    """Dates (or None) as day ordinals (NumPy's own conversion of date objects is slower)."""
    return np.fromiter((d.toordinal() if d else missing for d in values), dtype=np.int64, count=len(values))


def ordinal(day) -> int:
    return day.toordinal() if day else NEVER


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _array(values, dtype=np.int64):
    return np.array(values, dtype=dtype) if values else np.zeros(0, dtype=dtype)


@dataclass
class History:
    """The records features are read from, as columns. Build it with `load()` (the database)
    or `from_records()` (lists of dicts, as tests write them)."""

    pk: np.ndarray = field(default_factory=lambda: _array([]))
    columns: dict = field(default_factory=dict)
    plans: dict = field(default_factory=dict)  # year → planned investment per project (0: none)

    def __len__(self):
        return len(self.pk)

    # -- building ----------------------------------------------------------------------------

    @classmethod
    def from_records(
        cls,
        projects,
        nodes=(),
        reports=(),
        plans=None,
        replans=(),
        problems=(),
        approvals=(),
        activity=(),
    ) -> "History":
        """projects: dicts of pk, stage, stage_date, actual_start_date, actual_production_date,
        total_investment, field, in_statistics, statistics_date; nodes: project_id, name,
        planned (the original plan), actual_date, in their order; reports: project_id, month,
        investment, filed; plans: {(pk, year): amount}; replans: (pk, decided day); problems:
        (pk, raised, closed); approvals: (pk, applied, statutory working days, decided);
        activity: (pk, day, idle working days)."""
        from keyprojects.projects.choices import Field, Stage

        projects = sorted(projects, key=lambda p: p["pk"])
        pk = _array([p["pk"] for p in projects])
        history = cls(pk=pk)
        c = history.columns
        c["start"] = _array([ordinal(p["actual_start_date"]) for p in projects])
        c["start_month"] = _array([month_index(p["actual_start_date"]) for p in projects])
        c["produced"] = _array([ordinal(p["actual_production_date"]) for p in projects])
        c["ended"] = _array([ordinal(p["stage_date"]) if p["stage"] == Stage.TERMINATED else NEVER for p in projects])
        c["size"] = np.log10(np.maximum(_array([float(p["total_investment"] or 1) for p in projects], float), 1.0))
        c["industry"] = _array([p["field"] == Field.INDUSTRY for p in projects], bool)
        c["registered"] = _array(
            [
                (ordinal(p["statistics_date"]) if p["statistics_date"] else ALWAYS) if p["in_statistics"] else NEVER
                for p in projects
            ]
        )
        history._nodes(
            [n["project_id"] for n in nodes],
            [n["name"] for n in nodes],
            [n["planned"] for n in nodes],
            [n["actual_date"] for n in nodes],
            [n.get("order", 0) for n in nodes],
        )
        history._reports(
            [r["project_id"] for r in reports],
            [r["month"] for r in reports],
            [float(r["investment"]) for r in reports],
            [r["filed"] for r in reports],
        )
        history._plans([(key[0], key[1], float(amount or 0)) for key, amount in (plans or {}).items()])
        history._events("replan", [(p, ordinal(day)) for p, day in replans])
        history._problems(problems)
        history._approvals(approvals)
        history._activity(activity)
        return history

    @classmethod
    def load(cls, projects=None) -> "History":
        """Every table one query, straight into columns (the projects ever started, or those of
        `projects`)."""
        from django.db.models import DateField
        from django.db.models.functions import Cast, TruncDate

        from keyprojects.projects.choices import REPORTED, BaselineStatus
        from keyprojects.projects.models import Baseline, Milestone, ProgressReport, Project, YearPlan

        queryset = (projects if projects is not None else Project.objects.all()).filter(
            archived_at__isnull=True, actual_start_date__isnull=False
        )
        rows = list(
            queryset.order_by("pk").values(
                "pk",
                "stage",
                "stage_date",
                "actual_start_date",
                "actual_production_date",
                "total_investment",
                "field",
                "in_statistics",
                "statistics_date",
            )
        )
        history = cls.from_records(rows)
        ids = queryset.values("pk")
        original = {}
        for nodes in Baseline.objects.filter(project_id__in=ids, number=1).values_list("nodes", flat=True):
            for node in nodes or ():
                if node.get("planned_date"):
                    original[node["id"]] = date.fromisoformat(node["planned_date"])
        found = list(
            Milestone.objects.filter(project_id__in=ids, archived_at__isnull=True)
            .order_by()
            .values_list("pk", "project_id", "name", "planned_date", "actual_date", "order")
        )
        pks, projects_of, names, planned, actual, orders = zip(*found, strict=True) if found else ((),) * 6
        if original:
            planned = [original.get(pk, day) for pk, day in zip(pks, planned, strict=True)]
        history._nodes(projects_of, names, planned, actual, orders, pks)
        found = list(
            ProgressReport.objects.filter(project_id__in=ids, archived_at__isnull=True, status__in=REPORTED)
            # the local day it was filed, computed by the database; Cast() leaves it without a
            # converter run in Python for each of hundreds of thousands of rows (TruncDate has one)
            .annotate(filed=Cast(TruncDate("submitted_at"), DateField()))
            .order_by()
            .values_list("project_id", "month", "investment", "filed")
        )
        history._reports(*(zip(*found, strict=True) if found else ((),) * 4))
        history._plans(
            list(
                YearPlan.objects.filter(project_id__in=ids, archived_at__isnull=True).values_list(
                    "project_id", "year", "planned_investment"
                )
            )
        )
        history._events(
            "replan",
            [
                (pk, ordinal(decided))
                for pk, decided in Baseline.objects.filter(
                    project_id__in=ids, number__gt=1, status=BaselineStatus.APPROVED, decided_at__isnull=False
                )
                .annotate(day=TruncDate("decided_at"))
                .values_list("project_id", "day")
            ],
        )
        history._load_newer_apps(ids)
        return history

    def _load_newer_apps(self, ids):
        """Problems, approval matters and camera activity, where those apps are installed."""
        from django.apps import apps

        if apps.is_installed("keyprojects.problems"):
            from keyprojects.problems.models import Problem

            self._problems(
                Problem.objects.filter(project_id__in=ids, archived_at__isnull=True).values_list(
                    "project_id", "raised_on", "closed_on"
                )
            )
        if apps.is_installed("keyprojects.approvals"):
            from keyprojects.approvals.models import ProjectApproval

            self._approvals(
                ProjectApproval.objects.filter(project_id__in=ids, archived_at__isnull=True, applied_on__isnull=False)
                .values_list("project_id", "applied_on", "statutory_days", "decided_on")
                .iterator(chunk_size=5000)
            )
        if apps.is_installed("keyprojects.monitoring"):
            from keyprojects.monitoring.models import DailyActivity

            found = DailyActivity.objects.filter(project_id__in=ids)
            self._activity(found.values_list("project_id", "day", "idle_days"))

    def index(self, pks) -> np.ndarray:
        """Positions of these project pks (-1 where not a project of the history)."""
        pks = _array(list(pks))
        if not len(self.pk):
            return np.full(len(pks), -1)
        found = np.clip(np.searchsorted(self.pk, pks), 0, len(self.pk) - 1)
        return np.where(self.pk[found] == pks, found, -1)

    def _sorted(self, prefix, keys):
        """Order the `prefix` columns by `keys` (last key first, as np.lexsort reads them): the
        database is not asked to sort (it costs it more than NumPy)."""
        order = np.lexsort(keys)
        for name in [name for name in self.columns if name.startswith(prefix)]:
            self.columns[name] = self.columns[name][order]

    def _nodes(self, projects, names, planned, actual, orders=None, pks=None):
        """Nodes; sorted by project, order and pk (default: as given)."""
        c = self.columns
        where = self.index(projects)
        keep = where >= 0  # a node of another project is not read
        c["node_project"] = where[keep]
        c["node_name"] = np.array(names, dtype=object)[keep] if len(names) else np.zeros(0, dtype=object)
        planned = _days(planned)[keep]
        c["node_has_plan"] = planned < NEVER
        c["node_planned"] = planned
        c["node_actual"] = _days(actual)[keep]
        c["node_land"] = np.isin(c["node_name"], LAND_NODES)
        rank = np.arange(int(keep.sum()))
        order = _array(list(orders))[keep] if orders is not None else rank
        pk = _array(list(pks))[keep] if pks is not None else rank
        self._sorted("node_", (pk, order, c["node_project"]))

    def _reports(self, projects, months, amounts, filed):
        """Reported monthly reports, sorted by project and month."""
        c = self.columns
        where = self.index(projects)
        keep = where >= 0
        c["report_project"] = where[keep]
        c["report_month"] = _days(months)[keep]
        index = np.fromiter((m.year * 12 + m.month - 1 for m in months), dtype=np.int64, count=len(months))[keep]
        c["report_month_index"] = index
        c["report_year"] = index // 12
        c["report_amount"] = np.array(amounts, dtype=float)[keep] if len(amounts) else np.zeros(0)
        filed = _days(filed)[keep]
        # a report with no stamp (an old import) is taken as filed by the 10th of the next month
        unstamped = filed == NEVER
        if unstamped.any():
            following = (index[unstamped] + 1 - 1970 * 12).astype("datetime64[M]").astype("datetime64[D]")
            filed[unstamped] = following.astype(np.int64) + date(1970, 1, 1).toordinal() + 9
        c["report_filed"] = filed
        self._sorted("report_", (c["report_month"], c["report_project"]))

    def _plans(self, rows):
        """{year: planned investment per project}; a project without a plan for the year has 0."""
        self.plans = {}
        rows = list(rows)
        if not rows:
            return
        pks, years, amounts = zip(*rows, strict=True)
        where, years = self.index(pks), _array(list(years))
        amounts = np.array([float(a or 0) for a in amounts])
        for year in np.unique(years).tolist():
            mine = (years == year) & (where >= 0)
            self.plans[year] = np.zeros(len(self.pk))
            self.plans[year][where[mine]] = amounts[mine]

    def _events(self, name, rows, *more):
        """A project's dated records: {name}_project, {name}_day and a column per `more` (name, values)."""
        rows = list(rows)
        where = self.index([r[0] for r in rows])
        keep = where >= 0
        self.columns[f"{name}_project"] = where[keep]
        self.columns[f"{name}_day"] = _array([r[1] for r in rows])[keep] if rows else _array([])
        for column, values in more:
            self.columns[column] = _array(values)[keep] if rows else _array([])

    def _problems(self, rows):
        rows = list(rows)
        self._events(
            "problem",
            [(p, ordinal(raised)) for p, raised, _closed in rows],
            ("problem_closed", [ordinal(closed) for _p, _raised, closed in rows]),
        )

    def _approvals(self, rows):
        rows = list(rows)
        # past its statutory limit from this day on (working days read as calendar weeks of five)
        self._events(
            "approval",
            [(p, ordinal(applied) + round(days * CALENDAR_PER_WORKING)) for p, applied, days, _decided in rows],
            ("approval_decided", [ordinal(decided) for *_rest, decided in rows]),
        )

    def _activity(self, rows):
        rows = list(rows)
        self._events(
            "activity", [(p, ordinal(day)) for p, day, _idle in rows], ("activity_idle", [i for *_r, i in rows])
        )


@dataclass
class Frame:
    """Rows as of one or more days, as columns: one row per project under way with a next node."""

    day: np.ndarray
    project: np.ndarray  # positions in the history
    node: np.ndarray  # positions of the next node
    values: np.ndarray  # rows × FEATURES
    label: np.ndarray  # 1 late, 0 on time, -1 not known (yet)
    resolved: np.ndarray  # the day the label became known (NEVER when not)
    light: np.ndarray  # the rule light as it stood on the day: GREEN, YELLOW, RED
    params: dict  # name → column (the figures the reasons quote)

    def __len__(self):
        return len(self.day)

    def take(self, mask) -> "Frame":
        return Frame(
            self.day[mask],
            self.project[mask],
            self.node[mask],
            self.values[mask],
            self.label[mask],
            self.resolved[mask],
            self.light[mask],
            {k: v[mask] for k, v in self.params.items()},
        )

    @classmethod
    def stack(cls, frames) -> "Frame":
        frames = list(frames)
        if not frames:
            return empty()
        return cls(
            *(np.concatenate([getattr(f, name) for f in frames]) for name in ("day", "project", "node")),
            np.vstack([f.values for f in frames]),
            *(np.concatenate([getattr(f, name) for f in frames]) for name in ("label", "resolved", "light")),
            {k: np.concatenate([f.params[k] for f in frames]) for k in frames[0].params},
        )


def empty() -> Frame:
    none = _array([])
    return Frame(none, none, none, np.zeros((0, len(FEATURES))), none, none, none, {})


def _per_project(n, where, weights=None):
    return np.bincount(where, weights=weights, minlength=n)[:n] if len(where) else np.zeros(n)


def _last_in_group(groups):
    """Positions of each group's last element in a sorted array of group keys."""
    return np.flatnonzero(np.r_[groups[1:] != groups[:-1], True]) if len(groups) else _array([])


def frame(history: History, day: date, now: date | None = None, include_known: bool = False) -> Frame:
    """Every project under way on `day` with a next node, from what was known on `day`; labels as
    known on `now` (default `day`: nothing after it is read). A project whose next node is already
    more than 30 days late has nothing left to forecast: left out unless `include_known` (the
    daily run still rates its confidence)."""
    c, n = history.columns, len(history)
    t, known = day.toordinal(), (now or day).toordinal()
    if not n:
        return empty()
    under = (c["start"] <= t) & (c["produced"] > t) & (c["ended"] > t)

    # the next node: the first (in order) with a plan that was not reached by the day
    node_project, planned, actual = c["node_project"], c["node_planned"], c["node_actual"]
    reached = actual <= t
    upcoming = c["node_has_plan"] & ~reached
    open_at = np.flatnonzero(upcoming)
    groups = node_project[open_at]
    first = open_at[np.r_[True, groups[1:] != groups[:-1]]] if len(open_at) else open_at
    next_node = np.full(n, -1)
    next_node[node_project[first]] = first
    rows = under & (next_node >= 0)
    overdue_all = np.where(next_node >= 0, np.maximum(0, t - planned[np.maximum(next_node, 0)]), 0)
    if not include_known:
        rows &= overdue_all <= LATE_DAYS
    where = np.flatnonzero(rows)
    node = next_node[where]
    node_planned, node_actual = planned[node], actual[node]
    overdue = overdue_all[where]
    due_in = node_planned - t

    # reports filed by the day: this year's completed investment before the day's month, the last month reported
    filed = c["report_filed"] <= t
    this_year = filed & (c["report_year"] == day.year) & (c["report_month"] < t)
    done = _per_project(n, c["report_project"][this_year], c["report_amount"][this_year])
    seen = np.flatnonzero(filed)
    last = seen[_last_in_group(c["report_project"][seen])]
    last_month = np.full(n, -1)
    last_month[c["report_project"][last]] = c["report_month_index"][last]
    today_month = month_index(day)
    months_without = np.where(
        last_month >= 0, np.minimum(6, today_month - last_month - 1), np.minimum(6, today_month - c["start_month"])
    )
    months_without = np.maximum(0, months_without)

    plan = history.plans.get(day.year, np.zeros(n))
    expected = (day.month - 1) * 100 / 12
    with np.errstate(divide="ignore", invalid="ignore"):
        progress = np.where(plan > 0, done * 100 / np.where(plan > 0, plan, 1), 0.0)
    behind = np.where(plan > 0, np.maximum(0.0, expected - progress), 0.0)

    late = reached & c["node_has_plan"] & (actual - planned > LATE_DAYS)
    late_nodes = _per_project(n, node_project[late])
    land = upcoming & c["node_land"] & (planned < t)
    earliest = np.full(n, NEVER)
    np.minimum.at(earliest, node_project[land], planned[land])
    land_days = np.where(earliest < NEVER, t - earliest, 0)
    replans = _per_project(n, c["replan_project"][c["replan_day"] <= t])
    registered = c["registered"] <= t

    # the newer apps: problems open on the day, approvals past their limit, the cameras' idle days
    open_problem = (c["problem_day"] <= t) & (c["problem_closed"] > t)
    open_problems = _per_project(n, c["problem_project"][open_problem])
    oldest = np.full(n, NEVER)
    np.minimum.at(oldest, c["problem_project"][open_problem], c["problem_day"][open_problem])
    problem_days = np.where(oldest < NEVER, t - oldest, 0)
    overdue_approval = (c["approval_day"] < t) & (c["approval_decided"] > t)
    approvals_overdue = _per_project(n, c["approval_project"][overdue_approval])
    recent = (c["activity_day"] < t) & (c["activity_day"] >= t - IDLE_LOOKBACK)
    idle = np.zeros(n, dtype=np.int64)
    latest = np.full(n, ALWAYS)
    np.maximum.at(latest, c["activity_project"][recent], c["activity_day"][recent])
    newest = recent & (c["activity_day"] == latest[np.maximum(c["activity_project"], 0)])
    idle[c["activity_project"][newest]] = c["activity_idle"][newest]

    p = where
    values = np.column_stack(
        [
            overdue / 30,
            ((due_in >= 0) & (due_in <= LATE_DAYS)).astype(float),
            behind[p] / 10,
            (plan[p] <= 0).astype(float),
            months_without[p].astype(float),
            late_nodes[p],
            land_days[p] / 30,
            replans[p],
            (~registered[p]).astype(float),
            c["size"][p],
            c["industry"][p].astype(float),
            (t - c["start"][p]) / 365,
            open_problems[p],
            problem_days[p] / 30,
            approvals_overdue[p],
            idle[p].astype(float),
        ]
    ).reshape(len(p), len(FEATURES))

    # the outcome as seen on `now`: on time when reached within 30 days of the plan, late 31 days after it
    on_time = node_actual <= node_planned + LATE_DAYS
    deadline = node_planned + LATE_DAYS + 1
    label = np.where(on_time, np.where(node_actual <= known, 0, -1), np.where(deadline <= known, 1, -1))
    resolved = np.where(label < 0, NEVER, np.where(on_time, node_actual, deadline))

    light = _lights(history, t, day, upcoming, done, plan, registered)[p]
    params = {
        "overdue": overdue,
        "due_in": np.maximum(due_in, 0),
        "behind": np.round(behind[p], 1),
        "months_without": months_without[p],
        "late_nodes": late_nodes[p].astype(int),
        "land_days": land_days[p],
        "replans": replans[p].astype(int),
        "open_problems": open_problems[p].astype(int),
        "problem_days": problem_days[p],
        "approvals_overdue": approvals_overdue[p].astype(int),
        "idle_days": idle[p],
    }
    return Frame(np.full(len(p), t), p, node, values, label, resolved, light, params)


def _lights(history, t, day, upcoming, done, plan, registered) -> np.ndarray:
    """The rule light of every project as it stood on the day, by the platform's own rules
    (projects.services.project_lights) on the records as they were then: a node late by more than
    M days red, late or due within N days yellow; investment behind 序时进度; started and not
    registered in statistics."""
    conf = settings.KEYPROJECTS_LIGHTS
    c, n = history.columns, len(history)
    planned, node_project = c["node_planned"], c["node_project"]
    red = _per_project(n, node_project[upcoming & (planned < t - conf["milestone_late_days"])]) > 0
    yellow = _per_project(n, node_project[upcoming & (planned - t <= conf["milestone_warning_days"])]) > 0
    expected = (day.month - 1) * 100 / 12
    with np.errstate(divide="ignore", invalid="ignore"):
        behind = np.where(plan > 0, expected - done * 100 / np.where(plan > 0, plan, 1), -np.inf)
    red |= behind > conf["investment_red_points"]
    yellow |= behind >= conf["investment_yellow_points"]
    waited = t - c["start"]
    red |= ~registered & (waited > conf["statistics_red_days"])
    yellow |= ~registered & (waited > conf["statistics_yellow_days"])
    return np.where(red, RED, np.where(yellow, YELLOW, GREEN))
