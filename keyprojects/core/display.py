"""How values read, on every page, table, chart, export sheet and document: one place.

Money is `Decimal` in 万元 in the database. It is shown

- in 亿元 (100m yuan), two decimals, for totals: a project's total and completed investment,
  the sums of lists, tables and charts: `money(v)` → "130.00 亿元", `amount(v)` → "130.00" where
  the column or axis names the unit;
- in 万元 (10k yuan), two decimals, for a project's monthly figures and year plans:
  `money(v, WAN)` → "251,344.75 万元";

always with thousands separators, and one unit per screen region (a column, an axis, a card).
Rates are percentages with one decimal (`percent(48.2)` → "48.2%"); counts are grouped
(`count(12345)` → "12,345"); days, months and times are local (Asia/Shanghai) and read the way
the reader's language writes them (`day`, `month`, `when`: 2024年3月5日 14:20).

A `DecimalField` with two decimal places is money in 万元 (`is_money`); other decimals
(coordinates) are not. Charts receive amounts as plain strings in the unit they show
(`chart_amount`) and format them by the same rules in `core/static/core/format.js`.
The template filters of the same names are in `core/templatetags/kp.py`.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

YI = "yi"  # 亿元: 10,000 万元
WAN = "wan"  # 万元: the unit money is stored in
UNITS = (YI, WAN)
_FACTOR = {YI: Decimal(10_000), WAN: Decimal(1)}
_CENT = Decimal("0.01")
NOTHING = "—"


def unit_label(unit: str = YI) -> str:
    """亿元 / 万元 in the reader's language."""
    return _("100m yuan") if unit == YI else _("10k yuan")


def to_decimal(value) -> Decimal | None:
    """A Decimal from what the database, a form, JSON or a chart holds; None for nothing."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def in_unit(value, unit: str = YI) -> Decimal | None:
    """A 万元 amount in `unit`, rounded half up to the cent."""
    number = to_decimal(value)
    return None if number is None else (number / _FACTOR[unit]).quantize(_CENT, rounding=ROUND_HALF_UP)


def grouped(number, places: int = 2) -> str:
    """1234567.5 → "1,234,567.50"."""
    return f"{to_decimal(number):,.{places}f}"


def amount(value, unit: str = YI) -> str:
    """A 万元 amount as the figure of `unit`, grouped, without the unit: "130.00"; "—" for none."""
    shown = in_unit(value, unit)
    return NOTHING if shown is None else grouped(shown)


def money(value, unit: str = YI) -> str:
    """A 万元 amount with its unit: "130.00 亿元"; "—" for none."""
    shown = in_unit(value, unit)
    return NOTHING if shown is None else f"{grouped(shown)} {unit_label(unit)}"


def unit_for(*values) -> str:
    """The unit a few amounts read best in together: 亿元 once any reaches 1 亿, else 万元 (a
    sentence such as "changed from 6.82 亿元 to 7.00 亿元" keeps one unit)."""
    numbers = [abs(n) for n in map(to_decimal, values) if n is not None]
    return YI if any(n >= _FACTOR[YI] for n in numbers) else WAN


def percent(value, places: int = 1) -> str:
    """A rate given in percentage points: 48.25 → "48.3%"; "—" for none."""
    number = to_decimal(value)
    if number is None:
        return NOTHING
    return f"{number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,.{places}f}%"


def count(value) -> str:
    """A count, grouped: 12345 → "12,345"; "—" for none."""
    number = to_decimal(value)
    return NOTHING if number is None else f"{int(number):,}"


def figure(value) -> str:
    """A figure whose unit is named by its column or label: a count grouped ("12,345"), an
    amount already in its unit grouped with its decimals, at most two ("6,837.05")."""
    found = to_decimal(value)
    if found is None:
        return NOTHING
    places = max(0, min(2, -found.as_tuple().exponent))
    return grouped(found, places)


def number(value) -> str:
    """A decimal that is not money (a coordinate, a score): grouped, trailing zeros dropped."""
    found = to_decimal(value)
    if found is None:
        return NOTHING
    text = f"{found:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def day(value) -> str:
    """A date as its reader writes it: 2024年3月5日 / March 5, 2024."""
    value = _as_date(value)
    return NOTHING if value is None else date_format(value, "DATE_FORMAT")


def month(value) -> str:
    """A month: 2024年3月 / March 2024."""
    value = _as_date(value)
    return NOTHING if value is None else date_format(value, "YEAR_MONTH_FORMAT")


def when(value) -> str:
    """A moment in local time (Asia/Shanghai): 2024年3月5日 14:20 / March 5, 2024, 2:20 p.m."""
    if isinstance(value, str):
        value = _parse_datetime(value)
    if value is None:
        return NOTHING
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, "DATETIME_FORMAT")
    return day(value)


def is_money(field) -> bool:
    """Money, by the project's one convention: a DecimalField with two decimal places (万元)."""
    return isinstance(field, models.DecimalField) and field.decimal_places == 2


def chart_amount(value, unit: str = YI) -> str | None:
    """An amount for a chart's data: a plain string in `unit` ("1234.56"), never a float."""
    shown = in_unit(value, unit)
    return None if shown is None else str(shown)


def chart_words() -> dict[str, str]:
    """What core/static/core/format.js needs in the reader's language (json_script "kp-format")."""
    return {YI: unit_label(YI), WAN: unit_label(WAN), "nothing": NOTHING}


def _as_date(value):
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _parse_datetime(text):
    from django.utils.dateparse import parse_datetime

    try:
        found = parse_datetime(text)
    except ValueError:
        return None
    if found is None:
        return _as_date(text)
    return found if timezone.is_aware(found) else timezone.make_aware(found, datetime.UTC)
