"""企业数据 feeds: the departments' figures about enterprises (tax, statistics, power, science and
technology, industry bureaus), read from CSV, Excel or Parquet or pushed by API, checked in full
before anything is written, then written set-based (one upsert per few thousand rows).

A feed is long: one row per enterprise, field and period —

    统一社会信用代码 | 指标 | 期间 | 数值 | 单位 | 来源部门 | 数据日期
    91411100…        | 营业收入 | 2024 | 21000 | 万元 | 市税务局 | 2025-03-31

A file with any bad row writes nothing and reports every bad row (number, column, reason). A
second load of the same rows changes nothing (the period's value is replaced by the same value):
an API push can be retried safely. Values are exact: money is kept in 万元 to six decimals (the
fen), read from 元, 万元 or 亿元 as the unit column says.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyprojects.core.access import NOTHING, Action, can, scope_q
from keyprojects.core.parsing import parse_date
from keyprojects.core.tasks import job_kind

from .choices import FACT_KINDS, FactField, FactKind, FactPeriod
from .models import Enterprise, EnterpriseFact
from .validators import CREDIT_CODE_ALPHABET, credit_code_check_character

# The columns of a feed: key -> headings a file may use (the first is what we write).
COLUMNS = {
    "credit_code": ("统一社会信用代码", "credit_code", "信用代码"),
    "field": ("指标", "field", "指标名称", "数据项"),
    "period": ("期间", "period", "年度", "所属期"),
    "value": ("数值", "value", "值"),
    "unit": ("单位", "unit"),
    "source": ("来源部门", "source", "数据来源"),
    "as_of": ("数据日期", "as_of", "截止日期"),
}
COLUMN_LABELS = {key: headings[0] for key, headings in COLUMNS.items()}

# Chinese names of the fields, as feeds write them (the English labels are the msgids).
FIELD_WORDS = {
    "营业收入": FactField.REVENUE,
    "主营业务收入": FactField.MAIN_REVENUE,
    "历史最高营业收入": FactField.PRIOR_MAX_REVENUE,
    "以前年度最高营业收入": FactField.PRIOR_MAX_REVENUE,
    "纳税额": FactField.TAX_PAID,
    "纳税总额": FactField.TAX_PAID,
    "研发费用": FactField.RD_EXPENSE,
    "研发费用加计扣除额": FactField.RD_DEDUCTIBLE,
    "从业人员": FactField.EMPLOYEES,
    "从业人数": FactField.EMPLOYEES,
    "用电量": FactField.ELECTRICITY,
    "出口额": FactField.EXPORTS,
    "进口额": FactField.IMPORTS,
    "成立日期": FactField.FOUNDED,
    "高新技术企业": FactField.HIGH_TECH,
    "创新型中小企业": FactField.INNOVATIVE_SME,
    "专精特新": FactField.SPECIALISED,
    "专精特新中小企业": FactField.SPECIALISED,
    "小巨人": FactField.LITTLE_GIANT,
    "专精特新小巨人": FactField.LITTLE_GIANT,
    "单项冠军": FactField.SINGLE_CHAMPION,
    "规上企业": FactField.ABOVE_SCALE,
    "入统": FactField.ABOVE_SCALE,
    "上市": FactField.LISTED,
    "企业规模": FactField.SCALE,
    "信用黑名单": FactField.BLACKLISTED,
}
FIELD_NAMES = {v: k for k, v in reversed(list(FIELD_WORDS.items()))}  # field -> its first Chinese name

# Unit words -> the factor to the stored unit (万元 for money, kWh for electricity, 1 for counts).
UNITS = {
    FactKind.MONEY: {"元": Decimal("0.0001"), "万元": Decimal(1), "亿元": Decimal(10000), "": None},
    FactKind.ENERGY: {
        "千瓦时": Decimal(1),
        "kwh": Decimal(1),
        "度": Decimal(1),
        "万千瓦时": Decimal(10000),
        "万度": Decimal(10000),
    },
    FactKind.COUNT: {"": Decimal(1), "人": Decimal(1), "个": Decimal(1)},
}
FLAG_WORDS = {"是": 1, "否": 0, "yes": 1, "no": 0, "true": 1, "false": 0, "1": 1, "0": 0, "y": 1, "n": 0}
SCALE_WORDS = {
    "大型": "large", "中型": "medium", "小型": "small", "微型": "micro",
    "large": "large", "medium": "medium", "small": "small", "micro": "micro",
}  # fmt: skip
PERIOD = re.compile(r"^(\d{4})(?:年)?(?:(?:Q|第)([1-4])(?:季度)?)?$")
SIX_PLACES = Decimal("0.000001")
LIMITS = {FactKind.MONEY: Decimal(10) ** 8, FactKind.COUNT: Decimal(10) ** 7, FactKind.ENERGY: Decimal(10) ** 10}
MAX_ERRORS_LISTED = 10000  # every bad row is counted; the first ten thousand are listed


class FeedError(ValidationError):
    """A feed that cannot be read at all (not a spreadsheet, no header)."""


@dataclass
class FeedResult:
    rows: int = 0
    written: int = 0
    errors: list = field(default_factory=list)
    error_count: int = 0

    def add_error(self, row, column, message):
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_LISTED:
            self.errors.append({"row": row, "column": COLUMN_LABELS.get(column, column), "message": str(message)})


_NORMALISED: dict[str, str] = {}


def _plain(value) -> str:
    """A cell as plain text: full-width characters folded (NFKC), once per distinct text — a
    million rows repeat a few dozen field names, units, sources and dates."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value if isinstance(value, str) else str(value)
    if text.isascii():
        return text.strip()
    found = _NORMALISED.get(text)
    if found is None:
        found = unicodedata.normalize("NFKC", text).strip()
        if len(_NORMALISED) < 100_000:
            _NORMALISED[text] = found
    return found


