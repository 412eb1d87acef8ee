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
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from keyprojects.projects.choices import Light, Stage
from keyprojects.projects.models import Project, RiskForecast, RiskModel

from .forecast_history import FEATURES, GREEN, LAND_NODES, LATE_DAYS, NEVER, RED, YELLOW, Frame, History, frame

__all__ = ["FEATURES", "LAND_NODES", "LATE_DAYS", "History"]

# Enough history to train: resolved outcomes, and of each kind.
MIN_ROWS, MIN_EACH = 150, 15
TOP = 50
BINS = 5
LIGHTS = {GREEN: Light.GREEN, YELLOW: Light.YELLOW, RED: Light.RED}


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, n: int) -> date:
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class Row:
    """One project's row as of a day, for reading (the daily run, the reasons)."""

    project: int
    day: date
    node: str
    planned: date
    values: list
    params: dict
    label: int | None  # 1 late, 0 on time, None not known yet (at `resolved` or never)
    resolved: date | None
    light: str = Light.GREEN


def rows_of(history: History, found: Frame) -> list[Row]:
    c = history.columns
    rows = []
    for i in range(len(found)):
        node = found.node[i]
        p = {k: v[i].item() for k, v in found.params.items()}
        name = c["node_name"][node]
        rows.append(
            Row(
                int(history.pk[found.project[i]]),
                date.fromordinal(int(found.day[i])),
                name,
                date.fromordinal(int(c["node_planned"][node])),
                found.values[i].tolist(),
                {
                    "overdue_months": {"name": name, "days": p["overdue"]},
                    "due_soon": {"name": name, "days": p["due_in"]},
                    "investment_behind": {"points": p["behind"]},
                    "months_without_report": {"months": p["months_without"]},
                    "late_nodes": {"n": p["late_nodes"]},
                    "land_open_months": {"days": p["land_days"]},
                    "replans": {"n": p["replans"]},
                    "open_problems": {"n": p["open_problems"], "days": p["problem_days"]},
                    "problem_open_months": {"n": p["open_problems"], "days": p["problem_days"]},
                    "approvals_overdue": {"n": p["approvals_overdue"]},
                    "idle_days": {"days": p["idle_days"]},
                },
                None if found.label[i] < 0 else int(found.label[i]),
                None if found.resolved[i] >= NEVER else date.fromordinal(int(found.resolved[i])),
                LIGHTS[int(found.light[i])],
            )
        )
    return rows


def features(history: History, day: date, now: date | None = None, include_known: bool = False) -> list[Row]:
    """One row per project under way on `day`, from what was known on `day`; labels as known
    on `now` (default: `day` itself, so that nothing after it is read). See forecast_history."""
    return rows_of(history, frame(history, day, now, include_known))


# --- the model ------------------------------------------------------------------------------


@dataclass
class Fitted:
    means: list
    scales: list
    coefficients: list
    intercept: float
    names: tuple = FEATURES  # the features it was trained on, in its order

    def __post_init__(self):
        self.chosen = [FEATURES.index(name) for name in self.names]

    def columns(self) -> list[int]:
        return self.chosen

    def standardise(self, values):
        chosen = [values[i] for i in self.chosen]
        return [(v - m) / s for v, m, s in zip(chosen, self.means, self.scales, strict=True)]

    def probability(self, values) -> float:
        z = self.intercept + sum(c * x for c, x in zip(self.coefficients, self.standardise(values), strict=True))
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))

    def probabilities(self, matrix: np.ndarray) -> np.ndarray:
        x = (matrix[:, self.columns()] - np.array(self.means)) / np.array(self.scales)
        z = np.clip(self.intercept + x @ np.array(self.coefficients), -30.0, 30.0)
        return 1 / (1 + np.exp(-z))

    def contributions_of(self, matrix: np.ndarray) -> np.ndarray:
        """Each row's contributions (coefficient × standardised value), in the model's order."""
        return (matrix[:, self.chosen] - np.array(self.means)) / np.array(self.scales) * np.array(self.coefficients)

    def contributions(self, values) -> dict:
        return {name: c * x for name, c, x in zip(self.names, self.coefficients, self.standardise(values), strict=True)}

    def as_json(self):
        return {
            "features": list(self.names),
            "means": self.means,
            "scales": self.scales,
            "coefficients": self.coefficients,
            "intercept": self.intercept,
        }

    @classmethod
    def from_json(cls, data):
        # a model kept before a feature was added names the ones it knows; one naming a feature
        # since removed cannot be read (the daily job trains a new version first)
        names = tuple(data.get("features") or ())
        if len(names) != len(data["means"]):  # a card that lists more than it was fitted on
            names = FEATURES[: len(data["means"])]
        return cls(data["means"], data["scales"], data["coefficients"], data["intercept"], names)


