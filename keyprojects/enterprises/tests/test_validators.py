"""统一社会信用代码 and industry-code rules. The valid codes are real, published ones, checked by
hand against GB 32100-2015, so that the algorithm is tested against the standard, not itself."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from keyprojects.enterprises.validators import (
    credit_code_check_character,
    normalise_credit_code,
    validate_credit_code,
    validate_industry_code,
)

REAL = ["914403001922038216", "91350100M000100Y43"]


@pytest.mark.parametrize("code", REAL)
def test_real_credit_codes_are_valid(code):
    validate_credit_code(code)
    assert credit_code_check_character(code[:17]) == code[17]


@pytest.mark.parametrize("code", REAL)
def test_every_other_check_character_is_refused(code):
    for wrong in "0123456789ABCDEFGHJKLMNPQRTUWXY".replace(code[17], ""):
        with pytest.raises(ValidationError) as error:
            validate_credit_code(code[:17] + wrong)
        assert error.value.code == "credit_code_check"
        assert error.value.params == {"expected": code[17]}


def test_wrong_check_message_names_the_expected_character():
    with pytest.raises(ValidationError) as error:
        validate_credit_code("914403001922038217")
    with translation.override("en"):
        assert error.value.messages == ["Not a valid unified social credit code: the check character should be 6."]
    with translation.override("zh-hans"):
        assert error.value.messages == ["统一社会信用代码无效：校验码应为 6。"]


def test_a_changed_body_character_is_caught():
    with pytest.raises(ValidationError):
        validate_credit_code("914403001922038316")  # one digit of the organisation code changed


@pytest.mark.parametrize("code", ["91440300192203821", "9144030019220382161", "", "9"])
def test_wrong_length_is_refused(code):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert error.value.code == "credit_code_length"
    assert str(len(code)) in error.value.messages[0]


@pytest.mark.parametrize("letter", "IOSVZ")
def test_letters_outside_the_alphabet_are_refused(letter):
    with pytest.raises(ValidationError) as error:
        validate_credit_code("91350100" + letter + "000100Y43")
    assert error.value.code == "credit_code_character"
    assert letter in error.value.messages[0]


@pytest.mark.parametrize(
    "typed",
    [
        "91350100m000100y43",
        "９１３５０１００Ｍ０００１００Ｙ４３",
        " 91350100M000100Y43 ",
        "９１３５０１００ｍ０００１００ｙ４３",
    ],
)
def test_lower_case_and_full_width_are_normalised_then_valid(typed):
    assert normalise_credit_code(typed) == "91350100M000100Y43"
    validate_credit_code(typed)


@pytest.mark.parametrize("code", ["C", "C13", "C135", "C1353", "A01", "T9600", "c1353"])
def test_industry_codes_of_the_right_shape_pass(code):
    validate_industry_code(code)


@pytest.mark.parametrize("code", ["U", "Z12", "C1", "C12345", "13", "CC13", "食品"])
def test_industry_codes_of_the_wrong_shape_are_refused(code):
    with pytest.raises(ValidationError):
        validate_industry_code(code)