def read_table(path_or_bytes) -> tuple[list[str], list[list]]:
    """The header and rows of a CSV, Excel or Parquet file, recognised by content."""
    raw = path_or_bytes if isinstance(path_or_bytes, bytes) else open(path_or_bytes, "rb").read()
    if raw[:4] == b"PAR1":
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(io.BytesIO(raw))
        except Exception as error:  # pyarrow raises its own types for broken files
            raise FeedError(_("The Parquet file cannot be read: %(error)s") % {"error": error}) from error
        header = table.column_names
        columns = [table.column(name).to_pylist() for name in header]
        return header, [list(row) for row in zip(*columns, strict=True)]
    from keyprojects.core.imports import sniff

    kind = sniff(raw[:8192])
    if kind == "csv":
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise FeedError(_("The CSV file is neither UTF-8 nor GB18030 text."))
        rows = list(csv.reader(io.StringIO(text)))
    elif kind in ("xlsx", "xls"):
        from python_calamine import CalamineWorkbook

        try:
            rows = CalamineWorkbook.from_filelike(io.BytesIO(raw)).get_sheet_by_index(0).to_python()
        except Exception as error:  # calamine raises its own types for broken files
            raise FeedError(_("The spreadsheet cannot be read: %(error)s") % {"error": error}) from error
    else:
        raise FeedError(_("This is not a fact feed: upload a .csv, .xlsx or .parquet file."))
    if not rows:
        raise FeedError(_("The file is empty."))
    return [_plain(h) for h in rows[0]], rows[1:]


def _column_index(header) -> dict:
    found = {}
    keys = [_plain(h).lower() for h in header]
    for key, headings in COLUMNS.items():
        for heading in headings:
            if heading.lower() in keys:
                found[key] = keys.index(heading.lower())
                break
    missing = [COLUMN_LABELS[k] for k in COLUMNS if k not in found and k != "unit"]
    if missing:
        raise FeedError(_("The feed has no column %(columns)s.") % {"columns": "、".join(missing)})
    return found


class _Reader:
    """Checks one row at a time, remembering what it has already decided (a million rows name a
    few hundred thousand codes, twenty fields and a handful of units, periods and dates)."""

    def __init__(self, user):
        self.user = user
        self.reasons: dict[str, str] = {}
        self.dates: dict[str, date | str] = {}

    def check_code(self, text) -> str:
        """The code in capitals, or ValidationError with the reason (decided once per code)."""
        if text not in self.reasons:
            code = text.upper()
            reason = ""
            if len(code) != 18:
                reason = _("Not a valid unified social credit code: it has %(length)s characters, not 18.") % {
                    "length": len(code)
                }
            elif any(c not in CREDIT_CODE_ALPHABET for c in code):
                reason = _("Not a valid unified social credit code: a character cannot appear in one.")
            elif code[17] != credit_code_check_character(code[:17]):
                reason = _("Not a valid unified social credit code: the check character should be %(expected)s.") % {
                    "expected": credit_code_check_character(code[:17])
                }
            self.reasons[text] = reason
        if self.reasons[text]:
            raise ValidationError(self.reasons[text])
        return text.upper()

    def day(self, text) -> date:
        found = self.dates.get(text)
        if found is None:
            try:
                found = parse_date(text)
            except ValidationError as error:
                found = " ".join(error.messages)
            self.dates[text] = found
        if isinstance(found, str):
            raise ValidationError(found)
        return found


