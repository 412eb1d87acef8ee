"""The shape of a ledger file as a city keeps it: title rows above a header, headings with
spaces, line breaks and units, 合计/小计 rows among the projects. What each heading of the file
becomes (a column, or "not imported" with the reason), each money column's unit, and the
problems of a file's shape are read here, once per file; the rows are the importer's.

Every problem is a `RowError` at the file's own row, column letter and heading."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.utils.translation import gettext as _

from .parsing import STORED_UNIT, UNITS, read_amount, title_unit, units_named
from .text import INVISIBLE


def normalise(value):
    """Full-width to half-width, stray and repeated spaces out; numbers and dates as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    # what re.sub(r"\s+", " ") and strip() leave; a cell of invisible characters only is empty
    return " ".join(str(value).translate(HALF_WIDTH).split())


# Full-width digits, letters, space and the marks codes and dates use become half-width; Chinese
# punctuation in free text (，。：（）) stays as typed. Parsers of amounts and dates apply NFKC.
HALF_WIDTH = {code: unicodedata.normalize("NFKC", chr(code)) for code in range(0xFF10, 0xFF1A)}
HALF_WIDTH |= {code: unicodedata.normalize("NFKC", chr(code)) for code in range(0xFF21, 0xFF3B)}
HALF_WIDTH |= {code: unicodedata.normalize("NFKC", chr(code)) for code in range(0xFF41, 0xFF5B)}
HALF_WIDTH |= {ord(c): unicodedata.normalize("NFKC", c) for c in "－．／＠＿＋"} | {0x3000: " ", 0xA0: " "}
HALF_WIDTH |= INVISIBLE  # zero-width and control characters out (core/text.py)


def column_letter(position):
    """The letter a spreadsheet shows above a column: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def heading_key(text):
    """Headings match despite spaces, asterisks, line breaks and a unit in brackets."""
    text = normalise(text)
    text = re.sub(r"[(（\[【].*?[)）\]】]", "", text)
    return re.sub(r"[\s*:：]", "", text).lower()


@dataclass
class RowError:
    """A problem at a cell of the file: its row as the user sees it, its column's heading as the
    file has it and the column's letter. As a warning or a note it does not stop the import."""

    row: int
    column: str
    message: str
    letter: str = ""
    level: str = "error"  # or "warning" (check before confirming), "note" (what was decided)


@dataclass(frozen=True)
class Skip:
    """Headings a ledger often carries that an importer knowingly leaves out, and why: the
    preview says so instead of dropping the column without a word."""

    headings: tuple[str, ...]
    reason: object  # lazy text


@dataclass
class FileColumn:
    """One heading of the file and what the import makes of it."""

    position: int
    heading: str  # as the file has it, spaces and line breaks collapsed
    column: object = None  # the importer's Column
    unit: str = ""  # a money column's unit, and where it was read
    unit_source: str = ""  # "heading", "title" or "default"
    reason: str = ""  # why a heading is not imported

    @property
    def letter(self):
        return column_letter(self.position)

    def report(self):
        """The line the preview shows for this heading."""
        if self.column is None:
            return {"letter": self.letter, "heading": self.heading, "to": "", "note": self.reason}
        note = ""
        if self.unit_source:
            sources = {
                "heading": _("amounts in %(unit)s, as the heading says"),
                "title": _("amounts in %(unit)s, as the title rows say (单位)"),
                "default": _("no unit named: amounts in %(unit)s unless a cell names its own"),
            }
            note = sources[self.unit_source] % {"unit": self.unit}
        return {"letter": self.letter, "heading": self.heading, "to": self.column.heading, "note": note}


@dataclass
class Layout:
    """Where a file's table is and what each of its headings maps to, with the unit of each
    money column; errors here (units that disagree, two headings for one field) stop the file.
    `totals` are the 合计/小计 rows: (row number, word, {column: text})."""

    header: int  # the header row's index
    columns: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    totals: list = field(default_factory=list)

    @property
    def mapping(self):
        return {c.position: c.column for c in self.columns if c.column is not None}

    @property
    def money(self):
        """Field → FileColumn for each money column of the file."""
        return {c.column.field: c for c in self.columns if c.column is not None and c.column.money}


# The last column of an error workbook (ledger_files.write_errors): never a column of a ledger.
REASON_HEADING = "错误原因"


def read_layout(rows, header, columns, skipped=()):
    """What each heading of the header row maps to, and each money column's unit: the heading's
    own (`总投资\\n(亿元)`), else the title rows' (`单位：亿元`), else 万元, shown as such."""
    known = {heading_key(h): c for c in columns for h in c.headings}
    reasons = {heading_key(h): skip.reason for skip in skipped for h in skip.headings}
    layout = Layout(header)
    number = header + 1
    title, title_row = None, None
    if any(c.money for c in columns):
        title, title_row = _title_unit(rows[:header], layout)
    taken = {}
    for position, cell in enumerate(rows[header]):
        text = normalise(cell)
        if not text:
            continue
        key = heading_key(cell)
        found = FileColumn(position, text, known.get(key))
        layout.columns.append(found)
        if found.column is None:
            reason = reasons.get(key) or (
                _("not imported: the reasons of an error workbook") if key == REASON_HEADING else ""
            )
            found.reason = str(reason) if reason else _("not imported: not a column of this ledger")
            continue
        if found.column.field in taken:
            other = taken[found.column.field]
            message = _(
                "“%(heading)s” (column %(letter)s) and “%(other)s” (column %(other_letter)s) are both "
                "“%(field)s”: keep one of them."
            ) % {
                "heading": text,
                "letter": found.letter,
                "other": other.heading,
                "other_letter": other.letter,
                "field": found.column.heading,
            }
            layout.errors.append(RowError(number, text, message, found.letter))
            continue
        taken[found.column.field] = found
        if found.column.money:
            _read_unit(found, str(cell), title, title_row, layout, number)
    return layout


