"""The peer: the same 20-item workload written the usual OpenFisca way (one Variable per item,
amounts in yuan as OpenFisca's default float, missing figures read as 0, the total cap as one
min_), run by openfisca-core. A bench-only dependency, in its own environment:

    python3 -m venv /tmp/ofvenv && /tmp/ofvenv/bin/pip install openfisca-core numpy
    python -m bench.policies --openfisca /tmp/ofvenv/bin/python

bench/policies.py writes the synthetic enterprises to an .npz file and runs this script on it;
it prints the median CPU seconds of calculating every item and the total (inputs set untimed, a
fresh simulation each time) as JSON. It imports neither Django nor the project.
"""

import json
import statistics
import sys
import time

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.model_api import YEAR, Variable, min_, where
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

Enterprise = build_entity(key="enterprise", plural="enterprises", label="Enterprise", is_person=True)
PERIOD = "2024"


def variable(name, kind=float, formula=None):
    attrs = {"value_type": kind, "entity": Enterprise, "definition_period": YEAR, "label": name}
    if formula is not None:
        attrs["formula"] = formula
    return type(name, (Variable,), attrs)


def as_formula(f):
    def formula(enterprise, period, parameters):
        return f(enterprise, period, parameters(period))

    return formula


# The raw figures, as the engine reads them: titles as the day granted and whether one is on
# file, the founding day (yyyymmdd), industry and region as indices into their vocabularies.
# What the rules derive from them (a title held at the reference date, an age, membership of the
# industry or district lists) are Variables with formulas below, computed in the timed run as the
# engine computes them (bench/RESULTS.md: they used to be handed in precomputed).
TITLES = ("high_tech", "specialised", "little_giant", "above_scale")
INPUTS = {
    "revenue": float, "revenue_last": float, "prior_max": float, "tax": float, "rd": float, "employees": int,
    "power": float, "power_last": float, "exports": float, "founded": int, "industry": int, "region": int,
    "scale": int, **{f"{t}_day": int for t in TITLES}, **{f"{t}_present": bool for t in TITLES},
}  # fmt: skip
REF = 20250630  # the policy's reference date
LISTS = {}  # vocabulary index -> in the list (and a trailing False for "none"), read from the data file


def held(title):
    return lambda e, p, P: e(f"{title}_present", p) * (e(f"{title}_day", p) <= REF)


