"""Slip-risk forecast (延误风险预判): for every project under construction, the probability that
its next node ends more than 30 days late against the original plan, with the reasons that
drive it — and an honest backtest beside the rule lights.

No leakage from the future. `History` loads the platform's records once; `features(history, t)`
reads only what was known on day t: nodes reached by t, reports submitted by t (`submitted_at`),
re-plans decided by t, the registration in statistics by t, the year plan of t's year (set at
the start of the year). A row's label is known at the day its node was reached on time, or 31
days after its planned date; training for day t uses only rows whose label was known by t. The
node dates a slip is measured against are the original plan (baseline 1, else the node's
planned date), fixed before t.

Model: scikit-learn's L2-regularised logistic regression on standardised features; each
project's reasons are its features' contributions (coefficient × standardised value), the
largest raising ones put into words. Versioned (`RiskModel`), with a card.

Backtest: for each of the last `months` month starts, train on what was known before the month,
predict the projects under way that day, compare with what happened: AUC, precision among the
50 riskiest, calibration by fifths of probability — beside the rule lights computed as of the
same day by `projects.services.project_lights` (red = predicted late). The forecast is shown to
users only when, pooled over the months, it finds late nodes more precisely than the red lights
do when it flags as many projects as there were red lights.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from keyprojects.projects.choices import REPORTED, BaselineStatus, Field, Light, Stage
from keyprojects.projects.models import (
    Baseline,
    Milestone,
    ProgressReport,
    Project,
    RiskForecast,
    RiskModel,
    YearPlan,
)

LATE_DAYS = 30
LAND_NODES = ("拿地", "前期手续")
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
)
# Enough history to train: resolved outcomes, and of each kind.
MIN_ROWS, MIN_EACH = 150, 15
TOP = 50
BINS = 5


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, n: int) -> date:
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class History:
    """The records features are read from, loaded once (a handful of queries)."""

    projects: dict = field(default_factory=dict)
    nodes: dict = field(default_factory=lambda: defaultdict(list))
    reports: dict = field(default_factory=lambda: defaultdict(list))
    plans: dict = field(default_factory=dict)
    replans: dict = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def load(cls, projects=None) -> "History":
        history = cls()
        queryset = (projects if projects is not None else Project.objects.all()).filter(
            archived_at__isnull=True, actual_start_date__isnull=False
        )
        for row in queryset.values(
            "pk",
            "name",
            "stage",
            "stage_date",
            "actual_start_date",
            "actual_production_date",
            "total_investment",
            "field",
            "in_statistics",
            "statistics_date",
            "planned_start_date",
        ):
            history.projects[row["pk"]] = row
        ids = list(history.projects)
        original = {}
        for nodes in Baseline.objects.filter(project_id__in=ids, number=1).values_list("nodes", flat=True):
            for node in nodes or ():
                if node.get("planned_date"):
                    original[node["id"]] = date.fromisoformat(node["planned_date"])
        for row in (
            Milestone.objects.filter(project_id__in=ids, archived_at__isnull=True)
            .order_by("project_id", "order", "pk")
            .values("pk", "project_id", "name", "order", "planned_date", "actual_date")
        ):
            row["planned"] = original.get(row["pk"], row["planned_date"])
            history.nodes[row["project_id"]].append(row)
        for row in (
            ProgressReport.objects.filter(project_id__in=ids, archived_at__isnull=True, status__in=REPORTED)
            .order_by("project_id", "month")
            .values("project_id", "month", "investment", "submitted_at")
        ):
            filed = row["submitted_at"]
            # A report with no stamp (an old import) is taken as filed by the 10th of the next month.
            row["filed"] = timezone.localtime(filed).date() if filed else add_months(row["month"], 1) + timedelta(9)
            history.reports[row["project_id"]].append(row)
        for pk, year, amount in YearPlan.objects.filter(project_id__in=ids, archived_at__isnull=True).values_list(
            "project_id", "year", "planned_investment"
        ):
            history.plans[pk, year] = amount
        for pk, decided in Baseline.objects.filter(
            project_id__in=ids, number__gt=1, status=BaselineStatus.APPROVED
        ).values_list("project_id", "decided_at"):
            if decided:
                history.replans[pk].append(timezone.localtime(decided).date())
        return history


@dataclass
class Row:
    project: int
    day: date
    node: str
    planned: date
    values: list
    params: dict
    label: int | None  # 1 late, 0 on time, None not known yet (at `resolved` or never)
    resolved: date | None
    light: str = Light.GREEN


def under_way(project: dict, day: date) -> bool:
    start, produced = project["actual_start_date"], project["actual_production_date"]
    if not start or start > day or (produced and produced <= day):
        return False
    return not (project["stage"] == Stage.TERMINATED and project["stage_date"] and project["stage_date"] <= day)


def outcome(node: dict, now: date) -> tuple[int | None, date | None]:
    """(late?, the day it became known) as seen on `now`."""
    planned, actual = node["planned"], node["actual_date"]
    deadline = planned + timedelta(days=LATE_DAYS + 1)
    if actual and actual <= planned + timedelta(days=LATE_DAYS):
        return (0, actual) if actual <= now else (None, None)
    return (1, deadline) if deadline <= now else (None, None)


def features(history: History, day: date, now: date | None = None, include_known: bool = False) -> list[Row]:
    """One row per project under way on `day`, from what was known on `day`; labels as known
    on `now` (default: `day` itself, so that nothing after it is read). A project whose next
    node is already more than 30 days late has nothing left to forecast: left out, unless the
    daily run asks for it (its confidence still has to be rated)."""
    now = now or day
    rows = []
    expected = Decimal(day.month - 1) * 100 / 12
    for pk, project in history.projects.items():
        if not under_way(project, day):
            continue
        nodes = history.nodes.get(pk, ())
        reached = [n for n in nodes if n["actual_date"] and n["actual_date"] <= day]
        upcoming = [n for n in nodes if n["planned"] and not (n["actual_date"] and n["actual_date"] <= day)]
        if not upcoming:
            continue
        node = upcoming[0]
        overdue = max(0, (day - node["planned"]).days)
        if overdue > LATE_DAYS and not include_known:
            continue  # already more than 30 days late: known, nothing to forecast (the lights show it)
        due_in = (node["planned"] - day).days
        reports = [r for r in history.reports.get(pk, ()) if r["filed"] <= day]
        done = sum((r["investment"] for r in reports if r["month"].year == day.year and r["month"] < day), Decimal(0))
        plan = history.plans.get((pk, day.year))
        behind = max(Decimal(0), expected - done * 100 / plan) if plan else Decimal(0)
        last = max((r["month"] for r in reports), default=None)
        months_without = (
            min(6, _months_between(last, day) - 1)
            if last
            else min(6, _months_between(project["actual_start_date"], day))
        )
        late_nodes = sum(1 for n in reached if n["planned"] and (n["actual_date"] - n["planned"]).days > LATE_DAYS)
        land = [n for n in upcoming if n["name"] in LAND_NODES and n["planned"] < day]
        land_days = max(((day - n["planned"]).days for n in land), default=0)
        replans = sum(1 for decided in history.replans.get(pk, ()) if decided <= day)
        registered = project["in_statistics"] and (not project["statistics_date"] or project["statistics_date"] <= day)
        total = project["total_investment"] or Decimal(1)
        values = [
            overdue / 30,
            1.0 if 0 <= due_in <= LATE_DAYS else 0.0,
            float(behind) / 10,
            0.0 if plan else 1.0,
            float(max(0, months_without)),
            float(late_nodes),
            land_days / 30,
            float(replans),
            0.0 if registered else 1.0,
            math.log10(float(max(total, Decimal(1)))),
            1.0 if project["field"] == Field.INDUSTRY else 0.0,
            (day - project["actual_start_date"]).days / 365,
        ]
        params = {
            "overdue_months": {"name": node["name"], "days": overdue},
            "due_soon": {"name": node["name"], "days": max(due_in, 0)},
            "investment_behind": {"points": round(float(behind), 1)},
            "months_without_report": {"months": max(0, months_without)},
            "late_nodes": {"n": late_nodes},
            "land_open_months": {"days": land_days},
            "replans": {"n": replans},
        }
        label, resolved = outcome(node, now)
        row = Row(pk, day, node["name"], node["planned"], values, params, label, resolved)
        row.light = light_on(project, nodes, day, plan, done, registered)
        rows.append(row)
    return rows


def _months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def light_on(project: dict, nodes, day: date, plan, done, registered) -> str:
    """The rule light as it stood on `day`: the platform's own rules (services.project_lights)
    on the records as they were then."""
    from keyprojects.projects.services import project_lights

    as_then = SimpleNamespace(
        stage=Stage.STARTED,
        planned_start_date=project["planned_start_date"],
        in_statistics=registered,
        actual_start_date=project["actual_start_date"],
    )
    milestones = [
        SimpleNamespace(
            name=n["name"],
            planned_date=n["planned"],
            actual_date=n["actual_date"] if n["actual_date"] and n["actual_date"] <= day else None,
        )
        for n in nodes
    ]
    found = project_lights(as_then, day, milestones, SimpleNamespace(planned_investment=plan) if plan else None, done)
    lights = {light for light, _reason in found}
    return Light.RED if Light.RED in lights else Light.YELLOW if Light.YELLOW in lights else Light.GREEN


# --- the model ------------------------------------------------------------------------------


@dataclass
class Fitted:
    means: list
    scales: list
    coefficients: list
    intercept: float

    def standardise(self, values):
        return [(v - m) / s for v, m, s in zip(values, self.means, self.scales, strict=True)]

    def probability(self, values) -> float:
        z = self.intercept + sum(c * x for c, x in zip(self.coefficients, self.standardise(values), strict=True))
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))

    def contributions(self, values) -> dict:
        return {name: c * x for name, c, x in zip(FEATURES, self.coefficients, self.standardise(values), strict=True)}

    def as_json(self):
        return {
            "features": list(FEATURES),
            "means": self.means,
            "scales": self.scales,
            "coefficients": self.coefficients,
            "intercept": self.intercept,
        }

    @classmethod
    def from_json(cls, data):
        return cls(data["means"], data["scales"], data["coefficients"], data["intercept"])


def enough(rows: list[Row]) -> tuple[bool, dict]:
    late = sum(1 for r in rows if r.label == 1)
    on_time = sum(1 for r in rows if r.label == 0)
    return (late + on_time >= MIN_ROWS and late >= MIN_EACH and on_time >= MIN_EACH), {
        "rows": late + on_time,
        "late": late,
        "on_time": on_time,
    }


def fit(rows: list[Row]) -> Fitted:
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    x = np.array([r.values for r in rows], dtype=float)
    y = np.array([r.label for r in rows], dtype=int)
    scaler = StandardScaler().fit(x)
    scales = [float(s) if s > 0 else 1.0 for s in scaler.scale_]
    model = LogisticRegression(C=0.5, max_iter=1000).fit((x - scaler.mean_) / scales, y)
    return Fitted(
        [float(m) for m in scaler.mean_], scales, [float(c) for c in model.coef_[0]], float(model.intercept_[0])
    )


def training_rows(history: History, before: date, first: date) -> list[Row]:
    """Monthly snapshots from `first` up to `before`, each labelled as known on `before`."""
    rows, day = [], first_of_month(first)
    while day < before:
        rows += [r for r in features(history, day, now=before) if r.label is not None and r.resolved <= before]
        day = add_months(day, 1)
    return rows


# --- the backtest ---------------------------------------------------------------------------


def backtest(history: History, today: date, months: int = 12, since: date | None = None) -> dict:
    """Month by month: train on what was known before the month, predict its projects, compare
    with what is known today (rows still open today are left out)."""
    from sklearn.metrics import roc_auc_score

    since = since or add_months(first_of_month(today), -60)
    last = add_months(first_of_month(today), -3)  # a node due later is mostly still open
    results, pooled = [], []
    for step in range(months, 0, -1):
        day = add_months(last, -step + 1)
        train = training_rows(history, day, since)
        ok, counts = enough(train)
        test = [r for r in features(history, day, now=today) if r.label is not None]
        if not ok or not test:
            results.append({"month": day, "trained": False, "counts": counts, "rows": len(test)})
            continue
        model = fit(train)
        scored = sorted(((model.probability(r.values), r) for r in test), key=lambda item: -item[0])
        red = [r for r in test if r.light == Light.RED]
        flagged = scored[: max(len(red), 1)]
        top = scored[:TOP]
        results.append(
            {
                "month": day,
                "trained": True,
                "counts": counts,
                "rows": len(test),
                "late": sum(r.label for r in test),
                "precision_top": _rate(sum(r.label for _p, r in top), len(top)),
                "red": len(red),
                "lights_precision": _rate(sum(r.label for r in red), len(red)),
                "model_precision_at_red": _rate(sum(r.label for _p, r in flagged), len(flagged)) if red else None,
            }
        )
        pooled += [(p, r) for p, r in scored]
    trained = [m for m in results if m["trained"]]
    summary = {"months": results, "trained_months": len(trained)}
    if not trained:
        return summary
    labels = [r.label for _p, r in pooled]
    probabilities = [p for p, _r in pooled]
    light_scores = [{Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}[r.light] for _p, r in pooled]
    both = len(set(labels)) == 2
    red_total = sum(m["red"] for m in trained)
    summary.update(
        {
            "auc": round(float(roc_auc_score(labels, probabilities)), 3) if both else None,
            "lights_auc": round(float(roc_auc_score(labels, light_scores)), 3) if both else None,
            "precision_top": _mean([m["precision_top"] for m in trained]),
            "lights_precision": _rate(
                sum(m["lights_precision"] * m["red"] for m in trained if m["red"]) / 100, red_total
            ),
            "model_precision_at_red": _rate(
                sum(m["model_precision_at_red"] * m["red"] for m in trained if m["red"]) / 100, red_total
            ),
            "calibration": calibration(probabilities, labels),
            "rows": len(pooled),
        }
    )
    summary["beats_lights"] = bool(
        summary["model_precision_at_red"] is not None
        and summary["lights_precision"] is not None
        and summary["model_precision_at_red"] > summary["lights_precision"]
        and (summary["auc"] or 0) > (summary["lights_auc"] or 0)
    )
    return summary


def _rate(part, whole):
    return None if not whole else round(100 * part / whole, 1)


def _mean(values):
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 1) if values else None


def calibration(probabilities, labels) -> list[dict]:
    bins = [{"low": i / BINS, "high": (i + 1) / BINS, "n": 0, "predicted": 0.0, "late": 0} for i in range(BINS)]
    for p, y in zip(probabilities, labels, strict=True):
        b = bins[min(int(p * BINS), BINS - 1)]
        b["n"] += 1
        b["predicted"] += p
        b["late"] += y
    return [
        {
            "range": f"{round(b['low'] * 100)}–{round(b['high'] * 100)}%",
            "n": b["n"],
            "predicted": round(100 * b["predicted"] / b["n"], 1) if b["n"] else None,
            "observed": round(100 * b["late"] / b["n"], 1) if b["n"] else None,
        }
        for b in bins
    ]


# --- the daily run ----------------------------------------------------------------------------

CONFIDENCE = (5, 4, 3, 2, 1)  # very high … very low


def confidence(probability: float | None, light: str) -> int:
    """交付信心 in five levels, 5 very high to 1 very low: from the forecast where it is shown,
    and the rule light (a red light never reads above "medium")."""
    if probability is None:
        return {Light.GREEN: 4, Light.YELLOW: 3, Light.RED: 2}[light]
    level = (
        5
        if probability < 0.15
        else 4
        if probability < 0.3
        else 3
        if probability < 0.5
        else 2
        if probability < 0.7
        else 1
    )
    return min(level, 3) if light == Light.RED else level


def reasons(model: Fitted, row: Row, limit: int = 3) -> list[dict]:
    """The features that raise this project's risk most, as codes with their figures."""
    found = []
    for name, points in sorted(model.contributions(row.values).items(), key=lambda item: -item[1]):
        if points <= 0.05 or len(found) >= limit:
            break
        value = row.values[FEATURES.index(name)]
        if name in {"size", "industry", "years_building", "no_plan"} or value == 0:
            continue  # a trait, not something to act on; or nothing there
        found.append({"code": name, "points": round(points, 2), **row.params.get(name, {})})
    return found