def _title_unit(rows, layout):
    """The unit the rows above the header state (`单位：亿元`), and its row; two different ones,
    or another currency, are errors naming them."""
    units = {}
    for index, row in enumerate(rows):
        for cell in row:
            if isinstance(cell, str) and "单位" in cell and (unit := title_unit(cell)):
                units.setdefault(unit, index + 1)
    if len(units) > 1:
        (first, row), (second, other) = list(units.items())[:2]
        message = _("The title rows name two units, %(first)s (row %(row)s) and %(second)s (row %(other)s): keep one.")
        layout.errors.append(
            RowError(row, "", message % {"first": first, "second": second, "row": row, "other": other})
        )
        return None, None
    for unit, row in units.items():
        if unit not in UNITS:
            message = _(
                "The title says the amounts are in %(unit)s: amounts are imported in 人民币 only; "
                "convert them to 万元 first."
            )
            layout.errors.append(RowError(row, "", message % {"unit": unit}))
            return None, None
        return unit, row
    return None, None


def _read_unit(found, heading, title, title_row, layout, number):
    named = list(dict.fromkeys(units_named(heading)))
    if len(named) > 1:
        message = _("The heading “%(heading)s” names two units, %(first)s and %(second)s: keep one.")
        values = {"heading": found.heading, "first": named[0], "second": named[1]}
        layout.errors.append(RowError(number, found.heading, message % values, found.letter))
    elif named and named[0] not in UNITS:
        message = _(
            "The heading “%(heading)s” is in %(unit)s: amounts are imported in 人民币 only; convert the "
            "column to 万元 first."
        )
        values = {"heading": found.heading, "unit": named[0]}
        layout.errors.append(RowError(number, found.heading, message % values, found.letter))
    elif named and title and named[0] != title:
        message = _(
            "The title (row %(row)s) says the amounts are in %(title)s, the heading “%(heading)s” says "
            "%(unit)s: make them agree."
        )
        values = {"row": title_row, "title": title, "heading": found.heading, "unit": named[0]}
        layout.errors.append(RowError(number, found.heading, message % values, found.letter))
    elif named:
        found.unit, found.unit_source = named[0], "heading"
    elif title:
        found.unit, found.unit_source = title, "title"
    else:
        found.unit, found.unit_source = STORED_UNIT, "default"


# --- 合计 / 小计 rows ---------------------------------------------------------------------------

TOTAL_WORDS = ("合计", "小计", "总计", "共计")
_TOTAL = re.compile(r"^(?:全市|全县|全区|其中)?(合计|小计|总计|共计)(?![\u4e00-\u9fff])")


def total_word(cells):
    """合计, 小计, 总计 or 共计 when one of a row's first three filled cells says it (`合 计`,
    `合计（25个）`, `全市合计`): a row of sums, not a record."""
    seen = 0
    for cell in cells:
        if cell is None or cell == "":
            continue
        if isinstance(cell, str):
            match = _TOTAL.match("".join(cell.split()))
            if match:
                return match.group(1)
        seen += 1
        if seen == 3:
            break
    return None


def check_totals(layout, amounts, failed):
    """A note for each total row (skipped), and a warning where its figure differs from the sum
    of the rows it closes: a 小计 the rows since the previous total row, a 合计 all rows above.
    `amounts` is [(row number, {field: 万元})]; `failed` the fields some row could not read. A
    total is compared to the precision it is written with (`55.3` 亿元 → within 0.05 亿元)."""
    found = []
    money = layout.money
    previous = 0
    for number, word, record in layout.totals:
        first = min(money.values(), key=lambda c: c.position, default=None)
        found.append(
            RowError(
                number,
                first.heading if first else "",
                _("A %(word)s row: skipped, it is not a record.") % {"word": word},
                first.letter if first else "",
                "note",
            )
        )
        start = previous if word == "小计" else 0
        rows = [values for row, values in amounts if start < row < number]
        previous = number
        for name, column in money.items():
            text = next((t for c, t in record.items() if c.field == name), "")
            if not text or name in failed:
                continue
            try:
                stated, named = read_amount(text, column.unit)
            except Exception:  # a total that is no amount is the file's note, not a record's error
                continue
            added = sum((values.get(name) or 0 for values in rows), Decimal(0))
            decimals = len(text.split(".")[1].rstrip("万亿億萬元千百")) if "." in text else 0
            tolerance = max(Decimal("0.5") * Decimal(10) ** -decimals * UNITS[named or column.unit], Decimal("0.01"))
            if abs(added - stated) > tolerance:
                message = _(
                    "The %(word)s row says %(stated)s 万元 for %(heading)s; the %(count)s rows it closes add up "
                    "to %(added)s 万元."
                ) % {
                    "word": word,
                    "stated": f"{stated:,}",
                    "heading": column.heading,
                    "count": len(rows),
                    "added": f"{added:,.2f}",
                }
                found.append(RowError(number, column.heading, message, column.letter, "warning"))
    return found
