"""The vectorised engine: every item of a policy over every enterprise at once, as NumPy int64
arrays of fen (no float touches an amount). The rule tree is compiled once into a tree of
closures; identical sub-trees are evaluated once per run (a ladder and its "first time" test read
the same revenue column), and a column without missing values carries no mask at all, so the
engine does what hand-written NumPy does and no more. The meaning is `semantics.py`'s; the
reference evaluator (`reference.py`) computes the same for one enterprise with its explanation.

Where speed forces an unusual way: an item's formula is evaluated only over the enterprises
whose condition holds when they are few (`_Run.few`: a sub-table gathers the columns the formula
reads, and the answers are scattered back), and so are a ladder's tiers (over those at or above
its lowest threshold; an item paying a ladder takes its rows as they are) and the bands of
marginal brackets above the first. Every pass over a million int64 rows costs about half a
millisecond here, and most items pay a few per cent of enterprises. No column of every
enterprise is written through a mask (np.putmask, `where=`, np.where, a boolean index: a branch
per row, several times the cost of a pass): a status is arithmetic on int8 (MISSING added as
twice the unknown mask), a ladder pays the largest or the sum of reached × amount. An age
against whole years is its date against the anniversary (no division). The property test runs
the engine all dense, all sparse and as it chooses.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .language import comparison, field_kind, is_title, item_refs, order_items
from .semantics import AMBIGUOUS, MISSING, NO, ROUNDING_UNITS, YES
from .table import I64, Table, picked

CAP_SLICE = 32768  # columns of the answer block summed at a time for the total cap (fits in L2)


@dataclass
class ItemRule:
    code: str
    condition: dict
    formula: dict
    rounding: str = "fen"
    rounding_mode: str = "half_up"
    cap: int | None = None


@dataclass
class Outcome:
    """One item's answers over all enterprises."""

    status: np.ndarray  # NO / YES / MISSING / AMBIGUOUS (int8)
    amount: np.ndarray  # reading A's amount in fen (0 unless YES or AMBIGUOUS)
    amount_b: np.ndarray  # reading B's amount (equal to `amount` unless AMBIGUOUS)


