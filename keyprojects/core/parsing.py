"""Real-world ledger text to values: amounts in 亿/万元 with thousands separators, and the
date shapes cities type (2024.3, 2024年3月, 2024-03-15, 2024/3/15, Excel serial days)."""

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_MONEY = re.compile(r"^(-?\d+(?:\.\d+)?)\s*(亿元|亿|万元|万|元)?$")
_SCALE = {"亿元": 10000, "亿": 10000, "万元": 1, "万": 1, "元": Decimal("0.0001"), None: 1}


def parse_money(text):
    """An amount in 万元: `12.5亿元` → 125000, `3000万元` → 3000, ` 8,000 ` → 8000."""
    if isinstance(text, (int, float, Decimal)):
        return Decimal(str(text))
    cleaned = unicodedata.normalize("NFKC", str(text)).replace(",", "").replace("，", "").replace(" ", "").strip()
    match = _MONEY.match(cleaned)
    if not match:
        raise ValidationError(_("“%(value)s” is not an amount (e.g. 3000, 3000万元, 1.2亿)."), params={"value": text})
    try:
        value = Decimal(match.group(1)) * _SCALE[match.group(2)]
    except InvalidOperation as error:
        raise ValidationError(_("“%(value)s” is not an amount."), params={"value": text}) from error
    if value < 0:
        raise ValidationError(_("An amount cannot be negative."))
    return value.quantize(Decimal("0.01"))


_DATE_PATTERNS = [
    (re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"), True),
    (re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$"), False),
]


def parse_date(text):
    """A date from the shapes cities type; a month alone means its first day."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    cleaned = unicodedata.normalize("NFKC", str(text)).replace(" ", "").strip()
    if re.fullmatch(r"\d{5}(\.0)?", cleaned):  # an Excel serial day that lost its format
        return date(1899, 12, 30) + timedelta(days=int(float(cleaned)))
    for pattern, has_day in _DATE_PATTERNS:
        match = pattern.match(cleaned)
        if match:
            try:
                return date(int(match.group(1)), int(match.group(2)), int(match.group(3)) if has_day else 1)
            except ValueError:
                break
    raise ValidationError(_("“%(value)s” is not a date (e.g. 2024-03-15, 2024年3月, 2024.3)."), params={"value": text})


class MoneyField(forms.DecimalField):
    """Accepts 万元 or 亿元 as typed (`1.2亿`, `3000万元`, `8,000`); stores 万元."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return parse_money(value)


class LooseDateField(forms.DateField):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        return parse_date(value)