def counts(labels: np.ndarray) -> dict:
    late, on_time = int((labels == 1).sum()), int((labels == 0).sum())
    return {"rows": late + on_time, "late": late, "on_time": on_time}


def enough(labels: np.ndarray) -> tuple[bool, dict]:
    found = counts(labels)
    return (found["rows"] >= MIN_ROWS and found["late"] >= MIN_EACH and found["on_time"] >= MIN_EACH), found


def fit(values: np.ndarray, labels: np.ndarray) -> Fitted:
    from sklearn.linear_model import LogisticRegression

    means = values.mean(axis=0)
    scales = values.std(axis=0)
    scales = np.where(scales > 0, scales, 1.0)
    model = LogisticRegression(C=0.5, max_iter=1000).fit((values - means) / scales, labels)
    return Fitted(
        [float(m) for m in means],
        [float(s) for s in scales],
        [float(c) for c in model.coef_[0]],
        float(model.intercept_[0]),
    )


def snapshots(history: History, first: date, last: date, now: date) -> Frame:
    """Each month start from `first` to `last`: its rows, labelled as known on `now`. A row's
    values never depend on `now`; only whether its label is known does — so one pass serves
    every cut-off of the backtest (a row is known at a cut-off when it was resolved by then)."""
    found, day = [], first_of_month(first)
    while day <= last:
        found.append(frame(history, day, now=now))
        day = add_months(day, 1)
    return Frame.stack(found)


def known_before(months: Frame, cutoff: date) -> np.ndarray:
    """The training rows for a cut-off (a mask): snapshots before it whose outcome was known by it."""
    t = cutoff.toordinal()
    return (months.day < t) & (months.resolved <= t)


def training_rows(history: History, before: date, first: date) -> Frame:
    """Monthly snapshots from `first` up to `before`, each labelled as known on `before`."""
    months = snapshots(history, first, add_months(before, -1), before)
    return months.take(known_before(months, before))


# --- the backtest ---------------------------------------------------------------------------


def backtest(history: History, today: date, months: int = 12, since: date | None = None) -> dict:
    """Month by month: train on what was known before the month, predict its projects, compare
    with what is known today (rows still open today are left out)."""
    from sklearn.metrics import roc_auc_score

    since = since or add_months(first_of_month(today), -60)
    last = add_months(first_of_month(today), -3)  # a node due later is mostly still open
    months_seen = snapshots(history, since, last, today)  # one pass: values never depend on the cut-off
    results, pooled_p, pooled_y, pooled_light = [], [], [], []
    for step in range(months, 0, -1):
        day = add_months(last, -step + 1)
        train = known_before(months_seen, day)
        ok, found = enough(months_seen.label[train])
        test = (months_seen.day == day.toordinal()) & (months_seen.label >= 0)
        if not ok or not test.any():
            results.append({"month": day, "trained": False, "counts": found, "rows": int(test.sum())})
            continue
        model = fit(months_seen.values[train], months_seen.label[train])
        probability = model.probabilities(months_seen.values[test])
        order = np.argsort(-probability, kind="stable")
        labels, lights = months_seen.label[test][order], months_seen.light[test][order]
        red = int((lights == RED).sum())
        top = labels[:TOP]
        results.append(
            {
                "month": day,
                "trained": True,
                "counts": found,
                "rows": len(labels),
                "late": int(labels.sum()),
                "precision_top": _rate(int(top.sum()), len(top)),
                "red": red,
                "lights_precision": _rate(int(labels[lights == RED].sum()), red),
                "model_precision_at_red": _rate(int(labels[:red].sum()), red) if red else None,
            }
        )
        pooled_p.append(probability[order])
        pooled_y.append(labels)
        pooled_light.append(lights)
    trained = [m for m in results if m["trained"]]
    summary = {"months": results, "trained_months": len(trained)}
    if not trained:
        return summary
    labels = np.concatenate(pooled_y).tolist()
    probabilities = np.concatenate(pooled_p).tolist()
    light_scores = np.concatenate(pooled_light).tolist()
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
            "rows": len(labels),
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


def reasons(model: Fitted, row: Row, limit: int = 3, contributions=None, order=None) -> list[dict]:
    """The features that raise this project's risk most, as codes with their figures
    (`contributions`: the row's, in the model's order, when already computed; `order`: their
    positions largest first, as the daily run sorts all rows at once)."""
    found = []
    if contributions is None:
        contributions = list(model.contributions(row.values).values())
    if order is None:
        order = sorted(range(len(contributions)), key=lambda i: -contributions[i])
    for name, points in ((model.names[i], contributions[i]) for i in order):
        if points <= 0.05 or len(found) >= limit:
            break
        value = row.values[FEATURES.index(name)]
        if name in {"size", "industry", "years_building", "no_plan"} or value == 0:
            continue  # a trait, not something to act on; or nothing there
        code = SAME_REASON.get(name, name)
        if any(reason["code"] == code for reason in found):
            continue  # two features, one fact (how many problems are open, and since when)
        found.append({"code": code, "points": round(points, 2), **row.params.get(name, {})})
    return found


