"""The reference evaluator: the same rule data for one enterprise, in plain Python integers, read
as directly from `semantics.py` as it can be, and writing down what it did (the explanation an
enterprise and an official read). The property test holds the engine to it."""

from dataclasses import dataclass, field
from datetime import date

from .language import (
    ATTRIBUTES,
    FIELD_TEXT,
    LAG_TEXT,
    MONEY,
    OPEN,
    comparison,
    cond_text,
    const_text,
    expr_kind,
    expr_text,
    field_kind,
    is_title,
    lag_order,
    order_items,
    rate_text,
)
from .semantics import AMBIGUOUS, MISSING, NO, ROUNDING_UNITS, YES, rate_of, round_amount

STATUS_TEXT = {YES: "符合", NO: "不符合", MISSING: "数据不足", AMBIGUOUS: "有歧义"}


@dataclass
class Fact:
    value: int  # in the rule's unit (fen, persons, Wh, yyyymmdd, 1/0)
    source: str = ""
    as_of: date | None = None
    stale: bool = False


@dataclass
class Enterprise:
    """One enterprise's facts as the rules read them."""

    numbers: dict = field(default_factory=dict)  # (field, lag) -> Fact
    titles: dict = field(default_factory=dict)  # field -> Fact (present titles only)
    codes: dict = field(default_factory=dict)  # field -> code text
    ref: int = 0  # the reference date as yyyymmdd


@dataclass
class Trace:
    """What an evaluation read and decided, for the explanation."""

    values: dict = field(default_factory=dict)  # (field, lag) -> description
    conditions: list = field(default_factory=list)  # (text, result)


class Prepared:
    """What does not depend on the enterprise, worked out once per policy: the items' order,
    whether any reading is open, and the words of each condition (the calculator and a run's
    explanations evaluate one policy for many enterprises)."""

    def __init__(self, rules, total_cap=None):
        from .engine import has_open

        self.rules = list(rules)
        self.by_code = {r.code: r for r in self.rules}
        self.total_cap = total_cap
        self.order = order_items({r.code: [r.condition, r.formula] for r in self.rules})
        self.opened = any(has_open([r.condition, r.formula]) for r in self.rules)
        self.texts: dict[int, str] = {}  # a condition's words, written once per node
        self.dates: dict[int, bool] = {}
        self.condition_text = {r.code: cond_text(r.condition) for r in self.rules}
        self.formula_text = {r.code: expr_text(r.formula) for r in self.rules}
        self.formula_kind = {r.code: expr_kind(r.formula, self.by_code) for r in self.rules}
        self.expr_texts: dict[int, str] = {}

    def expr_text(self, node) -> str:
        found = self.expr_texts.get(id(node))
        if found is None:
            found = self.expr_texts[id(node)] = expr_text(node)
        return found