def _value(kind, value_text, unit_text, reader):
    """(number, day, text) for the fact's kind; ValidationError with the reason otherwise."""
    if kind == FactKind.DATE:
        return None, reader.day(value_text), ""
    if kind == FactKind.FLAG:
        flag = FLAG_WORDS.get(value_text.lower())
        if flag is None:
            raise ValidationError(_("“%(value)s” is not yes or no (是/否).") % {"value": value_text})
        return Decimal(flag), None, ""
    if kind == FactKind.CODE:
        code = SCALE_WORDS.get(value_text.lower())
        if code is None:
            raise ValidationError(
                _("“%(value)s” is not an enterprise size (大型/中型/小型/微型).") % {"value": value_text}
            )
        return None, None, code
    units = UNITS[kind]
    factor = units.get(unit_text.lower(), False)
    if factor is False or factor is None:
        raise ValidationError(
            _("The unit “%(unit)s” cannot be read for this field; use one of %(units)s.")
            % {"unit": unit_text, "units": "、".join(u for u in units if u)},
            code="unit",
        )
    try:
        number = Decimal(value_text.replace(",", ""))
    except InvalidOperation:
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value_text}) from None
    if not number.is_finite():
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value_text})
    number *= factor
    if number < 0 and kind != FactKind.MONEY:
        raise ValidationError(_("A count cannot be negative."))
    if kind == FactKind.COUNT and number != number.to_integral_value():
        raise ValidationError(_("A count is a whole number."))
    if number != number.quantize(SIX_PLACES):
        raise ValidationError(_("The amount is finer than a fen."))
    # 1万亿元, ten million people, 10^10 kWh: larger is a typing error, and the policy engine's
    # int64 products stay exact below these.
    if abs(number) >= LIMITS[kind]:
        raise ValidationError(_("The value is too large to be true."))
    return number, None, ""


def check_rows(records, *, user, result: FeedResult, first_row=2) -> list[tuple]:
    """Every record (a dict of the feed's column keys) checked; the facts to write, or [] with
    every bad row in `result`."""
    reader = _Reader(user)
    codes_needed: dict[str, list[int]] = {}
    facts: list[EnterpriseFact] = []
    fact_codes: list[str] = []
    seen: dict[tuple, int] = {}
    field_names = {**FIELD_WORDS, **{f.value: f for f in FactField}, **{str(f.label).lower(): f for f in FactField}}
    periods: dict[str, tuple | None] = {}
    for offset, record in enumerate(records):
        row = first_row + offset
        result.rows += 1
        text = {k: _plain(v) for k, v in record.items()}
        bad = False
        try:
            code = reader.check_code(text.get("credit_code", ""))
        except ValidationError as error:
            result.add_error(row, "credit_code", " ".join(error.messages))
            bad, code = True, None
        fact_field = field_names.get(text.get("field", "")) or field_names.get(text.get("field", "").lower())
        if fact_field is None:
            result.add_error(row, "field", _("“%(value)s” is not a known field.") % {"value": text.get("field", "")})
            bad = True
        period_text = text.get("period", "").upper().replace(" ", "")
        if period_text not in periods:
            match = PERIOD.match(period_text)
            periods[period_text] = (int(match.group(1)), int(match.group(2) or 0)) if match else None
        period = periods[period_text]
        if period is None or not (1990 <= period[0] <= 2100):
            result.add_error(
                row, "period", _("“%(value)s” is not a year or a quarter (2024, 2024Q3).") % {"value": period_text}
            )
            bad = True
        source = text.get("source", "")
        if not source:
            result.add_error(row, "source", _("Say which department the figure comes from."))
            bad = True
        try:
            as_of = reader.day(text.get("as_of", ""))
        except ValidationError as error:
            result.add_error(row, "as_of", " ".join(error.messages))
            bad, as_of = True, None
        values = (None, None, "")
        if fact_field is not None:
            try:
                values = _value(FACT_KINDS[fact_field], text.get("value", ""), text.get("unit", ""), reader)
            except ValidationError as error:
                result.add_error(row, "unit" if error.code == "unit" else "value", " ".join(error.messages))
                bad = True
        if bad:
            continue
        key = (code, fact_field, period)
        if key in seen:
            result.add_error(row, "field", _("The same field and period as row %(row)s.") % {"row": seen[key]})
            continue
        seen[key] = row
        codes_needed.setdefault(code, []).append(row)
        number, day, code_text = values
        # a plain tuple (the columns of FACT_COLUMNS after the enterprise): a million model
        # instances cost more than checking the rows
        facts.append(
            (
                fact_field.value,
                FactPeriod.QUARTER.value if period[1] else FactPeriod.YEAR.value,
                period[0],
                period[1],
                number,
                day,
                code_text,
                source[:100],
                as_of,
            )
        )
        fact_codes.append(code)
    ids = enterprise_ids(list(codes_needed), user)
    for code, rows in codes_needed.items():
        if code not in ids:
            for row in rows:
                result.add_error(row, "credit_code", _("No enterprise with this credit code in your scope."))
    if result.error_count:
        result.errors.sort(key=lambda e: e["row"])
        return []
    return [(ids[code], *fact) for fact, code in zip(facts, fact_codes, strict=True)]