def describe(reason: dict) -> str:
    """A reason in the reader's language."""
    code = reason.get("code")
    texts = {
        "overdue_months": _("node “%(name)s” is %(days)s days past its planned date"),
        "due_soon": _("node “%(name)s” falls due within %(days)s days"),
        "investment_behind": _("investment %(points)s points behind the schedule"),
        "months_without_report": _("no monthly report for %(months)s months"),
        "late_nodes": _("%(n)s earlier nodes more than 30 days late"),
        "land_open_months": _("land or approvals open %(days)s days past the plan"),
        "replans": _("re-planned %(n)s times already"),
        "not_in_statistics": _("started but not registered in statistics"),
    }
    text = texts.get(code)
    if text is None:
        return code or ""
    try:
        return text % reason
    except (KeyError, TypeError, ValueError):
        return text


@transaction.atomic
def train_model(today: date | None = None, months: int = 12) -> tuple[RiskModel | None, dict]:
    """Backtest, then train on everything known today and keep it as the next version. Returns
    (None, the counts) when the history is too short to train."""
    today = today or timezone.localdate()
    history = History.load()
    since = add_months(first_of_month(today), -60)
    rows = training_rows(history, first_of_month(today), since)
    ok, counts = enough(rows)
    if not ok:
        return None, counts
    test = backtest(history, today, months, since)
    fitted = fit(rows)
    version = (RiskModel.objects.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    card = {
        "trained_on": {
            "from": str(since),
            "to": str(first_of_month(today)),
            **counts,
            "projects": len({r.project for r in rows}),
        },
        "target": f"next node more than {LATE_DAYS} days late against the original plan",
        "features": list(FEATURES),
        "algorithm": "scikit-learn LogisticRegression (L2, C=0.5) on standardised features",
        "backtest": _jsonable(test),
    }
    model = RiskModel.objects.create(
        version=version,
        trained_at=timezone.now(),
        as_of=today,
        card=card,
        parameters=fitted.as_json(),
        beats_lights=bool(test.get("beats_lights")),
    )
    return model, counts


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


@transaction.atomic
def refresh_forecasts(today: date | None = None, model: RiskModel | None = None) -> int:
    """Score every project under way today with the newest model (the daily job)."""
    today = today or timezone.localdate()
    model = model or RiskModel.objects.order_by("-version").first()
    if model is None:
        return 0
    fitted = Fitted.from_json(model.parameters)
    history = History.load(Project.objects.filter(stage=Stage.STARTED))
    rows = features(history, today, include_known=True)
    existing = {f.project_id: f for f in RiskForecast.objects.filter(project_id__in=[r.project for r in rows])}
    changed, created = [], []
    for row in rows:
        known = row.params["overdue_months"]["days"] > LATE_DAYS  # already late: certain, not forecast
        p = 1.0 if known else fitted.probability(row.values)
        item = existing.get(row.project) or RiskForecast(project_id=row.project)
        item.model, item.as_of, item.node = model, today, row.node[:50]
        item.probability = Decimal(str(round(p, 4)))
        item.reasons = reasons(fitted, row)
        item.confidence = confidence(p if model.beats_lights else None, row.light)
        (changed if item.pk else created).append(item)
    RiskForecast.objects.bulk_create(created, batch_size=1000)
    RiskForecast.objects.bulk_update(
        changed, ["model", "as_of", "node", "probability", "reasons", "confidence"], batch_size=1000
    )
    return len(rows)