class Evaluator:
    def __init__(self, rules, enterprise: Enterprise, total_cap=None):
        prepared = rules if isinstance(rules, Prepared) else Prepared(rules, total_cap)
        self.prepared = prepared
        self.rules, self.by_code, self.order = prepared.rules, prepared.by_code, prepared.order
        self.opened, self.total_cap = prepared.opened, prepared.total_cap
        self._texts, self._dates = prepared.texts, prepared.dates
        self.e = enterprise

    def text(self, node) -> str:
        found = self._texts.get(id(node))
        if found is None:
            found = self._texts[id(node)] = cond_text(node)
        return found

    def is_date(self, node) -> bool:
        found = self._dates.get(id(node))
        if found is None:
            found = self._dates[id(node)] = expr_kind(node, self.by_code) == "date"
        return found

    # expressions: (value, known, present)
    def expr(self, node, reading, results, trace):
        op = node["op"]
        if op == "fact":
            name, lag = node["field"], node.get("lag", 0)
            if field_kind(name) == "code":
                code = self.e.codes.get(name)
                trace.values[(name, lag)] = code
                return code, code is not None, True
            if is_title(name):
                fact = self.e.titles.get(name)
                trace.values[(name, 0)] = fact
                return (fact.value, True, True) if fact else (0, True, False)
            fact = self.e.numbers.get((name, lag))
            trace.values[(name, lag)] = fact
            if fact is None or fact.stale:
                return 0, False, True
            return fact.value, True, True
        if op == "const":
            return node["value"], True, True
        if op in ("add", "sub", "min", "max"):
            values = [self.expr(a, reading, results, trace) for a in node["args"]]
            nums = [v for v, _k, _p in values]
            if op == "add":
                v = sum(nums)
            elif op == "sub":
                v = nums[0] - nums[1]
            else:
                v = min(nums) if op == "min" else max(nums)
            return v, all(k for _v, k, _p in values), all(p for _v, _k, p in values)
        if op == "rate":
            v, k, p = self.expr(node["of"], reading, results, trace)
            return rate_of(v, *node["rate"]), k, p
        if op == "per":
            v, k, p = self.expr(node["of"], reading, results, trace)
            return v * node["amount"], k, p
        if op == "years":
            v, k, p = self.expr(node["of"], reading, results, trace)
            return (self.e.ref - v) // 10000, k, p
        if op == "item":
            status, amount = results[node["code"]]
            return (amount if status == YES else 0), status != MISSING, True
        if op == "if":
            cv, ck = self.cond(node["cond"], reading, results, trace)
            tv, tk, tp = self.expr(node["then"], reading, results, trace)
            ev, ek, ep = self.expr(node["else"], reading, results, trace)
            return (tv, ck and tk, tp) if cv else (ev, ck and ek, ep)
        if op == "tiers":
            v, k, p = self.expr(node["of"], reading, results, trace)
            prior = None
            if node.get("prior") is not None:
                prior, pk, pp = self.expr(node["prior"], reading, results, trace)
                k, p = k and pk, p and pp
            mode = node["mode"]
            if node.get("open") and reading == "B":
                mode = "cumulative" if mode == "highest" else "highest"
            reached = []
            for tier in node["tiers"]:
                _d, inclusive = comparison(tier["word"], tier.get("incl"))
                hit = v >= tier["at"] if inclusive else v > tier["at"]
                if prior is not None:
                    hit = hit and not (prior >= tier["at"] if inclusive else prior > tier["at"])
                if hit:
                    reached.append(tier["amount"])
            total = sum(reached) if mode == "cumulative" else max(reached, default=0)
            return total, k, p
        if op == "brackets":
            v, k, p = self.expr(node["of"], reading, results, trace)
            total, lower = 0, 0
            for upper, (num, den) in node["bands"]:
                part = max(v - lower, 0)
                if upper is not None:
                    part = min(part, upper - lower)
                total += rate_of(part, num, den)
                lower = upper if upper is not None else lower
            return total, k, p
        if op == "lookup":
            code, k, p = self.expr(node["of"], reading, results, trace)
            return (node["table"].get(code, 0) if k else 0), k, p
        raise ValueError(op)

    # conditions: (value, known); value is False where unknown
    def cond(self, node, reading, results, trace, record=True):
        test = node["test"]
        if test == "true":
            return True, True
        if test == "has":
            fact = self.e.titles.get(node["field"])
            trace.values[(node["field"], 0)] = fact
            held = fact is not None and (
                fact.value == 1 if field_kind(node["field"]) == "bool" else fact.value <= self.e.ref
            )
            if record:
                trace.conditions.append((self.text(node), held, True, None, None))
            return held, True
        if test in ("and", "or"):
            parts = [self.cond(a, reading, results, trace, record) for a in node["args"]]
            if test == "and":
                if any(k and not v for v, k in parts):
                    return False, True
                if all(k and v for v, k in parts):
                    return True, True
                return False, False
            if any(k and v for v, k in parts):
                return True, True
            if all(k and not v for v, k in parts):
                return False, True
            return False, False
        if test == "not":
            v, k = self.cond(node["arg"], reading, results, trace, record)
            return (not v) and k, k
        if test == "in":
            code, k, _p = self.expr(node["of"], reading, results, trace)
            wanted = node["set"]
            hit = k and (any(code.startswith(w) for w in wanted) if node.get("prefix") else code in wanted)
            if record:
                trace.conditions.append((self.text(node), hit, k, None, None))
            return hit, k
        if test == "cmp":
            lv, lk, lp = self.expr(node["left"], reading, results, trace)
            rv, rk, rp = self.expr(node["right"], reading, results, trace)
            direction, inclusive = comparison(node["word"], node.get("incl"))
            if node.get("open") and reading == "B":
                inclusive = not inclusive
            v, k = _compare(lv, rv, direction, inclusive), lk and rk
            if not (lp and rp):
                v, k = False, True
            v = v and k
            if record:
                # the two sides, for "near a threshold" (a 5% margin) and near misses
                sides = (lv, rv) if lk and rk and lp and rp and not self.is_date(node["left"]) else (None, None)
                trace.conditions.append((self.text(node), v, k, *sides))
            return v, k
        if test == "between":
            v, k, p = self.expr(node["of"], reading, results, trace)
            lv, lk, lp = self.expr(node["low"], reading, results, trace)
            hv, hk, hp = self.expr(node["high"], reading, results, trace)
            inside = _compare(v, lv, ">", node.get("low_incl", True)) and _compare(
                v, hv, "<", node.get("high_incl", True)
            )
            known = k and lk and hk
            if not (p and lp and hp):
                inside, known = False, True
            inside = inside and known
            if record:
                trace.conditions.append((self.text(node), inside, known, None, None))
            return inside, known
        raise ValueError(test)

    def item(self, code, reading, results, trace):
        rule = self.by_code[code]
        cv, ck = self.cond(rule.condition, reading, results, trace)
        av, ak, _ap = self.expr(rule.formula, reading, results, trace)
        amount = round_amount(av, ROUNDING_UNITS[rule.rounding], rule.rounding_mode)
        if rule.cap is not None:
            amount = min(amount, rule.cap)
        if not ck or (cv and not ak):
            return MISSING, 0
        if cv and amount > 0:
            return YES, amount
        return NO, 0

    def run(self, with_b: bool = True):
        """{code: (status, amount A, amount B)} and the traces of reading A."""
        readings = {}
        traces = {}
        for reading in ("A", "B") if with_b and self.opened else ("A",):
            results = {}
            for code in self.order:
                trace = Trace()
                results[code] = self.item(code, reading, results, trace)
                if reading == "A":
                    traces[code] = trace
            if self.total_cap is not None:
                remaining = self.total_cap
                for rule in self.rules:
                    status, amount = results[rule.code]
                    granted = min(amount, remaining)
                    remaining -= granted
                    results[rule.code] = (NO if status == YES and granted == 0 else status, granted)
            readings[reading] = results
        answers = {}
        for rule in self.rules:
            sa, aa = readings["A"][rule.code]
            sb, ab = readings.get("B", readings["A"])[rule.code]
            if sa == MISSING or sb == MISSING:
                answers[rule.code] = (MISSING, 0, 0)
            elif (sa, aa) != (sb, ab):
                answers[rule.code] = (AMBIGUOUS, aa, ab)
            else:
                answers[rule.code] = (sa, aa, aa)
        return answers, traces