def enterprise_ids(codes: list[str], user) -> dict[str, int]:
    """credit code -> enterprise id, for the codes the user may feed facts about."""
    q = scope_q(Enterprise, user, Action.VIEW)
    if q == NOTHING:
        return {}
    base = Enterprise.objects.filter(archived_at__isnull=True)
    if q:
        base = base.filter(q)
    found = {}
    for start in range(0, len(codes), 5000):
        found.update(base.filter(credit_code__in=codes[start : start + 5000]).values_list("credit_code", "id"))
    return found


FACT_COLUMNS = ["enterprise_id", "field", "period", "year", "quarter", "number", "day", "text", "source", "as_of"]
UNIQUE = ["enterprise", "field", "year", "quarter"]
UPDATE_FIELDS = ["period", "number", "day", "text", "source", "as_of", "job", "updated"]


def write_facts(facts: list[tuple], *, job=None, progress=None) -> int:
    """Insert or replace each period's value: on PostgreSQL by COPY and one upsert
    (core/bulk.py), elsewhere a few thousand rows to a statement."""
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    job_id = job.pk if job is not None else None
    with transaction.atomic():
        if connection.vendor == "postgresql" and len(facts) >= 1000:
            from keyprojects.core.bulk import copy_upsert

            columns = [*FACT_COLUMNS, "job_id", "updated"]
            copy_upsert(
                EnterpriseFact,
                columns,
                ((*fact, job_id, now) for fact in facts),
                unique=["enterprise_id", "field", "year", "quarter"],
                update=["period", "number", "day", "text", "source", "as_of", "job_id", "updated"],
            )
            if progress:
                progress(len(facts), len(facts))
            return len(facts)
        size = 2000
        for start in range(0, len(facts), size):
            EnterpriseFact.objects.bulk_create(
                [
                    EnterpriseFact(**dict(zip(FACT_COLUMNS, fact, strict=True)), job_id=job_id)
                    for fact in facts[start : start + size]
                ],
                update_conflicts=True,
                unique_fields=UNIQUE,
                update_fields=UPDATE_FIELDS,
            )
            if progress:
                progress(min(start + size, len(facts)), len(facts))
    return len(facts)


def records_of(header, rows):
    index = _column_index(header)
    for row in rows:
        if not any(cell not in (None, "") for cell in row):
            continue
        yield {key: (row[i] if i < len(row) else "") for key, i in index.items()}


def load_feed(source, *, by, job=None, progress=None) -> FeedResult:
    """A feed file (path or bytes), all rows or none."""
    if not can(by, Action.ADD, EnterpriseFact):
        raise ValidationError(_("You may not load enterprise facts."))
    header, rows = read_table(source)
    result = FeedResult()
    facts = check_rows(records_of(header, rows), user=by, result=result)
    if not result.error_count:
        result.written = write_facts(facts, job=job, progress=progress)
    return result


def push_facts(items: list[dict], *, by) -> FeedResult:
    """The API's push: the same checks and writes as a feed; a retried push changes nothing."""
    if not can(by, Action.ADD, EnterpriseFact):
        raise ValidationError(_("You may not load enterprise facts."))
    result = FeedResult()
    facts = check_rows(items, user=by, result=result, first_row=1)
    if not result.error_count:
        result.written = write_facts(facts)
    return result


FEED_TITLE = gettext_lazy("Enterprise fact feed")


@job_kind("enterprises.fact_feed")
def feed_job(job) -> dict:
    """The background load of an uploaded feed; the job page shows every bad row."""
    from django.contrib.auth import get_user_model

    from keyprojects.core.tasks import report_progress

    user = get_user_model().objects.get(pk=job.created_by_id)
    try:
        result = load_feed(job.file.path, by=user, job=job, progress=lambda d, t: report_progress(job, d, t))
    except ValidationError as error:
        return {
            "feed": True,
            "rows": 0,
            "written": 0,
            "error_count": 1,
            "errors": [{"row": "", "column": "", "message": " ".join(error.messages)}],
        }
    return {
        "feed": True,
        "rows": result.rows,
        "written": result.written,
        "error_count": result.error_count,
        "errors": result.errors,
    }
