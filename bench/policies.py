"""The policy engine against hand-written NumPy, and the 1,000,000-row fact feed.

    python -m bench.policies                      # 10,000 / 100,000 / 1,000,000 enterprises
    python -m bench.policies --sizes 100000 --markdown
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kp_policies python -m bench.policies --feed 1000000

Engine: the 20-item workload of issue 14 (fixed amounts, first crossings over three tiers, a
cumulative ladder, rate × growth capped, a lookup by a three-level category, membership of 40
industry codes, a district list, an age limit, per head, marginal brackets, two items that sum
others with a cap, a per-enterprise total cap), written once as rule text for the engine and
once by hand in NumPy with the same meaning (missing figures, titles, rounding, caps). Both run on
the same synthetic enterprises (log-normal revenue, a few per cent of figures missing); their
answers are compared cell by cell before anything is timed. The ratio is engine / hand: ≤ 1.0
is the goal. "one enterprise" is the reference evaluator with its explanation, per enterprise.

Feed: a CSV of N rows (N/10 enterprises × 10 fields) loaded by `enterprises.facts.load_feed`
(every row checked, then written set-based), beside the reference of the bare COPY of the same
rows into the same table (PostgreSQL only).
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyprojects.settings")

REF = 20250630
CAP = 300 * 1_000_000  # 300万元 per enterprise
INDUSTRY_SET = [f"C{13 + i // 4}{i % 4 + 1}" for i in range(40)]  # 40 codes (C131 … C224)
DISTRICTS = ["411102", "411103", "411104"]

ITEMS = [
    ("F1", "已认定 高新技术企业", "10万元"),
    ("F2", "已认定 专精特新 且 营业收入 2000万元以上", "20万元"),
    (
        "T1",
        "总是",
        "首次阶梯就高(营业收入, 以前年度最高营业收入; 1亿元以上: 10万元; 5亿元以上: 30万元; 10亿元以上: 50万元)",
    ),
    ("T2", "已认定 规上企业", "首次阶梯累加(营业收入, 以前年度最高营业收入; 2亿元以上: 10万元; 20亿元以上: 40万元)"),
    (
        "G1",
        "营业收入(上年) 1000万元以上 且 营业收入 超过 营业收入(上年)",
        "较小值(比例(1%, 营业收入 - 营业收入(上年)), 50万元)",
    ),
    ("L1", "营业收入 500万元以上", "对照(企业规模; 中型: 20万元; 小型: 10万元; 微型: 5万元)"),
    ("S1", "行业代码 属于 {" + "、".join(INDUSTRY_SET) + "} (按前缀) 且 营业收入 1000万元以上", "15万元"),
    ("D1", "所在地区 属于 {" + "、".join(DISTRICTS) + "} 且 营业收入 500万元以上", "5万元"),
    ("A1", "年限(成立日期) 不满 5年 且 营业收入 1000万元以上", "8万元"),
    ("P1", "从业人员 介于 20人(含) 至 1000人(含)", "较小值(每人(1000元, 从业人员), 50万元)"),
    ("B1", "纳税额 超过 0元", "分段累进(纳税额; 100万元: 5%; 500万元: 3%; 不限: 1%)"),
    ("R1", "研发费用 200万元以上", "较小值(比例(10%, 研发费用), 100万元)"),
    ("E1", "用电量 超过 用电量(上年) 且 用电量 500万千瓦时以上", "如果(用电量 2000万千瓦时以上, 20万元, 10万元)"),
    ("X1", "出口额 1000万元以上", "较小值(比例(2%, 出口额), 30万元)"),
    ("H1", "高新技术企业 2024年1月1日以后", "20万元"),
    ("M1", "已认定 小巨人", "100万元"),
    ("Q1", "规上企业 2024年1月1日以后", "10万元"),
    ("N1", "总是", "阶梯就高(纳税额; 500万元以上: 10万元; 1000万元以上: 20万元; 5000万元以上: 50万元)"),
    ("SUM1", "总是", "较小值(事项(F1) + 事项(F2) + 事项(M1), 100万元)"),
    ("SUM2", "总是", "较小值(事项(R1) + 事项(X1), 80万元)"),
]


def synthetic(n, seed=14):
    """n enterprises as engine columns: log-normal revenue, a few per cent of figures missing."""
    import numpy as np

    from keyprojects.policies.table import I64, Table

    rng = np.random.default_rng(seed)
    yuan = np.minimum(rng.lognormal(16.0, 1.6, n), 5e11)
    revenue = (yuan * 100).astype(I64)
    last = (revenue * rng.uniform(0.7, 1.3, n)).astype(I64)
    prior_max = np.maximum(last, (last * rng.uniform(0.8, 1.2, n)).astype(I64))
    tax = (revenue * rng.uniform(0.0, 0.06, n)).astype(I64)
    rd = (revenue * rng.uniform(0.0, 0.06, n)).astype(I64)
    employees = np.maximum(1, (yuan / 3e5 * rng.uniform(0.5, 1.5, n))).astype(I64)
    power = (yuan * rng.uniform(20, 80, n)).astype(I64)  # Wh
    power_last = (power * rng.uniform(0.8, 1.2, n)).astype(I64)
    exports = np.where(rng.random(n) < 0.3, (revenue * rng.uniform(0, 0.5, n)).astype(I64), 0)
    founded = (rng.integers(1990, 2025, n) * 10000 + rng.integers(1, 13, n) * 100 + rng.integers(1, 29, n)).astype(I64)

    def missing(share):
        known = rng.random(n) >= share
        return known

    numbers = {
        ("revenue", 0): (revenue, missing(0.02)),
        ("revenue", 1): (last, missing(0.03)),
        ("prior_max_revenue", 0): (prior_max, missing(0.03)),
        ("tax_paid", 0): (tax, missing(0.02)),
        ("rd_expense", 0): (rd, missing(0.05)),
        ("employees", 0): (employees, missing(0.02)),
        ("electricity", 0): (power, missing(0.04)),
        ("electricity", 1): (power_last, missing(0.04)),
        ("exports", 0): (exports, None),
        ("founded", 0): (founded, missing(0.01)),
    }

    def title(share, low=2015):
        days = (rng.integers(low, 2026, n) * 10000 + 101).astype(I64)
        return days, rng.random(n) < share

    titles = {
        "high_tech": title(0.10),
        "specialised": title(0.05),
        "little_giant": title(0.005),
        "above_scale": title(0.30),
    }
    industries = sorted({*INDUSTRY_SET, *(f"C{30 + i}" for i in range(20)), "F51", "I65", "E47"})
    regions = ["411102", "411103", "411104", "411121", "411122", "411171", "411172", "411100"]
    scales = ["large", "medium", "micro", "small"]
    codes = {
        "industry": (rng.integers(-1, len(industries), n).astype(np.int32), industries),
        "region": (rng.integers(0, len(regions), n).astype(np.int32), regions),
        "scale": (rng.integers(-1, len(scales), n).astype(np.int32), scales),
    }
    return Table(n=n, ref=REF, numbers=numbers, titles=titles, codes=codes)


def hand(t):
    """The same 20 items written by hand in NumPy: what an engineer who knows the rules and the
    data would write for this one policy, with the same answers (missing → 数据不足, titles,
    rounding to the yuan half up, caps, the total cap in order)."""
    import numpy as np

    i64 = np.int64
    n = t.n
    rev, rev_k = t.numbers[("revenue", 0)]
    last, last_k = t.numbers[("revenue", 1)]
    pmax, pmax_k = t.numbers[("prior_max_revenue", 0)]
    tax, tax_k = t.numbers[("tax_paid", 0)]
    rd, rd_k = t.numbers[("rd_expense", 0)]
    emp, emp_k = t.numbers[("employees", 0)]
    pw, pw_k = t.numbers[("electricity", 0)]
    pwl, pwl_k = t.numbers[("electricity", 1)]
    exp, _exp_k = t.numbers[("exports", 0)]
    fd, fd_k = t.numbers[("founded", 0)]
    ht_d, ht = t.titles["high_tech"]
    sp_d, sp = t.titles["specialised"]
    lg_d, lg = t.titles["little_giant"]
    asc_d, asc = t.titles["above_scale"]
    ind, ind_vocab = t.codes["industry"]
    reg, reg_vocab = t.codes["region"]
    scl, scl_vocab = t.codes["scale"]
    yes, no, missing = np.int8(1), np.int8(0), np.int8(2)
    results = {}

    def rnd(x):  # to the yuan, half up
        return (x + 50) // 100 * 100

    def item(code, cond, cond_known, amount, amount_known=None):
        amount = rnd(amount)
        status = np.where(cond & (amount > 0), yes, no)
        if cond_known is not None:
            status[~cond_known] = missing
        if amount_known is not None:
            status[cond & ~amount_known] = missing
        results[code] = (status, np.where(status == yes, amount, i64(0)))

    def held(present, day):
        return present & (day <= t.ref)

    item("F1", held(ht, ht_d), None, np.full(n, 10_000_000, i64))
    # F2: title and revenue, Kleene: known where the title is not held or revenue is known
    c = held(sp, sp_d)
    r = (rev >= 2_000_000_000) & rev_k
    item("F2", c & r, ~c | rev_k, np.full(n, 20_000_000, i64))
    # T1: first crossing, highest tier
    k = rev_k & pmax_k
    amt = np.zeros(n, i64)
    for at, a in ((10**10, 10_000_000), (5 * 10**10, 30_000_000), (10**11, 50_000_000)):
        amt = np.maximum(amt, np.where((rev >= at) & ~(pmax >= at), i64(a), i64(0)))
    item("T1", np.ones(n, bool), None, amt, k)
    # T2: cumulative ladder for above-scale enterprises
    amt = np.zeros(n, i64)
    for at, a in ((2 * 10**10, 10_000_000), (2 * 10**11, 40_000_000)):
        amt += np.where((rev >= at) & ~(pmax >= at), i64(a), i64(0))
    item("T2", held(asc, asc_d), None, amt, k)
    # G1: growth over last year, 1% of the growth, capped
    c1 = last >= 1_000_000_000
    c2 = rev > last
    k1, k2 = last_k, rev_k & last_k
    v1, v2 = c1 & k1, c2 & k2
    cond = v1 & v2
    known = cond | (k1 & ~v1) | (k2 & ~v2)
    growth = rev - last
    item("G1", cond, known, np.minimum((2 * growth * 1 + 100) // 200, 50_000_000), rev_k & last_k)
    # L1: lookup by size
    table = np.array(
        [{"medium": 20_000_000, "small": 10_000_000, "micro": 5_000_000}.get(w, 0) for w in scl_vocab] + [0], i64
    )
    item("L1", (rev >= 500_000_000) & rev_k, rev_k, table[scl], scl >= 0)
    # S1: 40 industry codes by prefix
    member = np.array([any(w.startswith(p) for p in INDUSTRY_SET) for w in ind_vocab] + [False])[ind]
    ind_k = ind >= 0
    v1, v2 = member & ind_k, (rev >= 1_000_000_000) & rev_k
    item("S1", v1 & v2, (v1 & v2) | (ind_k & ~v1) | (rev_k & ~v2), np.full(n, 15_000_000, i64))
    # D1: district list
    v1 = np.array([w in DISTRICTS for w in reg_vocab] + [False])[reg]
    v2 = (rev >= 500_000_000) & rev_k
    item("D1", v1 & v2, (v1 & v2) | ~v1 | (rev_k & ~v2), np.full(n, 5_000_000, i64))
    # A1: younger than 5 years
    v1 = ((t.ref - fd) // 10000 < 5) & fd_k
    v2 = (rev >= 1_000_000_000) & rev_k
    item("A1", v1 & v2, (v1 & v2) | (fd_k & ~v1) | (rev_k & ~v2), np.full(n, 8_000_000, i64))
    # P1: per head, 20 to 1000 people
    cond = (emp >= 20) & (emp <= 1000) & emp_k
    item("P1", cond, emp_k, np.minimum(emp * 100_000, 50_000_000), emp_k)
    # B1: marginal brackets on tax
    b = (2 * np.minimum(np.maximum(tax, 0), 100_000_000) * 5 + 100) // 200
    b += (2 * np.minimum(np.maximum(tax - 100_000_000, 0), 400_000_000) * 3 + 100) // 200
    b += (2 * np.maximum(tax - 500_000_000, 0) * 1 + 100) // 200
    item("B1", (tax > 0) & tax_k, tax_k, b, tax_k)
    # R1: 10% of R&D, capped
    item("R1", (rd >= 200_000_000) & rd_k, rd_k, np.minimum((2 * rd * 10 + 100) // 200, 100_000_000), rd_k)
    # E1: electricity up and at least 500万 kWh
    k1 = pw_k & pwl_k
    v1, v2 = (pw > pwl) & k1, (pw >= 5 * 10**9) & pw_k
    cond = v1 & v2
    known = cond | (k1 & ~v1) | (pw_k & ~v2)
    item("E1", cond, known, np.where(pw >= 2 * 10**10, i64(20_000_000), i64(10_000_000)), pw_k)
    # X1: 2% of exports, capped
    item("X1", exp >= 1_000_000_000, None, np.minimum((2 * exp * 2 + 100) // 200, 30_000_000))
    item("H1", ht & (ht_d >= 20240101), None, np.full(n, 20_000_000, i64))
    item("M1", held(lg, lg_d), None, np.full(n, 100_000_000, i64))
    item("Q1", asc & (asc_d >= 20240101), None, np.full(n, 10_000_000, i64))
    amt = np.zeros(n, i64)
    for at, a in ((5 * 10**8, 10_000_000), (10**9, 20_000_000), (5 * 10**9, 50_000_000)):
        amt = np.maximum(amt, np.where(tax >= at, i64(a), i64(0)))
    item("N1", np.ones(n, bool), None, amt, tax_k)

    def paid(code):
        status, amount = results[code]
        return np.where(status == yes, amount, i64(0)), status != missing

    (a1, k1), (a2, k2), (a3, k3) = paid("F1"), paid("F2"), paid("M1")
    item("SUM1", np.ones(n, bool), None, np.minimum(a1 + a2 + a3, 100_000_000), k1 & k2 & k3)
    (a1, k1), (a2, k2) = paid("R1"), paid("X1")
    item("SUM2", np.ones(n, bool), None, np.minimum(a1 + a2, 80_000_000), k1 & k2)
    remaining = np.full(n, i64(CAP))
    for code, _c, _f in ITEMS:
        status, amount = results[code]
        granted = np.minimum(amount, remaining)
        remaining = remaining - granted
        results[code] = (np.where((status == yes) & (granted == 0), no, status), granted)
    return results


def openfisca_columns(t):
    """The same enterprises as the OpenFisca peer reads them: yuan as floats, missing as 0,
    titles as the day granted and whether on file, codes as indices with their lists."""
    import numpy as np

    def num(key, scale=100):
        values, known = t.numbers[key]
        values = values if known is None else np.where(known, values, 0)
        return (values / scale).astype(np.float32)

    columns = {
        "revenue": num(("revenue", 0)),
        "revenue_last": num(("revenue", 1)),
        "prior_max": num(("prior_max_revenue", 0)),
        "tax": num(("tax_paid", 0)),
        "rd": num(("rd_expense", 0)),
        "employees": num(("employees", 0), 1).astype(np.int32),
        "power": num(("electricity", 0), 1000),
        "power_last": num(("electricity", 1), 1000),
        "exports": num(("exports", 0)),
        "founded": t.numbers[("founded", 0)][0].astype(np.int32),
    }
    # raw, as the engine reads them: the peer derives titles held, the age and list membership
    for name in ("high_tech", "specialised", "little_giant", "above_scale"):
        days, present = t.titles[name]
        columns[f"{name}_day"] = days.astype(np.int32)
        columns[f"{name}_present"] = present
    codes, vocab = t.codes["industry"]
    columns["industry"] = codes
    columns["industry_list"] = np.array([any(w.startswith(p) for p in INDUSTRY_SET) for w in vocab] + [False])
    codes, vocab = t.codes["region"]
    columns["region"] = codes
    columns["district_list"] = np.array([w in DISTRICTS for w in vocab] + [False])
    codes, vocab = t.codes["scale"]
    index = {"medium": 1, "micro": 2, "small": 3}
    columns["scale"] = np.array([index.get(w, 0) for w in vocab] + [0], dtype=np.int32)[codes]
    return columns


def openfisca_seconds(python, table, repeat):
    """The OpenFisca peer's median seconds on the same enterprises (its own environment)."""
    import json
    import subprocess
    import tempfile
    from pathlib import Path

    import numpy as np

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "enterprises.npz"
        np.savez(path, **openfisca_columns(table))
        script = Path(__file__).with_name("openfisca_peer.py")
        done = subprocess.run([python, str(script), str(path), str(repeat)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])["seconds"]