SAME_REASON = {"problem_open_months": "open_problems"}


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
        "open_problems": _("%(n)s problems open, the oldest for %(days)s days"),
        "approvals_overdue": _("%(n)s approval matters past their statutory time limit"),
        "idle_days": _("the site camera has seen no work for %(days)s working days"),
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
    ok, counts = enough(rows.label)
    if not ok:
        return None, counts
    test = backtest(history, today, months, since)
    fitted = fit(rows.values, rows.label)
    version = (RiskModel.objects.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    card = {
        "trained_on": {
            "from": str(since),
            "to": str(first_of_month(today)),
            **counts,
            "projects": len(np.unique(rows.project)),
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
    under_way = Project.objects.filter(stage=Stage.STARTED)
    history = History.load(under_way)
    rows = features(history, today, include_known=True)
    # yesterday's rows are overwritten, not read: every field written is today's (a subquery, not
    # the 9,900 ids of the rows as parameters: a quarter of a second to bind them at province scale)
    existing = dict(RiskForecast.objects.filter(project__in=under_way.values("pk")).values_list("project_id", "pk"))
    changed, created, now = [], [], timezone.now()
    matrix = np.array([row.values for row in rows]).reshape(len(rows), len(FEATURES))
    contributions = fitted.contributions_of(matrix)
    orders = np.argsort(-contributions, axis=1, kind="stable").tolist()  # each row's largest first
    scored, contributions = fitted.probabilities(matrix).tolist(), contributions.tolist()
    for row, probability, points, order in zip(rows, scored, contributions, orders, strict=True):
        known = row.params["overdue_months"]["days"] > LATE_DAYS  # already late: certain, not forecast
        p = 1.0 if known else probability
        values = {
            "project_id": row.project,
            "model_id": model.pk,
            "as_of": today,
            "node": row.node[:50],
            "probability": Decimal(str(round(p, 4))),
            "reasons": reasons(fitted, row, contributions=points, order=order),
            "confidence": confidence(p if model.beats_lights else None, row.light),
            "updated": now,
        }
        pk = existing.get(row.project)
        (changed if pk else created).append((pk, values))
    RiskForecast.objects.bulk_create([RiskForecast(**values) for _pk, values in created], batch_size=1000)
    update_forecasts(changed)
    return len(rows)


UPDATED = ["model_id", "as_of", "node", "probability", "reasons", "confidence", "updated"]


def update_forecasts(changed: list[tuple[int, dict]]) -> None:
    """Write the day's figures over yesterday's rows ((pk, values) pairs). Every field written is
    one the change log leaves out (RiskForecast.log_exclude), so nothing is logged. On PostgreSQL:
    one COPY into a temporary table and one UPDATE … FROM it — Django's bulk_update builds a CASE
    of 9,900 WHENs per field in Python, about 50 s of the daily run at province scale, and model
    instances cost another second (bench/RESULTS.md); a deliberate departure beside core/bulk.py's
    copy_upsert. SQLite keeps bulk_update."""
    import json

    from django.db import connection

    from keyprojects.core.models import copy_values

    if not changed:
        return
    if connection.vendor != "postgresql":
        objects = [RiskForecast(pk=pk, **values) for pk, values in changed]
        RiskForecast.objects.bulk_update(objects, [name.removesuffix("_id") for name in UPDATED], batch_size=500)
        return
    meta = RiskForecast._meta
    columns = ["id"] + [meta.get_field(name.removesuffix("_id")).column for name in UPDATED]
    quote = connection.ops.quote_name
    table, staging = meta.db_table, f"{meta.db_table}_today"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {quote(staging)}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {quote(staging)} ON COMMIT DROP AS "
            f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)} WITH NO DATA"
        )
    copy_values(
        connection,
        staging,
        columns,
        ((pk, *(json.dumps(v[n]) if n == "reasons" else v[n] for n in UPDATED)) for pk, v in changed),
    )
    assignments = ", ".join(f"{quote(c)} = s.{quote(c)}" for c in columns[1:])
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {quote(table)} t SET {assignments} FROM {quote(staging)} s WHERE t.id = s.id")
        cursor.execute(f"DROP TABLE {quote(staging)}")
