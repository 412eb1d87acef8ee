"""Real-world ledger text to values: amounts with their units (亿元, 万元, 億, 萬, 元) and
thousands separators, and the date shapes cities type (2024.3, 2024年3月, 2024-03-15, 2024/3/15,
Excel serial days).

An amount is never guessed: a unit the cell names wins over the unit its column declares, an
amount in another currency is refused naming the currency (no exchange rate is applied), and an
approximate amount (约, 近, 超, 以上, 预计, 左右, a range) is refused saying why, never turned
into a number."""

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The platform keeps money in 万元 (DESIGN.md); a unit is how many 万元 one of it is.
STORED_UNIT = "万元"
UNITS = {
    "亿元": Decimal(10000),
    "百万元": Decimal(100),
    "万元": Decimal(1),
    "千元": Decimal("0.1"),
    "元": Decimal("0.0001"),
}
# The spellings ledgers use, traditional characters from mirrored pages included.
UNIT_WORDS = {
    "亿元": "亿元",
    "亿": "亿元",
    "億元": "亿元",
    "億": "亿元",
    "万元": "万元",
    "万": "万元",
    "萬元": "万元",
    "萬": "万元",
    "千元": "千元",
    "百万元": "百万元",
    "元": "元",
}
# Other currencies, longest spelling first, so that 新台币 is not read as 台币 nor HK$ as $.
CURRENCIES = (
    "新台币", "人民币", "美元", "美金", "港元", "港币", "港幣", "欧元", "歐元", "日元", "日圆", "英镑", "英鎊",
    "澳元", "加元", "韩元", "韓元", "卢布", "瑞郎", "台币", "新币",
    "USD", "US$", "HKD", "HK$", "EUR", "JPY", "GBP", "AUD", "CAD", "$", "€", "£",
)  # fmt: skip
_RMB = ("人民币", "元人民币", "RMB", "CNY", "¥")  # said of 元 itself: dropped, not a currency
# Words that make an amount approximate; the longer ones first so the message names the whole word.
APPROXIMATE = (
    "大约", "约合", "约为", "将近", "接近", "超过", "不少于", "不低于", "不超过", "不足", "以上", "以下",
    "以内", "左右", "上下", "预计", "预估", "估算", "估计", "约", "近", "超", "逾", "余", "多", "达",
)  # fmt: skip
_NUMBER = r"\d+(?:\.\d+)?"
_UNIT = "|".join(sorted(UNIT_WORDS, key=len, reverse=True))
_AMOUNT = re.compile(rf"^({_NUMBER})({_UNIT})?$")
_RANGE = re.compile(rf"{_NUMBER}\s*(?:{_UNIT})?\s*(?:-|~|—|–|至|到)\s*{_NUMBER}")
_FOREIGN = re.compile("|".join(re.escape(c) for c in CURRENCIES if c != "人民币"), re.IGNORECASE)
# A unit as a heading or a title row says it: 亿元, (亿), 亿美元, 万元人民币.
_UNIT_TOKEN = re.compile(
    r"(?P<scale>亿|億|万|萬|千|百万)?(?P<currency>"
    + "|".join(re.escape(c) for c in CURRENCIES if c.isalpha() and not c.isascii())
    + r"|元)|(?P<bare>亿|億|万|萬)"
)
# `单位：亿元` in a title row; the unit must follow the colon (填报单位：万达集团 names no unit).
_TITLE_UNIT = re.compile(
    r"单位\s*[:：]?\s*(?:人民币)?\s*((?:" + _UNIT_TOKEN.pattern + r")(?:人民币)?)(?=$|[\s)）\]】,，;；、/])"
)
_CENT = Decimal("0.01")


class ForeignCurrency(ValidationError):
    """An amount or a heading in a currency other than 人民币; `currency` names it."""

    def __init__(self, message, currency, **kwargs):
        super().__init__(message, **kwargs)
        self.currency = currency


def unit_name(word):
    """The unit a word names (亿, 億元, 萬 → 亿元, 万元), None for a word that is no unit of 人民币."""
    return UNIT_WORDS.get(word)