def rules():
    from keyprojects.policies.engine import ItemRule
    from keyprojects.policies.language import parse_condition, parse_formula

    return [
        ItemRule(code, parse_condition(cond), parse_formula(formula), rounding="yuan") for code, cond, formula in ITEMS
    ]


def median_seconds(function, repeat):
    """CPU seconds of this process (time.process_time): on a machine shared by several busy
    sessions, wall time measures the neighbours as much as the code. NumPy runs these on one
    thread, so CPU time is the work done."""
    samples = []
    for _ in range(repeat):
        started = time.process_time()
        function()
        samples.append(time.process_time() - started)
    return statistics.median(samples)


def engine_rows(sizes, repeat, openfisca=None):
    import numpy as np

    from keyprojects.policies import reference
    from keyprojects.policies.engine import Program

    program = Program(rules(), CAP)
    rows = []
    for n in sizes:
        table = synthetic(n)
        got, want = program.run(table), hand(table)
        for code, _c, _f in ITEMS:
            assert np.array_equal(got[code].status, want[code][0]), code
            assert np.array_equal(got[code].amount, want[code][1]), code
        # interleaved, so that a noisy neighbour slows both alike
        engine_s, hand_s = [], []
        for _ in range(repeat):
            engine_s.append(median_seconds(lambda t=table: program.run(t), 1))
            hand_s.append(median_seconds(lambda t=table: hand(t), 1))
        e, h = statistics.median(engine_s), statistics.median(hand_s)
        eligible = sum(int((got[code].status == 1).sum()) for code, _c, _f in ITEMS)
        peer = openfisca_seconds(openfisca, table, repeat) if openfisca else None
        rows.append((n, e, h, eligible, peer))
    # one enterprise with its explanation: the reference evaluator and explain() for all 20 items
    table = synthetic(1000)
    firms = []
    for i in range(200):
        e = reference.Enterprise(ref=REF)
        for key, (values, known) in table.numbers.items():
            if known is None or known[i]:
                e.numbers[key] = reference.Fact(int(values[i]), "bench", date(2025, 3, 31))
        for name, (values, present) in table.titles.items():
            if present[i]:
                e.titles[name] = reference.Fact(int(values[i]), "bench")
        for name, (codes, vocab) in table.codes.items():
            if codes[i] >= 0:
                e.codes[name] = vocab[codes[i]]
        firms.append(e)
    prepared = reference.Prepared(rules(), CAP)  # once per policy, as the calculator does
    rule_list = prepared.rules

    def explain_all():
        for firm in firms:
            evaluator = reference.Evaluator(prepared, firm)
            answers, traces = evaluator.run()
            for rule in rule_list:
                reference.explain(evaluator, rule.code, answers[rule.code], traces[rule.code])

    one_ms = median_seconds(explain_all, 5) / len(firms) * 1000
    return rows, one_ms