DERIVED = {
    **{title: (bool, held(title)) for title in TITLES},
    "age": (int, lambda e, p, P: (REF - e("founded", p)) // 10000),
    "industry_in_set": (bool, lambda e, p, P: LISTS["industry"][e("industry", p)]),
    "district": (bool, lambda e, p, P: LISTS["district"][e("region", p)]),
}


def value(x):
    return {"values": {"2020-01-01": x}}


def ladder(*steps):
    return {"brackets": [{"threshold": value(at), "amount": value(amount)} for at, amount in steps]}


# Thresholds, amounts and rates as OpenFisca parameters, as a country package keeps them (YAML
# there, the same tree here), read by each formula through parameters(period).
PARAMETERS = {
    "f1": {"amount": value(100_000)},
    "f2": {"amount": value(200_000), "revenue": value(2e7)},
    "t1": ladder((1e8, 100_000), (5e8, 300_000), (1e9, 500_000)),
    "t2": {"tiers": {"first": {"at": value(2e8), "amount": value(100_000)}, "second": {"at": value(2e9), "amount": value(400_000)}}},  # noqa: E501
    "g1": {"last": value(1e7), "rate": value(0.01), "cap": value(500_000)},
    "l1": {"revenue": value(5e6), "medium": value(200_000), "micro": value(50_000), "small": value(100_000)},
    "s1": {"revenue": value(1e7), "amount": value(150_000)},
    "d1": {"revenue": value(5e6), "amount": value(50_000)},
    "a1": {"age": value(5), "revenue": value(1e7), "amount": value(80_000)},
    "p1": {"low": value(20), "high": value(1000), "per_head": value(1000), "cap": value(500_000)},
    "b1": {"brackets": [{"threshold": value(0), "rate": value(0.05)}, {"threshold": value(1e6), "rate": value(0.03)},
                        {"threshold": value(5e6), "rate": value(0.01)}]},
    "r1": {"floor": value(2e6), "rate": value(0.1), "cap": value(1_000_000)},
    "e1": {"floor": value(5e6), "high": value(2e7), "amount_high": value(200_000), "amount": value(100_000)},
    "x1": {"floor": value(1e7), "rate": value(0.02), "cap": value(300_000)},
    "h1": {"year": value(2024), "amount": value(200_000)},
    "m1": {"amount": value(1_000_000)},
    "q1": {"year": value(2024), "amount": value(100_000)},
    "n1": ladder((5e6, 100_000), (1e7, 200_000), (5e7, 500_000)),
    "sum1": {"cap": value(1_000_000)},
    "sum2": {"cap": value(800_000)},
    "total": {"cap": value(3_000_000)},
}  # fmt: skip


def first_crossing(e, p, scale):
    """Highest tier first reached this year: the scale on revenue, unless the earlier maximum
    already had it."""
    revenue, prior = e("revenue", p), e("prior_max", p)
    now, before = scale.calc(revenue), scale.calc(prior)
    return where(now > before, now, 0)


def t2(e, p, P):
    revenue, prior, total = e("revenue", p), e("prior_max", p), 0
    for tier in (P.t2.tiers.first, P.t2.tiers.second):
        total = total + where((revenue >= tier.at) * (prior < tier.at), tier.amount, 0)
    return where(e("above_scale", p), total, 0)


FORMULAS = {
    "F1": lambda e, p, P: where(e("high_tech", p), P.f1.amount, 0),
    "F2": lambda e, p, P: where(e("specialised", p) * (e("revenue", p) >= P.f2.revenue), P.f2.amount, 0),
    "T1": lambda e, p, P: first_crossing(e, p, P.t1),
    "T2": t2,
    "G1": lambda e, p, P: where(
        (e("revenue_last", p) >= P.g1.last) * (e("revenue", p) > e("revenue_last", p)),
        min_(np.round(P.g1.rate * (e("revenue", p) - e("revenue_last", p))), P.g1.cap),
        0,
    ),
    "L1": lambda e, p, P: where(
        e("revenue", p) >= P.l1.revenue,
        np.array([0, P.l1.medium, P.l1.micro, P.l1.small], dtype=np.float32)[e("scale", p)],
        0,
    ),
    "S1": lambda e, p, P: where(e("industry_in_set", p) * (e("revenue", p) >= P.s1.revenue), P.s1.amount, 0),
    "D1": lambda e, p, P: where(e("district", p) * (e("revenue", p) >= P.d1.revenue), P.d1.amount, 0),
    "A1": lambda e, p, P: where((e("age", p) < P.a1.age) * (e("revenue", p) >= P.a1.revenue), P.a1.amount, 0),
    "P1": lambda e, p, P: where(
        (e("employees", p) >= P.p1.low) * (e("employees", p) <= P.p1.high),
        min_(e("employees", p) * P.p1.per_head, P.p1.cap),
        0,
    ),
    "B1": lambda e, p, P: where(e("tax", p) > 0, np.round(P.b1.calc(e("tax", p))), 0),
    "R1": lambda e, p, P: where(e("rd", p) >= P.r1.floor, min_(np.round(P.r1.rate * e("rd", p)), P.r1.cap), 0),
    "E1": lambda e, p, P: where(
        (e("power", p) > e("power_last", p)) * (e("power", p) >= P.e1.floor),
        where(e("power", p) >= P.e1.high, P.e1.amount_high, P.e1.amount),
        0,
    ),
    "X1": lambda e, p, P: where(
        e("exports", p) >= P.x1.floor, min_(np.round(P.x1.rate * e("exports", p)), P.x1.cap), 0
    ),
    "H1": lambda e, p, P: where(
        e("high_tech_present", p) * (e("high_tech_day", p) >= P.h1.year * 10000 + 101), P.h1.amount, 0
    ),
    "M1": lambda e, p, P: where(e("little_giant", p), P.m1.amount, 0),
    "Q1": lambda e, p, P: where(
        e("above_scale_present", p) * (e("above_scale_day", p) >= P.q1.year * 10000 + 101), P.q1.amount, 0
    ),
    "N1": lambda e, p, P: P.n1.calc(e("tax", p)),
    "SUM1": lambda e, p, P: min_(e("F1", p) + e("F2", p) + e("M1", p), P.sum1.cap),
    "SUM2": lambda e, p, P: min_(e("R1", p) + e("X1", p), P.sum2.cap),
}
ITEMS = list(FORMULAS)
FORMULAS["total"] = lambda e, p, P: min_(sum(e(code, p) for code in ITEMS), P.total.cap)


def system():
    from openfisca_core.parameters import ParameterNode

    tbs = TaxBenefitSystem([Enterprise])
    tbs.parameters = ParameterNode("", data=PARAMETERS)
    for name, kind in INPUTS.items():
        tbs.add_variable(variable(name, kind))
    for name, (kind, formula) in DERIVED.items():
        tbs.add_variable(variable(name, kind, as_formula(formula)))
    for name, formula in FORMULAS.items():
        tbs.add_variable(variable(name, float, as_formula(formula)))
    return tbs


def simulation(tbs, columns):
    n = len(columns["revenue"])
    sim = SimulationBuilder().build_default_simulation(tbs, count=n)
    for name in INPUTS:
        sim.set_input(name, PERIOD, columns[name])
    return sim


def main():
    columns = dict(np.load(sys.argv[1]))
    LISTS["industry"], LISTS["district"] = columns.pop("industry_list"), columns.pop("district_list")
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    tbs = system()
    samples = []
    for _ in range(repeat):
        sim = simulation(tbs, columns)
        started = time.process_time()  # CPU time, as bench/policies.py measures the engine
        for code in [*ITEMS, "total"]:
            sim.calculate(code, PERIOD)
        samples.append(time.process_time() - started)
    total = sim.calculate("total", PERIOD)
    print(json.dumps({"seconds": statistics.median(samples), "dtype": str(total.dtype), "sum": float(total.sum())}))


if __name__ == "__main__":
    main()