def foreign_currency(text):
    """The other currency a text names (美元 in 5亿美元, 港元 in 港元5000万), or None."""
    cleaned = unicodedata.normalize("NFKC", str(text))
    match = _FOREIGN.search(cleaned)
    return match.group(0) if match else None


def units_named(text):
    """Every unit a heading names, in order: `总投资\\n(亿元)` → ["亿元"]; a unit of another
    currency comes back as it is written (亿美元), for the caller to refuse naming it."""
    cleaned = unicodedata.normalize("NFKC", str(text or ""))
    found = []
    for match in _UNIT_TOKEN.finditer(cleaned):
        if match.group("bare"):
            found.append(UNIT_WORDS[match.group("bare")])
        elif match.group("currency") == "元":
            found.append(UNIT_WORDS.get((match.group("scale") or "") + "元", match.group(0)))
        elif match.group("currency") == "人民币":
            continue
        else:
            found.append(match.group(0))
    return found


def title_unit(text):
    """The unit a title row states for the table (`单位：亿元`, `（金额单位:万元）`), or None."""
    cleaned = unicodedata.normalize("NFKC", str(text or ""))
    match = _TITLE_UNIT.search(cleaned)
    if not match:
        return None
    return units_named(match.group(1))[0]


def read_amount(text, unit=STORED_UNIT):
    """(amount in 万元, the unit the cell itself named or None): `50` in a 亿元 column → 500000;
    `3000万元` in a 亿元 column → 3000, the cell's own unit winning over the column's."""
    if isinstance(text, (int, float, Decimal)) and not isinstance(text, bool):
        return _exact(Decimal(str(text)) * UNITS[unit], text), None
    original = str(text)
    cleaned = unicodedata.normalize("NFKC", original)
    for mark in (",", "，", " ", "\u3000"):
        cleaned = cleaned.replace(mark, "")
    if currency := foreign_currency(cleaned):
        raise ForeignCurrency(
            _("“%(value)s” is in %(currency)s: amounts are imported in 人民币 only; convert it to 万元 first."),
            currency=currency,
            params={"value": original, "currency": currency},
        )
    for mark in _RMB:
        cleaned = cleaned.replace(mark, "")
    if cleaned.startswith("-") and _AMOUNT.match(cleaned[1:]):
        raise ValidationError(_("An amount cannot be negative."))
    match = _AMOUNT.match(cleaned)
    if not match:
        if _RANGE.search(cleaned):
            raise ValidationError(
                _("“%(value)s” is a range, not an amount: give the one figure to keep."), params={"value": original}
            )
        word = next((w for w in APPROXIMATE if w in cleaned), None)
        if word and re.search(r"\d|[一二三四五六七八九十两百千]", cleaned):
            raise ValidationError(
                _("“%(value)s” is approximate (“%(word)s”): an amount is kept as an exact figure; give the figure."),
                params={"value": original, "word": word},
            )
        raise ValidationError(_("“%(value)s” is not an amount (e.g. 3000, 3000万元, 1.2亿)."), params={"value": text})
    named = UNIT_WORDS[match.group(2)] if match.group(2) else None
    try:
        value = Decimal(match.group(1)) * UNITS[named or unit]
    except InvalidOperation as error:
        raise ValidationError(_("“%(value)s” is not an amount."), params={"value": text}) from error
    return _exact(value, text), named


def _exact(value, text):
    if value < 0:
        raise ValidationError(_("An amount cannot be negative."))
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def parse_money(text, unit=STORED_UNIT):
    """An amount in 万元: `12.5亿元` → 125000, `3000万元` → 3000, ` 8,000 ` → 8000, `50` in a
    column whose unit is 亿元 → 500000."""
    return read_amount(text, unit)[0]


def scale_factor(before, after):
    """10, 100, 1,000 or 10,000 when `after` is about that many times `before` or that many
    times smaller (within a quarter): the mark of an amount read in the wrong unit."""
    if not before or not after or before == after:
        return None
    ratio = max(before, after) / min(before, after)
    for factor in (10, 100, 1000, 10000):
        if factor * Decimal("0.8") <= ratio <= factor * Decimal("1.25"):
            return factor
    return None


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
