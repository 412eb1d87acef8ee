"""From the database to what the evaluators read: every enterprise's facts as engine columns (one
query per field the rules read), or one enterprise's facts with their sources for the reference
evaluator and its explanation."""

from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from keyprojects.enterprises.choices import FACT_KINDS, FactKind
from keyprojects.enterprises.models import Enterprise, EnterpriseFact

from . import reference
from .engine import ItemRule
from .language import QUARTERLY, field_kind, fields_read, is_title, lag_order, periods
from .table import I64, Table

FEN_PER_WAN = Decimal(1_000_000)
WH_PER_KWH = Decimal(1000)


def ymd(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def to_int(fact_field: str, number: Decimal | None, day: date | None) -> int:
    """A stored fact in the rules' unit: fen, Wh, persons, yyyymmdd, 1/0."""
    kind = FACT_KINDS[fact_field]
    if kind == FactKind.DATE:
        return ymd(day)
    if kind == FactKind.MONEY:
        return int(number * FEN_PER_WAN)
    if kind == FactKind.ENERGY:
        return int(number * WH_PER_KWH)
    return int(number)


def rules_of(items) -> list[ItemRule]:
    return [
        ItemRule(
            code=i.code,
            condition=i.condition,
            formula=i.formula,
            rounding=i.rounding,
            rounding_mode=i.rounding_mode,
            cap=i.cap_fen,
        )
        for i in items
    ]


def stale_before(policy) -> date:
    return policy.as_of - timedelta(days=policy.stale_days)


def load_table(policy, rules: list[ItemRule], enterprises=None) -> tuple[Table, np.ndarray]:
    """Every (or the given) enterprise's facts that the rules read, as columns; and the ids."""
    queryset = enterprises if enterprises is not None else Enterprise.objects.filter(archived_at__isnull=True)
    rows = list(queryset.order_by("pk").values_list("pk", "industry", "region__code"))
    ids = np.array([r[0] for r in rows], dtype=I64)
    n = len(ids)
    table = Table(n=n, ref=ymd(policy.as_of), ids=ids)
    position = {pk: i for i, pk in enumerate(ids.tolist())}
    fields = set().union(*(fields_read([r.condition, r.formula]) for r in rules)) if rules else set()
    oldest = stale_before(policy)
    for name, lag in sorted(fields, key=lambda f: (f[0], lag_order(f[1]))):
        kind = field_kind(name)
        if name in ("industry", "region"):
            words = [(r[1] or None) if name == "industry" else r[2] for r in rows]
            vocab = sorted({w for w in words if w})
            index = {w: i for i, w in enumerate(vocab)}
            table.codes[name] = (np.array([index.get(w, -1) for w in words], dtype=np.int32), vocab)
            continue
        facts = EnterpriseFact.objects.filter(field=name, enterprise_id__in=queryset.values("pk"))
        if is_title(name) or kind == "code":
            facts = facts.filter(quarter=0, year__lte=policy.year).order_by("enterprise_id", "year")  # latest wins
        elif isinstance(lag, str):  # a quarter, or several summed
            table.numbers[(name, lag)] = _quarterly(
                facts, name, periods(lag, policy.year, policy.as_of), n, position, oldest
            )
            continue
        else:
            facts = facts.filter(quarter=0, year=policy.year - lag)
        if kind == "code":
            codes = np.full(n, -1, dtype=np.int32)
            found = {pk: text for pk, text in facts.values_list("enterprise_id", "text") if pk in position}
            vocab = sorted(set(found.values()))
            index = {w: i for i, w in enumerate(vocab)}
            for pk, text in found.items():
                codes[position[pk]] = index[text]
            table.codes[name] = (codes, vocab)
            continue
        values = np.zeros(n, dtype=I64)
        known = np.zeros(n, dtype=bool)
        for pk, number, day, as_of in facts.values_list("enterprise_id", "number", "day", "as_of").iterator(
            chunk_size=20000
        ):
            i = position.get(pk)
            if i is None or (number is None and day is None):
                continue
            values[i] = to_int(name, number, day)
            known[i] = is_title(name) or as_of >= oldest
        if is_title(name):
            table.titles[name] = (values, known)
        else:
            table.numbers[(name, lag)] = (values, None if known.all() else known)
    return table, ids


def _quarterly(facts, name: str, wanted: list, n: int, position: dict, oldest: date) -> tuple:
    """A figure summed over quarters: known where every quarter is on file and fresh."""
    values = np.zeros(n, dtype=I64)
    count = np.zeros(n, dtype=np.int8)
    for year, quarter in wanted:
        rows = facts.filter(year=year, quarter=quarter, number__isnull=False)
        for pk, number, as_of in rows.values_list("enterprise_id", "number", "as_of").iterator(chunk_size=20000):
            i = position.get(pk)
            if i is None:
                continue
            values[i] += to_int(name, number, None)
            count[i] += as_of >= oldest
    known = count == len(wanted)
    return values, (None if known.all() else known)


def enterprise_facts(policy, enterprise, overrides: dict | None = None) -> reference.Enterprise:
    """One enterprise's facts for the reference evaluator, with source and as-of; `overrides`
    ({(field, lag): int value or None}) replaces figures for a what-if."""
    e = reference.Enterprise(ref=ymd(policy.as_of))
    oldest = stale_before(policy)
    if enterprise is not None:
        if enterprise.industry:
            e.codes["industry"] = enterprise.industry
        e.codes["region"] = enterprise.region.code
        facts = EnterpriseFact.objects.filter(enterprise=enterprise, year__lte=policy.year + 1).order_by("year")
        quarters = {}
        for fact in facts:
            if fact.quarter:
                if fact.number is not None:
                    quarters[(fact.field, fact.year, fact.quarter)] = fact
                continue
            if fact.year > policy.year:
                continue
            name, lag = fact.field, policy.year - fact.year
            if fact.number is None and fact.day is None and not fact.text:
                continue
            if field_kind(name) == "code":
                e.codes[name] = fact.text
                continue
            value = reference.Fact(to_int(name, fact.number, fact.day), fact.source, fact.as_of)
            if is_title(name):
                e.titles[name] = value
            elif lag in (0, 1, 2):
                value.stale = fact.as_of < oldest
                e.numbers[(name, lag)] = value
        for name in {key[0] for key in quarters}:
            for lag in QUARTERLY:
                found = [quarters.get((name, *p)) for p in periods(lag, policy.year, policy.as_of)]
                if all(found):
                    e.numbers[(name, lag)] = reference.Fact(
                        sum(to_int(name, f.number, None) for f in found),
                        "、".join(dict.fromkeys(f.source for f in found)),
                        min(f.as_of for f in found),
                        stale=any(f.as_of < oldest for f in found),
                    )
    for (name, lag), value in (overrides or {}).items():
        if field_kind(name) == "code":
            if value:
                e.codes[name] = value
            else:
                e.codes.pop(name, None)
        elif is_title(name):
            if value:
                e.titles[name] = reference.Fact(value, "假设")
            else:
                e.titles.pop(name, None)
        elif value is None:
            e.numbers.pop((name, lag), None)
        else:
            e.numbers[(name, lag)] = reference.Fact(value, "假设")
    return e
