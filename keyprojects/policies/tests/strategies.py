"""Random enterprises and random rules for the property tests, with values drawn near the rules'
own thresholds so that boundaries (exactly at, one fen under, one over) come up often."""

from datetime import date

from hypothesis import strategies as st

from keyprojects.policies.engine import ItemRule
from keyprojects.policies.language import SUFFIX_WORDS, WORDS, parse_rate, rate_text
from keyprojects.policies.reference import Enterprise, Fact

REF = 20250630
# A few thresholds every rule and every enterprise draw from, so that they meet exactly.
MONEY_POINTS = [0, 100, 1_000_000, 50_000_000, 100_000_000, 2_000_000_000, 10_000_000_000, 50_000_000_000]
COUNT_POINTS = [0, 1, 20, 50, 300, 1000]
YEAR_POINTS = [0, 1, 3, 5, 10]
# with the anniversaries of REF that YEAR_POINTS name (the engine compares ages as dates)
DATE_POINTS = [20100101, 20150630, 20200615, 20200630, 20220101, 20220630, 20240101, 20240630, 20250630, 20250701]
INDUSTRIES = ["C1353", "C1391", "C2614", "C3130", "I6510", "F5111"]
REGIONS = ["411102", "411103", "411104", "411121", "411122"]
SCALES = ["large", "medium", "small", "micro"]
MONEY_FIELDS = ["revenue", "prior_max_revenue", "rd_expense", "tax_paid"]
# The periods a figure is read for: this year, last year, and the quarterly ones.
MONEY_LAGS = (0, 1, "Q", "QY", "Q2", "Q4S")
TITLES = ["high_tech", "specialised", "little_giant"]


def near(points, limit):
    point = st.sampled_from(points)
    return st.one_of(
        point,
        st.builds(lambda p, d: max(0, p + d), point, st.sampled_from([-1, 1])),
        st.integers(min_value=0, max_value=limit),
    )


money_values = near(MONEY_POINTS, 10**12)
count_values = near(COUNT_POINTS, 5000)
date_values = near(DATE_POINTS, 0).map(lambda d: d if d > 19000000 else 20200101)


@st.composite
def enterprises(draw):
    e = Enterprise(ref=REF)

    def maybe(strategy):
        return draw(st.one_of(st.none(), strategy)) if draw(st.booleans()) else draw(strategy)

    for name in MONEY_FIELDS:
        for lag in MONEY_LAGS:
            value = maybe(money_values)
            if value is not None:
                e.numbers[(name, lag)] = Fact(value, "市税务局", date(2025, 3, 31), stale=draw(st.integers(0, 9)) == 0)
    for key, strategy in ((("employees", 0), count_values), (("founded", 0), date_values)):
        value = maybe(strategy)
        if value is not None:
            e.numbers[key] = Fact(value, "市统计局", date(2025, 2, 28))
    for name in TITLES:
        if draw(st.booleans()):
            e.titles[name] = Fact(draw(date_values), "市工信局", date(2024, 12, 31))
    if draw(st.booleans()):
        e.titles["blacklisted"] = Fact(draw(st.sampled_from([0, 1])))
    for name, words in (("industry", INDUSTRIES), ("region", REGIONS), ("scale", SCALES)):
        value = maybe(st.sampled_from(words))
        if value is not None:
            e.codes[name] = value
    return e


def const(kind, values):
    return st.builds(lambda v: {"op": "const", "kind": kind, "value": v}, values)


def fact(names, lags=(0,)):
    return st.builds(
        lambda n, lag: {"op": "fact", "field": n, **({"lag": lag} if lag else {})},
        st.sampled_from(names),
        st.sampled_from(lags),
    )


# Rates as the text form writes them (the fewest decimals), so that a tree reads back as itself.
rates = st.builds(
    lambda n, d: parse_rate(rate_text([min(n, d), d])), st.integers(0, 10000), st.sampled_from([100, 1000, 10000])
)


