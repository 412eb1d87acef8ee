"""The engine against the reference, the text form against the tree, and the boundary words of
Chinese policy text against what they mean."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keyprojects.policies.engine import ItemRule, Program
from keyprojects.policies.language import (
    RuleError,
    cond_check,
    cond_text,
    expr_kind,
    expr_text,
    fields_read,
    parse_condition,
    parse_formula,
)
from keyprojects.policies.reference import Enterprise, Evaluator, Fact
from keyprojects.policies.semantics import AMBIGUOUS, MISSING, NO, YES
from keyprojects.policies.table import complete, table_from

from .strategies import REF, conditions, enterprises, money_expr, policies

pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")


def run_both(rules, total_cap, firms):
    """The engine three ways (over every row, over the rows that matter only, and as it chooses)
    against the reference evaluator, enterprise by enterprise."""
    fields = set().union(*(fields_read([r.condition, r.formula]) for r in rules))
    expected = [Evaluator(rules, firm, total_cap).run()[0] for firm in firms]
    for sparse in (0.0, 2.0, None):
        program = Program(rules, total_cap)
        if sparse is not None:
            program.sparse, program.sparse_from = sparse, 0
        outcomes = program.run(complete(table_from(firms, REF), fields))
        for i, answers in enumerate(expected):
            for rule in rules:
                got = outcomes[rule.code]
                engine = (int(got.status[i]), int(got.amount[i]), int(got.amount_b[i]))
                assert engine == answers[rule.code], (rule.code, i, sparse)
    return outcomes


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(policies(), st.lists(enterprises(), min_size=1, max_size=12))
def test_the_vectorised_engine_equals_the_reference_on_random_rules_and_enterprises(policy, firms):
    rules, total_cap = policy
    for rule in rules:
        cond_check(rule.condition, {r.code for r in rules})
        assert expr_kind(rule.formula, {r.code for r in rules}) == "money"
    run_both(rules, total_cap, firms)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conditions(["A1"]), money_expr(["A1"]))
def test_a_rule_written_as_text_reads_back_as_the_same_rule(condition, formula):
    assert parse_condition(cond_text(condition)) == condition
    assert parse_formula(expr_text(formula)) == formula
    assert cond_text(parse_condition(cond_text(condition))) == cond_text(condition)


def firm(revenue=None, prior_max=None, **titles):
    e = Enterprise(ref=20250630)
    if revenue is not None:
        e.numbers[("revenue", 0)] = Fact(revenue, "市税务局")
    if prior_max is not None:
        e.numbers[("prior_max_revenue", 0)] = Fact(prior_max, "市税务局")
    for name, day in titles.items():
        e.titles[name] = Fact(day, "市工信局")
    return e


YI = 10**10  # 1亿元 in fen
WAN = 10**6  # 1万元 in fen


def answers(condition, formula, firms, **rule):
    rules = [ItemRule("A1", parse_condition(condition), parse_formula(formula), **rule)]
    outcomes = run_both(rules, None, firms)
    return [
        (int(outcomes["A1"].status[i]), int(outcomes["A1"].amount[i]), int(outcomes["A1"].amount_b[i]))
        for i in range(len(firms))
    ]


@pytest.mark.parametrize(
    "words, at_boundary",
    [
        ("2亿元以上", YES),  # 以上 includes the number (民法典 第1259条)
        ("超过 2亿元", NO),  # 超过 excludes it
        ("超过 2亿元(含)", YES),  # "(含)" in the text overrides the word
        ("2亿元以上(不含)", NO),
        ("达到 2亿元", YES),
        ("不满 2亿元", NO),
        ("2亿元以下", YES),
        ("2亿元以内", YES),
        ("不满 2亿元(含)", YES),
    ],
)
def test_boundary_words_include_or_exclude_the_number_as_the_law_reads_them(words, at_boundary):
    result = answers(f"营业收入 {words}" if not words[0].isdigit() else f"营业收入 {words}", "10万元", [firm(2 * YI)])
    assert result[0][0] == at_boundary


def test_a_first_crossing_exactly_at_an_open_threshold_is_ambiguous_with_both_amounts():
    firms = [firm(2 * YI, YI), firm(2 * YI + 1, YI), firm(2 * YI - 1, YI), firm(3 * YI, 2 * YI + 5), firm(None, YI)]
    result = answers("营业收入 突破 2亿元 [有歧义] 且 以前年度最高营业收入 不满 2亿元", "50万元", firms)
    assert result[0] == (AMBIGUOUS, 0, 50 * 10**6)  # literally 突破 excludes 2亿 exactly; the other reading pays
    assert result[1] == (YES, 50 * 10**6, 50 * 10**6)
    assert result[2][0] == NO and result[3][0] == NO
    assert result[4][0] == MISSING  # no revenue on file: 数据不足, never "no"


def test_two_tiers_first_crossed_in_one_year_show_both_the_highest_and_the_cumulative_amount():
    formula = "首次阶梯就高(营业收入, 以前年度最高营业收入; 1亿元以上: 10万元; 5亿元以上: 30万元) [有歧义]"
    firms = [firm(6 * YI, YI // 2), firm(6 * YI, 2 * YI), firm(YI, 0)]
    result = answers("总是", formula, firms)
    assert result[0] == (AMBIGUOUS, 30 * 10**6, 40 * 10**6)
    assert result[1] == (YES, 30 * 10**6, 30 * 10**6)
    assert result[2] == (YES, 10 * 10**6, 10 * 10**6)


def test_rate_times_base_is_exact_to_the_fen_and_capped():
    e = firm()
    e.numbers[("rd_expense", 0)] = Fact(123_456_789, "市税务局")  # 1,234,567.89 元
    result = answers("总是", "较小值(比例(12.5%, 研发费用), 100万元)", [e])
    assert result[0][1] == 15_432_099  # 154,320.98625 元 → 154,320.99 元, half up to the fen
    result = answers("总是", "比例(12.5%, 研发费用)", [e], rounding="yuan", rounding_mode="floor")
    assert result[0][1] == 15_432_000
    e.numbers[("rd_expense", 0)] = Fact(10**11, "市税务局")
    assert answers("总是", "较小值(比例(12.5%, 研发费用), 100万元)", [e])[0][1] == 10**8


def test_a_title_not_held_is_no_and_a_missing_figure_is_insufficient():
    firms = [firm(YI, specialised=20230101), firm(YI), firm(None, specialised=20230101)]
    result = answers("已认定 专精特新 且 营业收入 2000万元以上", "20万元", firms)
    assert [r[0] for r in result] == [YES, NO, MISSING]


def test_bad_rules_are_refused_with_a_reason():
    with pytest.raises(RuleError):
        parse_condition("利润 1亿元以上")  # unknown field
    with pytest.raises(RuleError):
        parse_formula("较小值(比例(10%, 研发费用), 从业人员)")  # money and a count
    with pytest.raises(RuleError):
        Program(
            [
                ItemRule("A", {"test": "true"}, parse_formula("事项(B)")),
                ItemRule("B", {"test": "true"}, parse_formula("事项(A)")),
            ]
        )
    with pytest.raises(RuleError):
        parse_formula("阶梯就高(营业收入; 1亿元以上: 10万元; 5亿元以上: -1万元)")


@pytest.mark.parametrize("word", ["满", "超过", "不满", "不超过"])
def test_an_age_is_counted_in_whole_years_on_and_around_the_anniversary(word):
    """The engine compares an age as the founding (or title) date against the anniversary of the
    reference date: the day before, on and after it, every way the words and readings go."""
    firms = []
    for years in (0, 1, 5):
        for day in (-1, 0, 1):
            e = firm(high_tech=REF - 10000 * years + day)
            e.numbers[("founded", 0)] = Fact(REF - 10000 * years + day, "市统计局")
            firms.append(e)
    firms.append(firm())  # no founding date, no title
    rules = [
        ItemRule(
            f"A{i}",
            {
                "test": "cmp",
                "left": {"op": "years", "of": {"op": "fact", "field": field}},
                "word": word,
                "right": {"op": "const", "kind": "years", "value": years},
                **({} if incl is None else {"incl": incl}),
                **({"open": True} if is_open else {}),
            },
            {"op": "const", "kind": "money", "value": 100},
        )
        for i, (field, years, incl, is_open) in enumerate(
            (field, years, incl, is_open)
            for field in ("founded", "high_tech")
            for years in (0, 1, 5)
            for incl in (None, True, False)
            for is_open in (False, True)
        )
    ]
    run_both(rules, None, firms)


def test_marginal_brackets_pay_each_band_on_and_around_its_floor():
    """Every band of a three-band scale, the upper ones also as the engine computes them over the
    rows that reach the second band alone (run_both's sparse way)."""
    firms = []
    for tax in (0, 99 * WAN, 100 * WAN - 1, 100 * WAN, 100 * WAN + 1, 300 * WAN, 500 * WAN, 500 * WAN + 7, 2000 * WAN):
        e = firm()
        e.numbers[("tax_paid", 0)] = Fact(tax, "市税务局")
        firms.append(e)
    firms.append(firm())  # no tax on file: 数据不足
    result = answers("总是", "分段累进(纳税额; 100万元: 5%; 500万元: 3%; 不限: 1%)", firms)
    assert result[5] == (YES, 11 * WAN, 11 * WAN)  # 5% of 100万 + 3% of 200万
    assert result[8] == (YES, 32 * WAN, 32 * WAN)  # 5万 + 3% of 400万 + 1% of 1500万
    assert result[9][0] == MISSING