def _compare(lv, rv, direction, inclusive):
    if direction == ">":
        return lv >= rv if inclusive else lv > rv
    return lv <= rv if inclusive else lv < rv


# --- explanation -----------------------------------------------------------------------------


def money_text(fen: int) -> str:
    """An amount for people: 12亿元, 32万元, 1,234.56元."""
    if fen % 10**10 == 0 and fen:
        return f"{fen // 10**10:,}亿元"
    if fen % 1_000_000 == 0 and fen:
        return f"{fen // 1_000_000:,}万元"
    yuan, cents = divmod(fen, 100)
    return f"{yuan:,}.{cents:02d}元" if cents else f"{yuan:,}元"


def value_text(name: str, value) -> str:
    kind = field_kind(name)
    if value is None:
        return "—"
    if kind == "code":
        from .language import _code_text

        return _code_text(value)
    if kind in ("date",):
        return const_text("date", value)
    if kind == "bool":
        return "是" if value else "否"
    if kind == MONEY:
        return money_text(value)
    return const_text(kind, value)


def field_name(name: str, lag: int) -> str:
    text = FIELD_TEXT.get(name) or ATTRIBUTES.get(name, name)
    return f"{text}({LAG_TEXT[lag]})" if lag else text


def filled_text(node, ev: Evaluator) -> str:
    """The formula with the enterprise's numbers filled in after each field."""
    op = node.get("op")
    if op == "fact":
        name, lag = node["field"], node.get("lag", 0)
        if field_kind(name) == "code":
            value = ev.e.codes.get(name)
        elif is_title(name):
            fact = ev.e.titles.get(name)
            value = fact.value if fact else None
        else:
            fact = ev.e.numbers.get((name, lag))
            value = fact.value if fact and not fact.stale else None
        return f"{field_name(name, lag)}〔{value_text(name, value) if value is not None else '缺'}〕"
    if op in ("add", "sub"):
        sep = " + " if op == "add" else " - "
        return sep.join(filled_text(a, ev) for a in node["args"])
    if op in ("min", "max"):
        return f"{'较小值' if op == 'min' else '较大值'}({', '.join(filled_text(a, ev) for a in node['args'])})"
    if op == "rate":
        return f"比例({rate_text(node['rate'])}, {filled_text(node['of'], ev)})"
    if op == "per":
        return f"每人({money_text(node['amount'])}, {filled_text(node['of'], ev)})"
    if op == "years":
        return f"年限({filled_text(node['of'], ev)})"
    if op == "const":
        return money_text(node["value"]) if node["kind"] == MONEY else const_text(node["kind"], node["value"])
    if op == "tiers":
        # the ladder as written, with the values it graded filled in
        words = ev.prepared.expr_text
        text = words(node)
        head = words(node["of"]) + (f", {words(node['prior'])}" if node.get("prior") is not None else "")
        filled = filled_text(node["of"], ev) + (
            f", {filled_text(node['prior'], ev)}" if node.get("prior") is not None else ""
        )
        return text.replace(head, filled, 1)
    if op in ("brackets", "lookup"):
        words = ev.prepared.expr_text
        return words(node).replace(words(node["of"]), filled_text(node["of"], ev), 1)
    if op == "if":
        return f"如果({ev.text(node['cond'])}, {filled_text(node['then'], ev)}, {filled_text(node['else'], ev)})"
    return ev.prepared.expr_text(node)


