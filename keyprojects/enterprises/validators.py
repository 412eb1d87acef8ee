"""统一社会信用代码 (GB 32100-2015) and GB/T 4754-2017 industry codes: normalising and checking.

A credit code is 18 characters from a 31-character alphabet (digits and capitals without
I, O, S, V, Z): registration authority, entity type, the 6-digit region code, the 9-character
organisation code and a check character over the first 17.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# 3**i mod 31, as the standard lists them.
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_LENGTH = 18
INDUSTRY_CODE = re.compile(r"^[A-T](\d{2,4})?$")


def normalise_credit_code(value):
    """Ledgers carry codes typed in full-width characters, lower case or with spaces."""
    if value is None:
        return value
    text = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"\s+", "", text).upper()


def credit_code_check_character(body):
    """The check character for the first 17 characters (all from the alphabet)."""
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(body, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value):
    code = normalise_credit_code(value) or ""
    if len(code) != CREDIT_CODE_LENGTH:
        raise ValidationError(
            _("Not a valid unified social credit code: it has %(length)s characters, not 18."),
            code="credit_code_length",
            params={"length": len(code)},
        )
    wrong = sorted({c for c in code if c not in CREDIT_CODE_ALPHABET})
    if wrong:
        raise ValidationError(
            _("Not a valid unified social credit code: %(characters)s cannot appear in one."),
            code="credit_code_character",
            params={"characters": "、".join(wrong)},
        )
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("Not a valid unified social credit code: the check character should be %(expected)s."),
            code="credit_code_check",
            params={"expected": expected},
        )


def normalise_industry_code(value):
    if value is None:
        return value
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))).upper()


def validate_industry_code(value):
    if not INDUSTRY_CODE.match(normalise_industry_code(value) or ""):
        raise ValidationError(
            _("Not a GB/T 4754-2017 industry code: a section letter A–T, optionally followed by 2 to 4 digits."),
            code="industry_code",
        )
