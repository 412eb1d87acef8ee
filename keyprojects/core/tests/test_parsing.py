"""Amount text as ledgers type it: units read, never guessed; other currencies and approximate
amounts refused with the reason."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from keyprojects.core.parsing import parse_money, read_amount, scale_factor, title_unit, units_named


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("50", "亿元", ("500000.00", None)),
        ("50", "万元", ("50.00", None)),
        ("3000万元", "亿元", ("3000.00", "万元")),
        ("1.2億元", "万元", ("12000.00", "亿元")),
        ("1.2億", "万元", ("12000.00", "亿元")),
        ("3萬", "亿元", ("3.00", "万元")),
        ("５０００元", "亿元", ("0.50", "元")),
        (" 8,000 ", "万元", ("8000.00", None)),
        ("5亿元人民币", "万元", ("50000.00", "亿元")),
        ("￥3000万", "万元", ("3000.00", "万元")),
    ],
)
def test_an_amount_is_read_in_its_own_unit_else_the_columns(text, unit, expected):
    value, named = read_amount(text, unit)
    assert (value, named) == (Decimal(expected[0]), expected[1])


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("5亿美元", "美元"),
        ("3000万港元", "港元"),
        ("2亿欧元", "欧元"),
        ("约5亿", "约"),
        ("近5000万", "近"),
        ("超10亿元", "超"),
        ("5亿元以上", "以上"),
        ("预计3000万元", "预计"),
        ("3000万元左右", "左右"),
        ("约三个亿", "约"),
        ("10-20亿元", "10-20亿元"),
        ("10亿～20亿", "10亿～20亿"),
    ],
)
def test_other_currencies_and_approximate_amounts_are_refused_naming_why(text, says):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        parse_money(text)
    assert says in refused.value.messages[0]


def test_a_negative_amount_is_refused():
    with pytest.raises(ValidationError):
        parse_money("-5")


def test_units_in_headings_and_title_rows():
    assert units_named("总投资\n(亿元)") == ["亿元"]
    assert units_named("总投资（万元）") == ["万元"]
    assert units_named("总投资(億)") == ["亿元"]
    assert units_named("总投资（亿元/万元）") == ["亿元", "万元"]
    assert units_named("总投资（亿美元）") == ["亿美元"]
    assert units_named("总投资") == []
    assert title_unit("单位：亿元") == "亿元"
    assert title_unit("（金额单位:万元）") == "万元"
    assert title_unit("单位: 人民币亿元") == "亿元"
    assert title_unit("填报单位：万达集团") is None  # 单位 here is who filled the form in
    assert title_unit(" 漯河市重点项目台账（2024年9月）") is None


def test_scale_factors_that_mark_a_unit_mistake():
    assert scale_factor(Decimal(500000), Decimal(50)) == 10000
    assert scale_factor(Decimal(50), Decimal(500000)) == 10000
    assert scale_factor(Decimal(5000), Decimal(48000)) == 10
    assert scale_factor(Decimal(3000), Decimal(3500)) is None
    assert scale_factor(Decimal(3000), Decimal(0)) is None