def _and(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return a & b


def _key(node) -> str:
    return json.dumps(node, sort_keys=True, ensure_ascii=False)


def has_open(node, items: dict | None = None, seen=None) -> bool:
    """Whether a rule (or an item it reads) leaves a reading open."""
    if isinstance(node, dict):
        if node.get("open"):
            return True
        if node.get("op") == "item" and items is not None:
            seen = seen or set()
            code = node["code"]
            if code not in seen:
                seen.add(code)
                rule = items[code]
                return has_open(rule.condition, items, seen) or has_open(rule.formula, items, seen)
        return any(has_open(v, items, seen) for v in node.values())
    if isinstance(node, list):
        return any(has_open(v, items, seen) for v in node)
    return False


class _Run:
    """One evaluation: the table, the reading and the cache of shared sub-trees."""

    def __init__(self, table: Table, reading: str, results: dict, sparse: float = 0.0):
        self.t = table
        self.reading = reading
        self.sparse = sparse  # evaluate over the rows that matter when fewer than this share
        self.cache: dict = {}
        self.results = results  # item code -> (status, amount) in this reading
        self._scratch = None
        self.rows = None  # (item index, status block, amount block): where the answers go

    def out(self, code: str) -> tuple[np.ndarray, np.ndarray]:
        """The status and amount columns an item's answers are written into."""
        index, status, amount = self.rows
        return status[index[code]], amount[index[code]]

    def few(self, mask: np.ndarray) -> np.ndarray | None:
        """The rows where `mask` holds, when they are few enough to evaluate over them alone
        (counted first: the indices of most of a million rows cost more than they save)."""
        if self.sparse and np.ndim(mask) == 1 and np.count_nonzero(mask) < self.sparse * self.t.n:
            return np.flatnonzero(mask)
        return None

    def scratch(self) -> np.ndarray:
        """A boolean column to compute a mask into, reused by every item of the run."""
        if self._scratch is None:
            self._scratch = np.empty(self.t.n, dtype=bool)
        return self._scratch


Expr = Callable[[_Run], tuple]  # -> (values, known or None, present or None)
Cond = Callable[[_Run], tuple]  # -> (values, known or None); values false where unknown


def _cached(key: str, fn, depends_on_reading: bool):
    def run(r: _Run):
        k = (key, r.reading) if depends_on_reading else key
        found = r.cache.get(k)
        if found is None:
            found = r.cache[k] = fn(r)
        return found

    return run


class _Items(dict):
    """The items being compiled, and the sub-trees that occur more than once among them: only
    those are kept for the run (a cache of every node held every temporary column of a million
    rows until the end, and fresh memory costs as much as the arithmetic)."""

    shared: frozenset = frozenset()


def _count(node, counts):
    if isinstance(node, dict):
        if "op" in node or "test" in node:
            key = _key(node)
            counts[key] = counts.get(key, 0) + 1
        for value in node.values():
            _count(value, counts)
    elif isinstance(node, list):
        for value in node:
            _count(value, counts)


def compile_expr(node, items) -> Expr:
    fn = _expr(node, items)
    key = _key(node)
    if key not in getattr(items, "shared", (key,)):
        return fn
    return _cached("e" + key, fn, has_open(node, items) or bool(item_refs(node)))


def compile_cond(node, items) -> Cond:
    fn = _cond(node, items)
    key = _key(node)
    if key not in getattr(items, "shared", (key,)):
        return fn
    return _cached("c" + key, fn, has_open(node, items) or bool(item_refs(node)))


def _expr(node, items) -> Expr:
    op = node["op"]
    if op == "fact":
        name, lag = node["field"], node.get("lag", 0)
        kind = field_kind(name)
        if kind == "code":

            def code_column(r):
                codes, _vocab = r.t.codes[name]
                known = codes >= 0
                return codes, (None if known.all() else known), None

            return code_column
        if is_title(name):

            def title(r):
                values, present = r.t.titles[name]
                return values, None, present

            return title

        def number(r):
            values, known = r.t.numbers[(name, lag)]
            return values, known, None

        return number
    if op == "const":
        value = I64(node["value"])
        return lambda r: (value, None, None)
    if op in ("add", "sub", "min", "max"):
        args = [compile_expr(a, items) for a in node["args"]]
        combine = {"add": np.add, "sub": np.subtract, "min": np.minimum, "max": np.maximum}[op]
        first_fresh = fresh(node["args"][0], items)

        def arith(r):
            v, k, p = args[0](r)
            own = first_fresh and np.ndim(v) == 1  # a column no one else holds: reuse it
            for arg in args[1:]:
                v2, k2, p2 = arg(r)
                if own:
                    combine(v, v2, out=v)
                else:
                    v = combine(v, v2)
                    own = np.ndim(v) == 1
                k, p = _and(k, k2), _and(p, p2)
            return v, k, p

        return arith
    if op == "rate":
        of = compile_expr(node["of"], items)
        num, den = (I64(x) for x in node["rate"])
        of_fresh = fresh(node["of"], items)

        def rate(r):
            v, k, p = of(r)
            if of_fresh and np.ndim(v) == 1:  # a column of its own: all in place
                out = v
                out *= 2 * num
            else:
                out = v * (2 * num)  # one fresh column, then in place
            out += den
            out //= 2 * den
            return out, k, p

        return rate
    if op == "per":
        of = compile_expr(node["of"], items)
        amount = I64(node["amount"])

        def per(r):
            v, k, p = of(r)
            return v * amount, k, p

        return per
    if op == "years":
        of = compile_expr(node["of"], items)

        def years(r):
            v, k, p = of(r)
            return (I64(r.t.ref) - v) // 10000, k, p

        return years
    if op == "item":
        code = node["code"]

        def item(r):
            # an item's amount is already 0 wherever it is not YES (Program._item)
            status, amount = r.results[code]
            missing = status == MISSING
            return amount, (~missing if missing.any() else None), None

        return item
    if op == "if":
        cond = compile_cond(node["cond"], items)
        then, other = compile_expr(node["then"], items), compile_expr(node["else"], items)

        def branch(r):
            cv, ck = cond(r)
            tv, tk, tp = then(r)
            ev, ek, ep = other(r)
            v = np.where(cv, tv, ev)
            k = ck
            if tk is not None or ek is not None:
                tk_ = True if tk is None else tk
                ek_ = True if ek is None else ek
                k = _and(ck, np.where(cv, tk_, ek_))
            p = None
            if tp is not None or ep is not None:
                p = np.where(cv, True if tp is None else tp, True if ep is None else ep)
            return v, k, p

        return branch
    if op == "tiers":
        of = compile_expr(node["of"], items)
        prior = compile_expr(node["prior"], items) if node.get("prior") is not None else None
        tiers = [(I64(t["at"]), *comparison(t["word"], t.get("incl")), I64(t["amount"])) for t in node["tiers"]]
        mode, is_open = node["mode"], bool(node.get("open"))
        lowest = min((t[0] for t in tiers), default=None)

        def ladder(r):
            rows, v, k, p = reach(r)
            if rows is None:
                return v, k, p
            full = np.zeros(r.t.n, dtype=I64)
            full[rows] = v
            return full, k, p

        def reach(r):
            """(rows, their amounts, known, present) where only `rows` can reach a tier, being
            at or above the lowest threshold (usually few); (None, every amount, …) otherwise.
            An item that pays a ladder writes these rows alone (`Program._supported`)."""
            v, k, p = of(r)
            pv = None
            if prior is not None:
                pv, pk, pp = prior(r)
                k, p = _and(k, pk), _and(p, pp)
            use = mode
            if is_open and r.reading == "B":
                use = "cumulative" if mode == "highest" else "highest"
            if np.ndim(v) == 1 and tiers:
                rows = r.few(v >= lowest)
                if rows is not None:
                    spv = pv[rows] if np.ndim(pv) == 1 else pv
                    return rows, climb(v[rows], spv, use, len(rows)), k, p
            return None, climb(v, pv, use, r.t.n), k, p

        def climb(v, pv, use, n):
            """The tiers reached, summed or the highest (amounts are never below 0), without a
            branch per row: np.putmask and `where=` on scattered rows cost several times more."""
            total = np.zeros(n, dtype=I64)
            for at, _direction, inclusive, amount in tiers:
                reached = v >= at if inclusive else v > at
                if pv is not None:
                    reached &= pv < at if inclusive else pv <= at
                paid = np.multiply(reached, amount)
                if use == "cumulative":
                    total += paid
                else:
                    np.maximum(total, paid, out=total)
            return total

        ladder.reach = reach
        return ladder
    if op == "brackets":
        of = compile_expr(node["of"], items)
        bands = []
        lower = 0
        for upper, (num, den) in node["bands"]:
            bands.append((I64(lower), None if upper is None else I64(upper - lower), I64(num), I64(den)))
            lower = upper if upper is not None else lower

        def band(values, low, width, num, den, into):
            """What one band pays, to the fen: the part of `values` between its floor and its
            ceiling, times its rate (rounded half up)."""
            if low:
                np.subtract(values, low, out=into)
            np.clip(into if low else values, 0, width, out=into)  # one pass for both bounds
            into *= 2 * num
            into += den
            into //= 2 * den
            return into

        def brackets(r):
            v, k, p = of(r)
            total = part = None  # the first band is computed in the total itself, the rest in `part`
            rows = upper = None  # when few reach the second band: those rows and what they are paid above it
            for low, width, num, den in bands:
                if low > 0 and np.ndim(v) == 1 and total is not None:
                    if rows is None:
                        rows = r.few(v > low)  # the bands above pay 0 below this floor
                        if rows is not None:
                            above, upper = v[rows], np.zeros(len(rows), dtype=I64)
                    if rows is not None:
                        upper += band(above, low, width, num, den, np.empty(len(rows), dtype=I64))
                        continue
                if total is None:
                    into = total = np.empty(r.t.n, dtype=I64)
                else:
                    into = part = np.empty(r.t.n, dtype=I64) if part is None else part
                band(v, low, width, num, den, into)
                if into is part:
                    total += part
            if total is None:
                total = np.zeros(r.t.n, dtype=I64)
            if rows is not None:
                np.add.at(total, rows, upper)
            return total, k, p

        return brackets
    if op == "lookup":
        of = compile_expr(node["of"], items)
        name = node["of"].get("field")
        table = node["table"]

        def lookup(r):
            codes, k, p = of(r)
            _codes, vocab = r.t.codes[name]
            amounts = np.array([table.get(word, 0) for word in vocab] + [0], dtype=I64)
            return amounts[codes], k, p  # -1 (missing) reads the trailing 0

        return lookup
    raise ValueError(op)


FRESH_OPS = frozenset({"add", "sub", "min", "max", "rate", "per", "years", "tiers", "brackets", "lookup", "if"})


def fresh(node, items) -> bool:
    """Whether an expression hands back a column of its own (one the caller may overwrite): not
    a table's column, an item's answer or a sub-tree kept for other readers."""
    return node.get("op") in FRESH_OPS and _key(node) not in getattr(items, "shared", ())


def _normalise(v, k):
    return (v if k is None else v & k), k


def _cond(node, items) -> Cond:
    test = node["test"]
    if test == "true":
        return lambda r: (np.ones(r.t.n, dtype=bool), None)
    if test == "has":
        name = node["field"]
        flag = field_kind(name) == "bool"

        def has(r):
            values, present = r.t.titles[name]
            held = (values == 1) if flag else (values <= r.t.ref)
            return present & held, None

        return has
    if test in ("and", "or"):
        args = [compile_cond(a, items) for a in node["args"]]
        is_and = test == "and"

        def junction(r):
            results = [a(r) for a in args]
            combine = np.logical_and if is_and else np.logical_or
            v = combine(results[0][0], results[1][0])  # fresh: the rest goes in place
            for v2, _k in results[2:]:
                combine(v, v2, out=v)
            if all(k is None for _v, k in results):
                return v, None
            # Kleene: "and" is known where it is true or some part is known false; "or" where it
            # is true or every part is known false. Values are already false where unknown, so
            # "known false" (k & ~v) is k ^ v, one pass.
            decided = None
            for v2, k2 in results:
                part = ~v2 if k2 is None else np.logical_xor(k2, v2)
                if decided is None:
                    decided = part
                elif is_and:
                    decided |= part
                else:
                    decided &= part
            decided |= v
            return v, decided

        return junction
    if test == "not":
        arg = compile_cond(node["arg"], items)

        def negate(r):
            v, k = arg(r)
            return _normalise(~v, k)

        return negate
    if test == "in":
        of = compile_expr(node["of"], items)
        name = node["of"]["field"]
        wanted, prefix = set(node["set"]), bool(node.get("prefix"))
        prefixes = tuple(wanted)

        def member(r):
            codes, k, _p = of(r)
            _codes, vocab = r.t.codes[name]
            match = np.array(
                [word.startswith(prefixes) if prefix else word in wanted for word in vocab] + [False],
                dtype=bool,
            )
            return np.take(match, codes, mode="wrap"), k  # -1 (missing) reads the trailing False

        return member
    if test == "cmp":
        direction, inclusive = comparison(node["word"], node.get("incl"))
        is_open = bool(node.get("open"))
        if node["left"].get("op") == "years" and node["right"].get("op") == "const":
            of = compile_expr(node["left"]["of"], items)
            return _age(of, node["right"]["value"], direction, inclusive, is_open)
        left, right = compile_expr(node["left"], items), compile_expr(node["right"], items)

        def compare(r):
            lv, lk, lp = left(r)
            rv, rk, rp = right(r)
            incl = (not inclusive) if is_open and r.reading == "B" else inclusive
            v = _compare(lv, rv, direction, incl)
            return _absent(v, _and(lk, rk), _and(lp, rp), r.t.n)

        return compare
    if test == "between":
        of, low, high = (compile_expr(node[k], items) for k in ("of", "low", "high"))
        low_incl, high_incl = node.get("low_incl", True), node.get("high_incl", True)

        def between(r):
            v, k, p = of(r)
            lv, lk, lp = low(r)
            hv, hk, hp = high(r)
            inside = _compare(v, lv, ">", low_incl) & _compare(v, hv, "<", high_incl)
            return _absent(inside, _and(_and(k, lk), hk), _and(_and(p, lp), hp), r.t.n)

        return between
    raise ValueError(test)


def _age(of, years: int, direction: str, inclusive: bool, is_open: bool) -> Cond:
    """年限(date) against whole years, as the date against the anniversary: (ref − date) // 10000
    ≥ c exactly when date ≤ ref − 10000·c, so the division over every enterprise (the dearest
    pass there is) is not done."""

    def age(r):
        v, k, p = of(r)
        incl = (not inclusive) if is_open and r.reading == "B" else inclusive
        # "at least c" and "more than c" (at least c + 1); "under c" and "at most c" (under c + 1)
        whole = years + (incl if direction == "<" else not incl)
        day = I64(r.t.ref - 10000 * whole)
        return _absent(v <= day if direction == ">" else v > day, k, p, r.t.n)

    return age


def _compare(lv, rv, direction, inclusive):
    if direction == ">":
        return lv >= rv if inclusive else lv > rv
    return lv <= rv if inclusive else lv < rv


def _absent(v, k, p, n):
    """A comparison on an absent title is false and known; elsewhere false where unknown. `v` is
    the comparison's own fresh column, so it is narrowed in place."""
    if np.ndim(v) == 0:
        v = np.full(n, bool(v))
    if p is not None:
        v &= p
        if k is not None:
            k = k | ~p
    if k is not None:
        v &= k
    return v, k


def _fixed(node) -> bool:
    """Whether a formula is a fixed amount (a constant, or constants summed and compared)."""
    op = node.get("op")
    return op == "const" or (op in ("add", "sub", "min", "max") and all(_fixed(a) for a in node["args"]))


def multiple_of(node, unit: int, items) -> bool:
    """Whether an amount formula only ever yields multiples of `unit` (fen): then rounding to
    that unit changes nothing and is skipped. Decided once, when the rules are compiled."""
    if unit == 1:
        return True
    op = node.get("op")
    if op == "const":
        return node["value"] % unit == 0
    if op in ("add", "sub", "min", "max"):
        return all(multiple_of(a, unit, items) for a in node["args"])
    if op == "if":
        return multiple_of(node["then"], unit, items) and multiple_of(node["else"], unit, items)
    if op == "per":
        return node["amount"] % unit == 0
    if op == "tiers":
        return all(t["amount"] % unit == 0 for t in node["tiers"])
    if op == "lookup":
        return all(v % unit == 0 for v in node["table"].values())
    if op == "item":
        rule = items[node["code"]]
        own = ROUNDING_UNITS[rule.rounding]
        return (own % unit == 0 or multiple_of(rule.formula, unit, items)) and (
            rule.cap is None or rule.cap % unit == 0
        )
    return False  # figures, rates, brackets, ages: anything


def _scatter(r, code: str, rows, amount, yes):
    """An item's answers computed over `rows` alone written into its rows of the run's block:
    the amount where it pays, 0 and NO everywhere else."""
    amount *= yes
    status, out = r.out(code)
    out.fill(0)
    out[rows] = amount
    status.fill(NO)
    status[rows] = yes.view(np.int8)  # YES is 1, NO 0 (a bool source is cast row by row)
    return status, out


def _mark_missing(status, ck, ak, cv, scratch):
    """数据不足 where the condition is unknown (`ck` false), or where the amount's figures are
    (`ak` false) and the condition holds (`cv`; None for an item that always applies). `status`
    holds YES/NO and is NO wherever a figure is unknown (a condition is false where unknown, and
    YES needs the amount known), so MISSING (2) is added as twice the unknown mask over int8
    views: np.putmask branches on each row and cost 0.8 ms a million rows, this 0.1 ms."""
    unknown = None
    if ck is not None:
        unknown = np.logical_not(ck, out=scratch)
    if ak is not None:
        lacking = np.logical_not(ak) if unknown is not None else np.logical_not(ak, out=scratch)
        if cv is not None:
            lacking &= cv
        unknown = lacking if unknown is None else np.logical_or(unknown, lacking, out=unknown)
    if unknown is not None:
        twice = unknown.view(np.int8)
        status += twice
        status += twice


class Program:
    """A policy's items compiled once; `run(table)` answers every item for every enterprise."""

    # Below this share of enterprises, a formula (or a ladder, or a bracket above the first) is
    # evaluated over the enterprises it concerns alone and scattered back; above it, over all.
    sparse = 0.3
    sparse_from = 50_000  # below this many enterprises, the bookkeeping costs more than it saves

    def __init__(self, rules: list[ItemRule], total_cap: int | None = None):
        self.rules = list(rules)
        self.by_code = _Items((r.code, r) for r in self.rules)
        counts: dict = {}
        _count([[r.condition, r.formula] for r in self.rules], counts)
        self.by_code.shared = frozenset(key for key, count in counts.items() if count > 1)
        self.order = order_items({r.code: [r.condition, r.formula] for r in self.rules})
        self.total_cap = total_cap
        self.cond = {r.code: compile_cond(r.condition, self.by_code) for r in self.rules}
        self.formula = {r.code: compile_expr(r.formula, self.by_code) for r in self.rules}
        opened = {r.code: has_open([r.condition, r.formula], self.by_code) for r in self.rules}
        if total_cap is not None and any(opened.values()):
            opened = dict.fromkeys(opened, True)  # the cap passes one item's readings to the next
        self.opened = opened
        self.owned = {r.code: fresh(r.formula, self.by_code) for r in self.rules}
        # items paid whatever the enterprise (总是): no condition to evaluate or apply
        self.always = {r.code: r.condition == {"test": "true"} for r in self.rules}
        # an item paying a ladder (not kept for other readers) is evaluated over the enterprises
        # that can reach a tier: usually fewer than those whose condition holds
        self.reach = {r.code: getattr(self.formula[r.code], "reach", None) for r in self.rules}
        # any other formula that reads no other item and is not a fixed amount can be evaluated
        # over the enterprises whose condition holds alone (the sub-table gathers what it reads)
        self.local = {
            r.code: not self.always[r.code]
            and not item_refs(r.formula)
            and not _fixed(r.formula)
            and self.reach[r.code] is None
            for r in self.rules
        }
        # items whose amount is always a multiple of their rounding unit need no rounding
        self.whole = {r.code: multiple_of(r.formula, ROUNDING_UNITS[r.rounding], self.by_code) for r in self.rules}

    def run(self, table: Table) -> dict[str, Outcome]:
        results_a: dict = {}
        results_b: dict = {}
        share = self.sparse if table.n >= self.sparse_from else 0.0
        run_a = _Run(table, "A", results_a, share)
        run_b = _Run(table, "B", results_b, share)
        run_b.cache = run_a.cache  # sub-trees that do not depend on the reading are shared
        # Every item's answers are rows of one block, allocated once: twenty separate 8 MB
        # columns cost the kernel as much in page faults as the arithmetic costs (getrusage:
        # 40 % of the run was system time); one large block is mapped in huge pages.
        index = {rule.code: i for i, rule in enumerate(self.rules)}
        for run, count in ((run_a, len(self.rules)), (run_b, sum(self.opened.values()))):
            if count:
                run.rows = (
                    index,
                    np.empty((len(self.rules), table.n), np.int8),
                    np.empty((len(self.rules), table.n), I64),
                )
        for code in self.order:
            results_a[code] = self._item(code, run_a)
            results_b[code] = self._item(code, run_b) if self.opened[code] else results_a[code]
        if self.total_cap is not None and self.rules:
            self._cap(run_a)
            if any(self.opened.values()):
                self._cap(run_b)
        outcomes = {}
        for rule in self.rules:
            sa, aa = results_a[rule.code]
            if not self.opened[rule.code]:
                outcomes[rule.code] = Outcome(sa, aa, aa)
                continue
            sb, ab = results_b[rule.code]
            missing = (sa == MISSING) | (sb == MISSING)
            differ = ~missing & ((sa != sb) | (aa != ab))
            # NO < YES < MISSING < AMBIGUOUS, so the status is the largest that applies, and an
            # amount is kept by multiplying: no branch per row (a masked write or np.where on
            # scattered rows costs several times more)
            status = np.maximum(sa, missing.view(np.int8) * MISSING)
            np.maximum(status, differ.view(np.int8) * AMBIGUOUS, out=status)
            known = ~missing
            outcomes[rule.code] = Outcome(status, np.multiply(aa, known), np.multiply(ab, known))
        return outcomes

    def _item(self, code: str, r: _Run):
        rule = self.by_code[code]
        always = self.always[code]
        cv, ck = (True, None) if always else self.cond[code](r)
        av = None
        reach = self.reach[code]
        if reach is not None:
            rows, av, ak, _ap = reach(r)
            if rows is not None:
                return self._supported(code, rows, av, ak, cv, ck, r)
        if self.local[code]:
            rows = r.few(cv)
            if rows is not None:
                sub = _Run(picked(r.t, rows), r.reading, {}, r.sparse)
                av, ak, _ap = self.formula[code](sub)
                if np.ndim(av) == 1:
                    return self._sparse(code, rows, av, ak, ck, r)
        if av is None:
            av, ak, _ap = self.formula[code](r)
        unit = ROUNDING_UNITS[rule.rounding]
        scratch = r.scratch()
        if np.ndim(av) == 0:  # a fixed amount: rounded and capped once, not per enterprise
            amount = int(av)
            if unit != 1:
                amount = (amount // unit if rule.rounding_mode == "floor" else (amount + unit // 2) // unit) * unit
            if rule.cap is not None:
                amount = min(amount, rule.cap)
            status, out = r.out(code)
            if amount <= 0:
                status.fill(NO)
                out.fill(0)
                _mark_missing(status, ck, None, None, scratch)
                return status, out
            if always:
                status.fill(YES)
                out.fill(amount)
                return status, out
            # YES is 1 and NO 0: the condition's booleans (false where unknown) are the status
            np.copyto(status, cv)
            _mark_missing(status, ck, None, None, scratch)
            np.multiply(cv, I64(amount), out=out)
            return status, out
        amount = self._round_cap(code, av, self.owned[code])
        yes = np.greater(amount, 0)  # YES: the condition holds and there is something to pay
        if not always:
            yes &= cv
        if ak is not None:
            yes &= ak
        status, out = r.out(code)
        np.multiply(amount, yes, out=out)
        np.copyto(status, yes)  # YES is 1, NO 0
        _mark_missing(status, ck, ak, None if always else cv, scratch)
        return status, out

    def _sparse(self, code: str, rows, av, ak, ck, r: _Run):
        """An item whose formula was evaluated over `rows` alone (where its condition holds):
        the answers are NO elsewhere (数据不足 where the condition is unknown), scattered here."""
        amount = self._round_cap(code, av, True)  # gathered columns are the sub-run's own
        yes = np.greater(amount, 0)
        if ak is not None:
            yes &= ak
        status, out = _scatter(r, code, rows, amount, yes)
        if ak is not None:
            status[rows[~ak]] = MISSING
        _mark_missing(status, ck, None, None, r.scratch())
        return status, out

    def _supported(self, code: str, rows, av, ak, cv, ck, r: _Run):
        """An item paying a ladder that only `rows` reach (`av`: its amounts there): 0
        elsewhere, so NO there (数据不足 where the condition or the ladder's figures are unknown)."""
        always = self.always[code]
        amount = self._round_cap(code, av, True)
        yes = np.greater(amount, 0)
        if not always:
            yes &= cv[rows]
        if ak is not None:
            yes &= ak[rows]
        status, out = _scatter(r, code, rows, amount, yes)
        scratch = r.scratch()
        _mark_missing(status, ck, ak, None if always else cv, scratch)
        return status, out

    def _round_cap(self, code: str, av, owned: bool):
        """An item's formula's column rounded to its unit and capped (in place when `owned`)."""
        rule = self.by_code[code]
        unit = ROUNDING_UNITS[rule.rounding]
        if unit != 1 and not self.whole[code]:
            if owned:
                amount = av
                if rule.rounding_mode != "floor":
                    amount += unit // 2
                amount //= unit
            else:
                amount = av // unit if rule.rounding_mode == "floor" else (av + unit // 2)
                if rule.rounding_mode != "floor":
                    amount //= unit
            amount *= unit
            fresh = True
        else:  # already a multiple of the unit (tiers, fixed amounts, per head …): nothing to round
            amount, fresh = av, owned
        if rule.cap is not None:
            if fresh:
                np.minimum(amount, I64(rule.cap), out=amount)
            else:
                amount = np.minimum(amount, I64(rule.cap))
        return amount

    def _cap(self, run: _Run):
        """The per-enterprise total cap, in the items' order, over the answer block a slice of
        columns at a time (the slice stays in the cache while it is summed, checked and cut).
        Only enterprises whose items add up to more than the cap are touched (usually few).
        Amounts are never negative, so granting in order is a prefix sum: each item gets what
        is left of the cap after the items before it, at most its own amount."""
        _index, status, amount = run.rows
        cap = I64(self.total_cap)
        n = run.t.n
        total = np.empty(min(n, CAP_SLICE), dtype=I64)
        for start in range(0, n, CAP_SLICE):
            stop = min(n, start + CAP_SLICE)
            block = amount[:, start:stop]
            np.add.reduce(block, axis=0, out=total[: stop - start])
            over = np.flatnonzero(total[: stop - start] > cap)
            if not len(over):
                continue
            wanted = block[:, over]  # gathered while the slice is still in the cache
            before = np.cumsum(wanted, axis=0)
            before -= wanted
            np.subtract(cap, before, out=before)
            np.maximum(before, 0, out=before)
            granted = np.minimum(wanted, before)
            # only the cells the cap changes are written back; an amount above 0 is a YES, so
            # one cut to 0 becomes a NO, found from the amounts alone
            items, at = np.nonzero(granted != wanted)
            block[items, over[at]] = granted[items, at]
            cut = granted[items, at] == 0
            status[items[cut], start + over[at[cut]]] = NO