def money_expr(items, depth=2):
    leaf = st.one_of(
        const("money", st.sampled_from(MONEY_POINTS)),
        fact(MONEY_FIELDS, MONEY_LAGS),
        *([st.builds(lambda c: {"op": "item", "code": c}, st.sampled_from(items))] if items else []),
    )
    if depth == 0:
        return leaf
    sub = money_expr(items, depth - 1)
    tier = st.builds(
        lambda at, word, amount, incl: {
            "at": at,
            "word": word,
            "amount": amount,
            **({} if incl is None else {"incl": incl}),
        },
        st.sampled_from(MONEY_POINTS),
        st.sampled_from([w for w, v in WORDS.items() if v[0] == ">"]),
        st.sampled_from(MONEY_POINTS[:6]),
        st.sampled_from([None, True, False]),
    )
    return st.one_of(
        leaf,
        st.builds(
            lambda op, a: {"op": op, "args": a},
            st.sampled_from(["add", "min", "max"]),
            st.lists(sub, min_size=2, max_size=3),
        ),
        st.builds(lambda a, b: {"op": "sub", "args": [a, b]}, sub, sub),
        st.builds(lambda r, of: {"op": "rate", "rate": r, "of": of}, rates, sub),
        st.builds(lambda a, of: {"op": "per", "amount": a, "of": of}, st.sampled_from([0, 100, 200_000]), count_expr()),
        st.builds(
            lambda of, prior, tiers, mode, is_open: {
                "op": "tiers",
                "of": of,
                **({"prior": prior} if prior else {}),
                "mode": mode,
                "tiers": tiers,
                **({"open": True} if is_open else {}),
            },
            fact(["revenue"]),
            st.one_of(st.none(), fact(["prior_max_revenue", "revenue"], MONEY_LAGS)),
            st.lists(tier, min_size=1, max_size=3),
            st.sampled_from(["highest", "cumulative"]),
            st.booleans(),
        ),
        st.builds(
            lambda of, uppers, rs: {
                "op": "brackets",
                "of": of,
                "bands": [[u, r] for u, r in zip([*sorted(set(uppers)), None], rs, strict=False)],
            },
            sub,
            st.lists(st.sampled_from(MONEY_POINTS[1:]), min_size=0, max_size=2),
            st.lists(rates, min_size=3, max_size=3),
        ),
        st.builds(
            lambda table: {"op": "lookup", "of": {"op": "fact", "field": "scale"}, "table": table},
            st.dictionaries(st.sampled_from(SCALES), st.sampled_from(MONEY_POINTS[:6]), min_size=1),
        ),
        st.builds(lambda c, t, e: {"op": "if", "cond": c, "then": t, "else": e}, conditions(items, 0), sub, sub),
    )


def count_expr():
    return st.one_of(const("count", st.sampled_from(COUNT_POINTS)), fact(["employees"]))


def years_expr():
    return st.one_of(
        const("years", st.sampled_from(YEAR_POINTS)),
        st.builds(lambda of: {"op": "years", "of": of}, fact(["founded", *TITLES])),
    )


def date_expr():
    return st.one_of(const("date", st.sampled_from(DATE_POINTS)), fact(["founded", *TITLES]))


@st.composite
def comparisons(draw, items):
    kind = draw(st.sampled_from(["money", "count", "years", "date"]))
    makers = {"money": lambda: money_expr(items, 1), "count": count_expr, "years": years_expr, "date": date_expr}
    points = {"money": MONEY_POINTS, "count": COUNT_POINTS, "years": YEAR_POINTS, "date": DATE_POINTS}
    word = draw(st.sampled_from(sorted(WORDS)))
    left = draw(makers[kind]())
    if word in SUFFIX_WORDS or draw(st.booleans()):
        right = {"op": "const", "kind": kind, "value": draw(st.sampled_from(points[kind]))}
    else:
        right = draw(makers[kind]())
    node = {"test": "cmp", "left": left, "word": word, "right": right}
    incl = draw(st.sampled_from([None, None, True, False]))
    if incl is not None:
        node["incl"] = incl
    if draw(st.integers(0, 3)) == 0:
        node["open"] = True
    return node


def conditions(items, depth=2):
    leaf = st.one_of(
        comparisons(items),
        st.builds(lambda t: {"test": "has", "field": t}, st.sampled_from([*TITLES, "blacklisted"])),
        st.builds(
            lambda s, p: {
                "test": "in",
                "of": {"op": "fact", "field": "industry"},
                "set": s,
                **({"prefix": True} if p else {}),
            },
            st.lists(st.sampled_from(["C13", "C1353", "C26", "I", "F5111"]), min_size=1, max_size=3, unique=True),
            st.booleans(),
        ),
        st.builds(
            lambda s: {"test": "in", "of": {"op": "fact", "field": "region"}, "set": s},
            st.lists(st.sampled_from(REGIONS), min_size=1, max_size=3, unique=True),
        ),
        st.builds(
            lambda low, high, li, hi: {
                "test": "between",
                "of": {"op": "fact", "field": "employees"},
                "low": {"op": "const", "kind": "count", "value": low},
                "high": {"op": "const", "kind": "count", "value": high},
                "low_incl": li,
                "high_incl": hi,
            },
            st.sampled_from(COUNT_POINTS),
            st.sampled_from(COUNT_POINTS),
            st.booleans(),
            st.booleans(),
        ),
        st.just({"test": "true"}),
    )
    if depth == 0:
        return leaf
    sub = conditions(items, depth - 1)
    return st.one_of(
        leaf,
        st.builds(
            lambda t, a: {"test": t, "args": a}, st.sampled_from(["and", "or"]), st.lists(sub, min_size=2, max_size=3)
        ),
        st.builds(lambda a: {"test": "not", "arg": a}, sub),
    )


@st.composite
def policies(draw):
    """2–4 items, each reading only earlier ones, and maybe a per-enterprise total cap."""
    rules = []
    for i in range(draw(st.integers(1, 4))):
        codes = [r.code for r in rules]
        rules.append(
            ItemRule(
                code=f"X{i}",
                condition=draw(conditions(codes)),
                formula=draw(money_expr(codes)),
                rounding=draw(st.sampled_from(["fen", "yuan", "hundred", "wan"])),
                rounding_mode=draw(st.sampled_from(["half_up", "floor"])),
                cap=draw(st.one_of(st.none(), st.sampled_from(MONEY_POINTS))),
            )
        )
    total_cap = draw(st.one_of(st.none(), st.sampled_from(MONEY_POINTS)))
    return rules, total_cap
