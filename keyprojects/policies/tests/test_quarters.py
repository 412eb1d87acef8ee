"""Quarterly figures in rules: 上一季度, 上年同季度, 本年第N季度, 最近四个季度合计 — the run (engine)
and the calculator (reference) read the same quarters, and a missing quarter is 数据不足."""

from datetime import date
from decimal import Decimal

import pytest

from keyprojects.enterprises.models import Enterprise, EnterpriseFact
from keyprojects.enterprises.tests.test_enterprises import code
from keyprojects.policies import data, services
from keyprojects.policies.choices import Outcome
from keyprojects.policies.language import RuleError, latest_quarter, parse_condition, periods
from keyprojects.policies.models import Grant

from .factories import make_policy

pytestmark = pytest.mark.django_db

RULE = "用电量(上一季度) 超过 用电量(上年同季度) 且 用电量(最近四个季度合计) 达到 400万千瓦时"


def quarters(enterprise, kwh: dict):
    for (year, quarter), value in kwh.items():
        EnterpriseFact.objects.create(
            enterprise=enterprise, field="electricity", period="quarter", year=year, quarter=quarter,
            number=Decimal(value),
            source="国网漯河供电公司", as_of=date(2025, 7, 10),
        )  # fmt: skip


@pytest.fixture
def world(users, department, regions):
    firms = {
        name: Enterprise.objects.create(name=name, credit_code=code(60 + i), region=regions["郾城区"])
        for i, name in enumerate(["满负荷企业", "缺季度企业", "新开企业", "未达企业"])
    }
    full = {(2024, 2): 900_000, (2024, 3): 1_000_000, (2024, 4): 1_100_000, (2025, 1): 950_000, (2025, 2): 1_200_000}
    quarters(firms["满负荷企业"], full)  # last four: 4,250,000 kWh; Q2 up on a year before
    quarters(firms["缺季度企业"], {k: v for k, v in full.items() if k != (2025, 1)})
    quarters(firms["新开企业"], {(2025, 2): 5_000_000})  # no quarter a year before
    quarters(firms["未达企业"], {**full, (2025, 2): 800_000})  # down on the same quarter of 2024
    policy = make_policy(department, regions["漯河市"], as_of=date(2025, 6, 30), total_cap_fen=None)
    item = services.save_item(
        policy, by=users["city_admin"], code="Q1", name="季度满负荷生产奖励", condition_text=RULE,
        formula_text="5万元", budget_fen=10_000_000,
    )  # fmt: skip
    return {"policy": policy, "item": item, "firms": firms}


def test_quarter_periods_count_from_the_last_quarter_ended_by_the_reference_date():
    assert latest_quarter(date(2025, 6, 30)) == (2025, 2)
    assert latest_quarter(date(2025, 6, 29)) == (2025, 1)
    assert latest_quarter(date(2025, 2, 1)) == (2024, 4)
    as_of = date(2025, 6, 30)
    assert periods("Q4S", 2024, as_of) == [(2024, 3), (2024, 4), (2025, 1), (2025, 2)]
    assert periods("QY", 2024, as_of) == [(2024, 2)]
    assert periods("Q3", 2024, as_of) == [(2024, 3)]
    assert periods(1, 2024, as_of) == [(2023, 0)]


def test_a_quarterly_rule_runs_and_a_missing_quarter_is_insufficient_never_no(world):
    services.run_policy(world["policy"], by=None)
    answers = {g.enterprise.name: (g.outcome, g.amount_fen) for g in Grant.objects.select_related("enterprise")}
    assert answers == {
        "满负荷企业": (Outcome.ELIGIBLE, 5_000_000),
        "缺季度企业": (Outcome.INSUFFICIENT, 0),
        "新开企业": (Outcome.INSUFFICIENT, 0),
    }  # 未达企业 is not eligible: no grant
    item = world["item"]
    assert item.condition_text == RULE
    # the reference evaluator (calculator, explanation) reads the same quarters as the engine
    for name, firm in world["firms"].items():
        row = services.evaluate(world["policy"], data.enterprise_facts(world["policy"], firm))[0]
        want = answers.get(name, (Outcome.NOT_ELIGIBLE, 0))
        assert (row["status"], row["amount"]) == (want[0], want[1]), name
    explained = services.evaluate(world["policy"], data.enterprise_facts(world["policy"], world["firms"]["满负荷企业"]))
    values = {v["name"]: v for v in explained[0]["explanation"]["values"]}
    assert values["用电量(最近四个季度合计)"]["source"] == "国网漯河供电公司"
    assert "用电量(上年同季度)" in values


def test_the_calculator_page_shows_a_quarterly_answer(world, client_for):
    page = client_for("city_admin").get(f"/policies/calculator/?enterprise={world['firms']['缺季度企业'].pk}")
    assert page.status_code == 200 and "数据不足" in page.content.decode()


def test_a_quarter_of_a_date_or_title_is_refused_with_the_reason():
    with pytest.raises(RuleError) as error:
        parse_condition("成立日期(上一季度) 2020年1月1日以后")
    assert "季度" in " ".join(error.value.messages)