def feed_rows(count):
    """Load `count` fact rows (count/10 enterprises × 10 fields) through load_feed, and COPY the
    same rows as the reference."""
    import csv
    import io
    import random

    from django.db import connection, transaction

    from keyprojects.core.models import copy_values
    from keyprojects.enterprises.demo import credit_code
    from keyprojects.enterprises.facts import load_feed
    from keyprojects.enterprises.models import Enterprise, EnterpriseFact
    from keyprojects.orgs.models import Region, User

    firms = count // 10
    city = Region.objects.get(code="411100")
    rng = random.Random(14)
    existing = Enterprise.objects.filter(name__startswith="基准企业").count()
    if existing < firms:
        codes = set(Enterprise.objects.exclude(credit_code=None).values_list("credit_code", flat=True))
        batch = []
        while len(batch) < firms - existing:
            code = credit_code(rng, "411100")
            if code not in codes:
                codes.add(code)
                batch.append(Enterprise(name=f"基准企业{existing + len(batch)}", credit_code=code, region=city))
        Enterprise.objects.bulk_create(batch, batch_size=5000)
    targets = list(
        Enterprise.objects.filter(name__startswith="基准企业").order_by("pk").values_list("pk", "credit_code")[:firms]
    )
    fields = [
        ("营业收入", "万元"),
        ("纳税额", "万元"),
        ("研发费用", "万元"),
        ("从业人员", "人"),
        ("用电量", "万千瓦时"),
        ("出口额", "万元"),
        ("进口额", "万元"),
        ("主营业务收入", "万元"),
        ("研发费用加计扣除额", "万元"),
    ]
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["统一社会信用代码", "指标", "期间", "数值", "单位", "来源部门", "数据日期"])
    for _pk, code in targets:
        for name, unit in fields:
            writer.writerow(
                [
                    code,
                    name,
                    "2024",
                    str(rng.randint(1, 9999)) if unit == "人" else f"{rng.randint(1, 99999)}.{rng.randint(0, 99):02d}",
                    unit,
                    "市税务局",
                    "2025-03-31",
                ]
            )
        writer.writerow([code, "高新技术企业", "2024", "2023-11-20", "", "市科技局", "2024-12-31"])
    data = text.getvalue().encode("utf-8")
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench-admin", password="x")
    with transaction.atomic():
        started = time.perf_counter()
        result = load_feed(data, by=admin)
        feed_s = time.perf_counter() - started
        assert result.error_count == 0 and result.written == len(targets) * 10, (result.error_count, result.errors[:3])
        transaction.set_rollback(True)
    copy_s = None
    if connection.vendor == "postgresql":
        rows = [
            (
                pk,
                "revenue",
                "year",
                2024,
                q,
                123.45,
                None,
                "",
                "市税务局",
                date(2025, 3, 31),
                None,
                "2025-01-01T00:00:00Z",
            )
            for pk, _code in targets
            for q in range(1, 11)  # ten distinct (field, quarter) keys stand for the ten fields
        ]
        with transaction.atomic():
            started = time.perf_counter()
            copy_values(
                connection,
                EnterpriseFact._meta.db_table,
                [
                    "enterprise_id",
                    "field",
                    "period",
                    "year",
                    "quarter",
                    "number",
                    "day",
                    "text",
                    "source",
                    "as_of",
                    "job_id",
                    "updated",
                ],  # fmt: skip
                rows,
            )
            copy_s = time.perf_counter() - started
            transaction.set_rollback(True)
    return len(targets) * 10, feed_s, copy_s, len(data)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.policies", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--feed", type=int, default=0, help="also load a fact feed of this many rows")
    parser.add_argument("--openfisca", help="a Python with openfisca-core installed: time the OpenFisca peer too")
    parser.add_argument("--markdown", action="store_true", help="append the figures to bench/RESULTS.md")
    args = parser.parse_args(argv)
    django.setup()
    from django.db import connection

    lines = []
    if args.sizes:
        rows, one_ms = engine_rows(args.sizes, args.repeat, args.openfisca)
        lines += [
            "| enterprises | engine ms | hand NumPy ms | ratio | goal "
            "| OpenFisca ms | OpenFisca / engine | goal | eligible answers |",
            "|---:|---:|---:|---:|---|---:|---:|---|---:|",
        ]
        for n, e, h, eligible, peer in rows:
            ratio = e / h
            verdict = "ok" if ratio <= 1.0 else "**missed**"
            if peer:
                speedup = peer / e
                peer_cells = f"{peer * 1000:.1f} | {speedup:.1f} | {'ok' if speedup >= 3 else '**missed**'} (≥ 3)"
            else:
                peer_cells = "— | — | not run"
            cells = f"{n:,} | {e * 1000:.1f} | {h * 1000:.1f} | {ratio:.2f} | {verdict} (≤ 1.0) | {peer_cells}"
            lines.append(f"| {cells} | {eligible:,} |")
        lines.append("")
        lines.append(
            f"One enterprise, all 20 items with the explanation (reference evaluator): {one_ms:.3f} ms "
            f"({'ok' if one_ms <= 1 else '**missed**'}, goal ≤ 1 ms)."
        )
    if args.feed:
        count, feed_s, copy_s, size = feed_rows(args.feed)
        reference = f"{copy_s:.1f} s (bare COPY of the same rows)" if copy_s else "— (COPY needs PostgreSQL)"
        ratio = f"{feed_s / copy_s:.1f}" if copy_s else "—"
        lines += [
            "",
            "| feed | rows | bytes | load_feed s | reference | ratio | goal |",
            "|---|---:|---:|---:|---|---:|---|",
            f"| CSV, {connection.vendor} | {count:,} | {size:,} | {feed_s:.1f} | {reference} | {ratio} | "
            f"{'ok' if feed_s <= 60 else '**missed**'} (≤ 60 s) |",
        ]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        from bench.__main__ import RESULTS

        command = "python -m bench.policies " + " ".join(sys.argv[1:])
        with open(RESULTS, "a", encoding="utf-8") as handle:
            handle.write(
                f"\n## {time.strftime('%Y-%m-%d %H:%M')} · policy engine and fact feed\n\n"
                f"- command: `{command}`\n- machine: {os.cpu_count()} CPUs, shared; figures are medians of "
                f"{args.repeat} interleaved runs, in CPU time of the process (the load average was "
                f"{os.getloadavg()[0]:.1f})\n\n{text}\n"
            )


if __name__ == "__main__":
    main()