def _result(text, value, known, left, right) -> str:
    if not known:
        return "未知（数据不足）"
    if text.endswith(OPEN) and left is not None and left == right:
        return "恰在界限上，两种理解结果不同"
    return "是" if value else "否"


def explain(ev: Evaluator, code: str, answer, trace: Trace, *, version: str = "") -> dict:
    """The decision in Chinese: values read (with source and as-of), each condition, the formula
    with numbers, the answer."""
    rule = ev.by_code[code]
    status, amount_a, amount_b = answer
    values = []
    for (name, lag), fact in sorted(trace.values.items(), key=lambda kv: (kv[0][0], lag_order(kv[0][1]))):
        if isinstance(fact, Fact):
            note = "已过期" if fact.stale else ""
            values.append(
                {
                    "name": field_name(name, lag),
                    "value": value_text(name, fact.value),
                    "source": fact.source,
                    "as_of": fact.as_of.isoformat() if fact.as_of else "",
                    "note": note,
                }
            )
        elif fact is None and is_title(name):
            values.append({"name": field_name(name, lag), "value": "未认定", "source": "", "as_of": "", "note": ""})
        elif fact is None:
            values.append({"name": field_name(name, lag), "value": "—", "source": "", "as_of": "", "note": "缺失"})
        else:
            values.append(
                {"name": field_name(name, lag), "value": value_text(name, fact), "source": "", "as_of": "", "note": ""}
            )
    conditions = [
        {"text": text, "result": _result(text, value, known, left, right)}
        for text, value, known, left, right in trace.conditions
    ]
    kind = ev.prepared.formula_kind[code]
    formula = filled_text(rule.formula, ev)
    if status == AMBIGUOUS:
        result = f"有歧义：按字面理解 {money_text(amount_a)}，按另一种理解 {money_text(amount_b)}，由审核人决定"
    elif status == YES:
        result = f"符合，金额 {money_text(amount_a)}"
    elif status == MISSING:
        missing = [v["name"] for v in values if v["note"]]
        result = "数据不足：" + ("、".join(missing) + " 缺失或已过期" if missing else "所需数据缺失")
    else:
        result = "不符合"
    return {
        "status": status,
        "status_text": STATUS_TEXT[status],
        "amount": amount_a,
        "amount_b": amount_b,
        "values": values,
        "conditions": conditions,
        "condition": ev.prepared.condition_text[code],
        "formula": ev.prepared.formula_text[code],
        "formula_filled": formula if kind == MONEY else ev.prepared.formula_text[code],
        "rounding": rule.rounding,
        "cap": money_text(rule.cap) if rule.cap is not None else "",
        "result": result,
        "version": version,
    }


def margins(trace: Trace, within: float) -> list[dict]:
    """Comparisons whose two sides are within `within` (0.05 = 5%) of each other: a "near
    threshold" risk for a match, a near miss for what is not met yet."""
    found = []
    for text, value, known, left, right in trace.conditions:
        if known and left is not None and right:
            gap = abs(left - right)
            if gap * 10_000 <= int(within * 10_000) * abs(right):
                found.append({"text": text, "met": value, "gap_percent": round(gap * 100 / abs(right), 1)})
    return found
