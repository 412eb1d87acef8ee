"""Excel/CSV ledger import: read real-world spreadsheets, validate every row through the
model's form, and write all rows or none.

A model declares an `Importer` (model, form, columns); the importer finds the header row
under any merged title rows, maps tolerant headings to fields, normalises full-width text,
and reports every bad row with its number, column and reason in the user's language.

A file costs a fixed number of queries, not some per row: relations, unique values and
existing rows are read once per file, new rows are written a thousand to an INSERT (with
their change log) and checked against the user's scope a thousand at a time.
"""

import copy
import csv
import gc
import re
import struct
from contextlib import contextmanager
from dataclasses import dataclass, field

from django import forms as django_forms
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from .access import Action, region_ids
from .context import acting
from .exports import FORMULA_STARTS
from .forms import Known
from .layout import RowError, Skip, check_totals, heading_key, normalise, read_layout, total_word
from .names import Nearest
from .parsing import read_amount, scale_factor

__all__ = ["Column", "Importer", "RowError", "Skip", "chunks", "heading_key", "normalise", "read_rows"]


@dataclass(frozen=True, eq=False)
class Column:
    """One ledger column: the model field, its headings (the first is the one we write),
    and for a relation, the related field the cell text is matched on. A column is its
    declaration: compared and hashed by identity, as each row's record is keyed by its columns
    (a hash of every field, for every cell of every row, was a tenth of reading a file)."""

    field: str
    headings: tuple[str, ...]
    lookup: str | None = None
    parse: object = None  # callable(text) -> value for the form; raises ValidationError
    words: dict | None = field(default=None, hash=False, compare=False)  # choice words ledgers use -> value
    # Resolves cells itself: `finder(importer)` is built once per file and returns a callable
    # text → pk raising ValidationError, with `blank()` for an empty cell (e.g. the root region).
    finder: object = field(default=None, hash=False, compare=False)
    # An amount: the engine reads its unit from the file (the heading, a `单位：` title row, the
    # cell itself) and hands the form the value in 万元; `parse` is not used.
    money: bool = False

    @property
    def heading(self):
        return self.headings[0]


class UploadError(ValidationError):
    pass


XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(head: bytes):
    """The kind of spreadsheet by content, never by file name."""
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(XLS_MAGIC):
        return "xls"
    if b"\x00" not in head[:4096]:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                head[:4096].decode(encoding)
                return "csv"
            except UnicodeDecodeError as error:
                if error.start >= len(head[:4096]) - 4:  # a character cut at the sample's end
                    return "csv"
    return None


def check_upload(upload):
    """Refuse oversized or non-spreadsheet uploads before anything is stored."""
    limit = settings.IMPORT_MAX_BYTES
    if upload.size > limit:
        from django.template.defaultfilters import filesizeformat

        # filesizeformat, not a rounded MB figure: a small limit must not read "0.0 MB".
        raise UploadError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    upload.seek(0)
    kind = sniff(upload.read(8192))
    upload.seek(0)
    if kind is None:
        raise UploadError(_("This is not a spreadsheet: upload an .xlsx, .xls or .csv file."))
    return kind


def read_rows(path):
    """All rows of the first sheet as lists of cell values, bounded: a file with more rows,
    columns or cells than the settings allow (IMPORT_MAX_ROWS, IMPORT_MAX_COLUMNS,
    IMPORT_MAX_CELLS) is refused naming the limit before its grid is built, so that a tiny
    file cannot allocate a huge one (one cell at row 50,000, column 200 of an xlsx would make
    calamine build a 10-million-cell grid)."""
    with open(path, "rb") as handle:
        kind = sniff(handle.read(8192))
    if kind == "csv":
        return read_csv(path)
    if kind is None:
        raise UploadError(_("This is not a spreadsheet: upload an .xlsx, .xls or .csv file."))
    from python_calamine import CalamineWorkbook

    if kind == "xlsx":
        check_extent(*xlsx_extent(path))
    if kind == "xls":  # from the cell records, before calamine builds the grid (core/xls.py)
        from .xls import BrokenXls, first_sheet_extent

        try:
            extent = first_sheet_extent(path)
        except (BrokenXls, struct.error) as error:
            raise UploadError(_("The spreadsheet cannot be read: %(error)s") % {"error": error}) from error
        check_extent(*extent)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        check_extent(sheet.height, sheet.width)
        rows = SheetRows(sheet.to_python(skip_empty_area=False))
    except UploadError:
        raise
    except Exception as error:  # calamine raises its own types for broken files
        raise UploadError(_("The spreadsheet cannot be read: %(error)s") % {"error": error}) from error
    if kind == "xlsx":
        rows.formulas = formula_cells(path)
    return rows


def check_extent(rows: int, columns: int) -> None:
    """Refuse a sheet larger than the configured limits, naming the limit it passes."""
    if rows > settings.IMPORT_MAX_ROWS:
        raise UploadError(
            _("The sheet reaches row %(rows)s; at most %(limit)s rows are imported at once. Split the file.")
            % {"rows": f"{rows:,}", "limit": f"{settings.IMPORT_MAX_ROWS:,}"}
        )
    if columns > settings.IMPORT_MAX_COLUMNS:
        raise UploadError(
            _(
                "The sheet reaches column %(columns)s; at most %(limit)s columns are read. "
                "Delete the cells to the right of the ledger."
            )
            % {"columns": f"{columns:,}", "limit": f"{settings.IMPORT_MAX_COLUMNS:,}"}
        )
    if rows * columns > settings.IMPORT_MAX_CELLS:
        raise UploadError(
            _("The sheet spans %(cells)s cells (%(rows)s rows × %(columns)s columns); at most %(limit)s are read.")
            % {
                "cells": f"{rows * columns:,}",
                "rows": f"{rows:,}",
                "columns": f"{columns:,}",
                "limit": f"{settings.IMPORT_MAX_CELLS:,}",
            }
        )


_TAG = re.compile(rb"<(row|c)\b([^>]*)>")
_REF = re.compile(rb'\sr="([A-Z]*)(\d*)"')


def xlsx_extent(path) -> tuple[int, int]:
    """(rows, columns) of an xlsx file's first sheet, as calamine would size its grid, read by
    streaming the sheet's XML a megabyte at a time (never the whole part in memory) and stopping
    as soon as a limit is passed; its <dimension> is not trusted. A part that unpacks to more than
    IMPORT_MAX_UNPACKED_BYTES (a zip bomb) is refused by its declared size."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
                from django.template.defaultfilters import filesizeformat

                raise UploadError(
                    _("The workbook unpacks to %(size)s; the limit is %(limit)s.")
                    % {"size": filesizeformat(unpacked), "limit": filesizeformat(settings.IMPORT_MAX_UNPACKED_BYTES)}
                )
            with archive.open(_first_sheet(archive)) as part:
                return _scan_extent(part)
    except (KeyError, zipfile.BadZipFile, ValueError, AttributeError) as error:
        raise UploadError(_("The spreadsheet cannot be read: %(error)s") % {"error": error}) from error


def _scan_extent(part) -> tuple[int, int]:
    rows = columns = row = column = 0
    rest = b""
    while chunk := part.read(1 << 20):
        data = rest + chunk
        end = data.rfind(b">") + 1  # whole tags only; the rest waits for the next chunk
        data, rest = data[:end], data[end:]
        for name, attributes in _TAG.findall(data):
            ref = _REF.search(attributes)
            if name == b"row":
                row = int(ref.group(2)) if ref and ref.group(2) else row + 1
                column = 0
                continue
            if ref and ref.group(1):
                column = 0
                for letter in ref.group(1):
                    column = column * 26 + letter - 64
            else:  # a cell without its address is the next one along
                column += 1
            if ref and ref.group(2):
                row = int(ref.group(2))
            rows, columns = max(rows, row), max(columns, column)
        if rows > settings.IMPORT_MAX_ROWS or columns > settings.IMPORT_MAX_COLUMNS:
            break  # refused already: the rest of the sheet need not be read
    return rows, columns


def read_csv(path) -> list[list[str]]:
    """A CSV file's rows, streamed and bounded like a sheet: UTF-8 with or without its BOM, else
    GB18030; lines ending in CR LF, LF or CR alone (Excel for Mac)."""
    encoding = _csv_encoding(path)
    rows, widest = [], 0
    try:
        with open(path, encoding=encoding, newline="") as handle:  # newline="": csv sees \r, \n, \r\n
            for row in csv.reader(handle):
                widest = max(widest, len(row))
                if (
                    widest > settings.IMPORT_MAX_COLUMNS
                    or len(rows) >= settings.IMPORT_MAX_ROWS
                    or (len(rows) + 1) * widest > settings.IMPORT_MAX_CELLS
                ):
                    check_extent(len(rows) + 1, widest)
                rows.append(row)
    except csv.Error as error:  # a field past csv's size limit, a NUL byte
        raise UploadError(
            _("The CSV file cannot be read at line %(line)s: %(error)s") % {"line": len(rows) + 1, "error": error}
        ) from error
    return rows


def _csv_encoding(path) -> str:
    import codecs

    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as handle:
                while chunk := handle.read(1 << 20):
                    decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    raise UploadError(_("The CSV file is neither UTF-8 nor GB18030 text."))


class SheetRows(list):
    """A sheet's rows, and where its formula cells are: {(row index, column index): formula}.
    Calamine gives a formula's cached value (what Excel last calculated) and not the formula."""

    formulas: dict = {}


_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?(?:/>|>(.*?)</c>)', re.S)
_FORMULA = re.compile(rb"<f[^>]*?(?:/>|>(.*?)</f>)", re.S)


def formula_cells(path):
    """The formula cells of an xlsx file's first sheet, read from its XML: nothing to parse (a byte
    search) when it has none, which is most ledgers."""
    import zipfile
    from html import unescape

    try:
        with zipfile.ZipFile(path) as archive:
            sheet = _first_sheet(archive)
            xml = archive.read(sheet)
    except (KeyError, zipfile.BadZipFile, ValueError):
        return {}
    if b"<f" not in xml:
        return {}
    found = {}
    for letters, number, inner in _CELL.findall(xml):
        formula = _FORMULA.search(inner or b"")
        if formula:
            column = 0
            for letter in letters:
                column = column * 26 + letter - 64
            found[int(number) - 1, column - 1] = "=" + unescape((formula.group(1) or b"").decode("utf-8"))
    return found


def _first_sheet(archive):
    """The part of the workbook's first sheet (the one calamine reads), through its relationship."""
    workbook = archive.read("xl/workbook.xml").decode("utf-8")
    relation = re.search(r'<sheet [^>]*?r:id="([^"]+)"', workbook) or re.search(r'<sheet [^>]*?id="([^"]+)"', workbook)
    links = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    for link in re.finditer(r"<Relationship [^>]*>", links):
        if f'Id="{relation.group(1)}"' in link.group(0):
            target = re.search(r'Target="([^"]+)"', link.group(0)).group(1)
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    raise ValueError("no first sheet")


@dataclass
class Plan:
    """What an import would do: rows to create and update, unchanged rows, errors, and the
    warnings and notes to read before confirming."""

    creates: list = field(default_factory=list)
    updates: list = field(default_factory=list)
    unchanged: int = 0
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # before → after of the first rows to update
    header: int = 0  # the header's row number, for the error workbook
    columns: list = field(default_factory=list)
    also: list = field(default_factory=list)  # what else the import does, a sentence each (新建企业 …)

    def summary(self):
        return {
            "creates": len(self.creates),
            "updates": len(self.updates),
            "unchanged": self.unchanged,
            "errors": [e.__dict__ for e in self.errors[:1000]],
            "error_count": len(self.errors),
            "warnings": [w.__dict__ for w in self.warnings[:1000]],
            "warning_count": len(self.warnings),
            "columns": [c.report() for c in self.columns],
            "also": [str(line) for line in self.also],
            "changes": self.changes,
            "header": self.header,
            # Every bad cell, compactly, for the error workbook (the list above stops at 1,000).
            "error_cells": [[e.row, e.letter, e.message] for e in self.errors],
        }


def chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


@contextmanager
def collector_paused():
    """An import holds a form per row, then the rows and their change log: millions of live
    objects that Python's cycle collector scanned again and again as they grew, for next to no
    garbage (a quarter of the time of a 10,000-row file; the same peak memory without it)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class _FieldsCopiedShallow(dict):
    """A form class's fields, which each new form copies: shallow, not deep. A form deep-copies
    every field with its widget, choices and queryset, a third of an import's preview; an
    import's forms share one user and one set of querysets, so what a form's __init__ sets on a
    field is the same for every row."""

    def __deepcopy__(self, memo):
        return {name: _copied(field) for name, field in self.items()}


def _copied(field):
    """copy.copy(field) without the pickle protocol's round trip, a quarter of its time: a
    form field is its __dict__."""
    new = object.__new__(type(field))
    new.__dict__.update(field.__dict__)
    return new


def row_form(form):
    """The form an import validates each row with: `form`, its fields copied shallow."""
    row = type(form.__name__, (form,), {"__module__": form.__module__})
    # The subclass's metaclass adds back the fields the form's ancestors declare: keep `form`'s own.
    row.base_fields = _FieldsCopiedShallow({k: v for k, v in row.base_fields.items() if k in form.base_fields})
    return row


class Importer:
    """Declare `model`, `form` and `columns`; `match_on` lists the field sets that identify
    an existing row (tried in order), so that a re-import updates instead of duplicating.
    New rows are bulk-created by `create()`, unless `save()` alone is overridden (a service
    that writes one row at a time)."""

    model = None
    form = None
    columns: tuple[Column, ...] = ()
    match_on: tuple[tuple[str, ...], ...] = ()
    skipped: tuple[Skip, ...] = ()  # headings knowingly left out, with the reason the preview gives
    example: dict = {}  # field -> the example value of the blank template (ledger_files.write_template)
    feeds: dict = {}  # a column the importer reads itself -> the form fields it fills (see columns_form)
    header_scan_rows = 20
    chunk = 1000  # rows per INSERT and per scope check
    columns_only = False  # validate with the form cut to the columns: see columns_form()

    def __init__(self, user):
        self.user = user
        self.layout = None
        self._layout_of = None  # the rows self.layout was read from
        self._money = {}  # field -> FileColumn of each money column of the file being read
        self.notes = []  # (column, message, level) of the row form_data() read last; plan() files them
        self._lookups = {}
        self._finders = {}  # column -> what its finder built for this file
        self._nearest = {}  # column -> Nearest over the names its cells may hold
        self._matched = None  # the match_on fields existing() last matched a row by
        self._choices = {}
        self._indexes = {}
        self.known = Known()
        self._prototypes = {}  # new row or not -> the form get_form() copies
        self.row_form = row_form(self.columns_form() if self.columns_only else self.form)

    # --- reading -------------------------------------------------------------------------
    def locate_header(self, rows):
        """The header is the row, among the first few, that names the most known columns;
        merged title rows above it are skipped."""
        known = {heading_key(h): c for c in self.columns for h in c.headings}
        best, best_hits = None, 0
        for index, row in enumerate(rows[: self.header_scan_rows]):
            hits = sum(1 for cell in row if heading_key(cell) in known)
            if hits > best_hits:
                best, best_hits = index, hits
        if best is None:
            raise UploadError(
                _("No header row found: the first rows name none of the columns %(columns)s.")
                % {"columns": "、".join(c.heading for c in self.columns)}
            )
        mapping = {}
        for position, cell in enumerate(rows[best]):
            column = known.get(heading_key(cell))
            if column and column.field not in {c.field for c in mapping.values()}:
                mapping[position] = column
        return best, mapping

    def read_layout(self, rows):
        """The file's header, headings and units (core/layout.py), read once per file."""
        if self._layout_of is not rows:
            header, _mapping = self.locate_header(rows)
            self.layout, self._layout_of = read_layout(rows, header, self.columns, self.skipped), rows
        return self.layout

    def records(self, rows):
        """(row number as the user sees it, {column: text}) for each non-blank data row; a
        合计/小计 row goes to the layout's totals instead."""
        layout = self.read_layout(rows)
        mapping = layout.mapping
        layout.totals = []
        formulas = getattr(rows, "formulas", None) or {}
        for index in range(layout.header + 1, len(rows)):
            cells = rows[index]
            record = {col: normalise(cells[pos]) if pos < len(cells) else "" for pos, col in mapping.items()}
            if any(record.values()):
                if word := total_word(cells):
                    layout.totals.append((index + 1, word, record))
                    continue
                if formulas:
                    self.formula_notes(index, record, mapping, formulas)
                yield index + 1, record

    def formula_notes(self, index, record, mapping, formulas):
        """A real formula cell: its value as Excel last calculated it is what is imported, said so;
        one never calculated (written by a program) is blank, and a warning says why."""
        for position, column in mapping.items():
            formula = formulas.get((index, position))
            if formula is None:
                continue
            if record[column]:
                message = _(
                    "The cell holds a formula (%(formula)s): its value as last calculated, “%(value)s”, is imported."
                )
                self.notes.append((column, message % {"formula": formula, "value": record[column]}, "note"))
            else:
                message = _(
                    "The cell holds a formula (%(formula)s) that was never calculated, so it is read as blank: "
                    "open the file in Excel and save it, or type the value."
                )
                self.notes.append((column, message % {"formula": formula}, "warning"))

    # --- validating ----------------------------------------------------------------------
    def lookup(self, column, text):
        """Relation cells hold names or codes; resolve them within what the user may see."""
        if column.field not in self._lookups:
            related = self.model._meta.get_field(column.field).related_model
            keys = related.objects.restrict(self.user, Action.VIEW).values_list(column.lookup, "pk")
            self._lookups[column.field] = {normalise(k): pk for k, pk in keys}
        pk = self._lookups[column.field].get(text)
        if pk is None:
            raise ValidationError(self.unknown(column, text))
        if column.field == getattr(self.model.scope, "region", None) and not self.region_writable(pk):
            raise ValidationError(_("“%(value)s” is outside your scope.") % {"value": text})
        return pk

    def find(self, column, text):
        """A cell resolved by its column's finder (built on first use), within the user's scope."""
        if column.field not in self._finders:
            self._finders[column.field] = column.finder(self)
        finder = self._finders[column.field]
        pk = finder(text) if text else finder.blank()
        if pk and column.field == getattr(self.model.scope, "region", None) and not self.region_writable(pk):
            if text:
                raise ValidationError(_("“%(value)s” is outside your scope.") % {"value": text})
            message = _(
                "A blank cell means %(root)s (a city-level record), which is outside your scope: name the county."
            )
            raise ValidationError(message % {"root": finder.root[1]})
        return pk or ""

    def unknown(self, column, text):
        """ "Not a known value", saying what would be: the nearest known names, else all of them
        when they are few."""
        if column.field not in self._nearest:
            self._nearest[column.field] = Nearest(self._lookups[column.field])
        names = self._nearest[column.field]
        if near := names(text):
            message = _("“%(value)s” is not a known value; the nearest known: %(names)s.")
            return message % {"value": text, "names": "、".join(near)}
        if 0 < len(names) <= 15:
            message = _("“%(value)s” is not a known value; the known ones are %(names)s.")
            return message % {"value": text, "names": "、".join(names.names)}
        message = _("“%(value)s” is not a known value, nor near any of the %(count)s known to you.")
        return message % {"value": text, "count": len(names)}

    def region_writable(self, pk):
        """A row's region must be one the user may add to: said at the preview, with its row."""
        if not hasattr(self, "_regions"):
            related = self.model._meta.get_field(self.model.scope.region).related_model
            self._regions = region_ids(self.user, Action.ADD, related)
        return self._regions is None or pk in self._regions

    def choice_map(self, column):
        """Choice cells hold the label users read (in Chinese or English) or the stored value."""
        if column.field not in self._choices:
            from django.utils import translation

            try:
                field = self.model._meta.get_field(column.field.split("__")[0])
            except FieldDoesNotExist:  # a column the importer reads itself (not a model field)
                field = None
            mapping = None
            if field is not None and field.choices:
                mapping = {}
                for value, label in field.flatchoices:
                    for language in ("zh-hans", "en"):
                        with translation.override(language):
                            mapping[normalise(str(label)).lower()] = value
                    mapping[str(value).lower()] = value
                mapping.update({normalise(word).lower(): value for word, value in (column.words or {}).items()})
            self._choices[column.field] = mapping
        return self._choices[column.field]

    def not_a_choice(self, column, text):
        """A choice cell that is none of the labels, values or ledger words: the labels it may be."""
        field = self.model._meta.get_field(column.field.split("__")[0])
        labels = [str(label) for _value, label in field.flatchoices if _value not in (None, "")]
        near = Nearest(self.choice_map(column))(text.lower())
        if near:
            message = _("“%(value)s” is not one of %(choices)s; the nearest: %(names)s.")
            return message % {"value": text, "choices": "、".join(labels), "names": "、".join(near)}
        return _("“%(value)s” is not one of %(choices)s.") % {"value": text, "choices": "、".join(labels)}

    def form_data(self, record):
        data, errors = {}, []
        for column, text in record.items():
            try:
                value = text
                if column.finder:
                    value = self.find(column, text)
                elif text and column.money:
                    value = self.amount(column, text)
                elif text and column.parse:
                    value = column.parse(text)
                elif text[:1] in FORMULA_STARTS and self.looks_like_formula(column, text):
                    message = _(
                        "“%(value)s” looks like a spreadsheet formula: it is kept as text, and exports show it "
                        "with a leading apostrophe so that no spreadsheet runs it."
                    )
                    self.notes.append((column, message % {"value": text}, "note"))
                if text and column.lookup and not column.finder:
                    value = self.lookup(column, text)
                elif text and self.choice_map(column) is not None:
                    value = self.choice_map(column).get(text.lower())
                    if value is None:
                        raise ValidationError(self.not_a_choice(column, text))
                data[column.field] = value
            except ValidationError as error:
                errors.append((column, " ".join(error.messages)))
        return data, errors

    def looks_like_formula(self, column, text):
        """Text a spreadsheet would run (=HYPERLINK(…), +A1, @SUM(…)) in a plain text column; a
        phone number or a negative figure (+86 139…, -5) is not."""
        if column.lookup or column.finder or column.money or self.choice_map(column) is not None:
            return False
        return any(c.isalpha() or c in "(!" for c in text[1:])

    def amount(self, column, text):
        """A money cell in 万元, in its column's unit unless it names its own; a cell whose own
        unit overrides the one the file gave its column gets a note on its row."""
        found = self._money.get(column.field)
        if found is None:  # rows read without a file's layout (a test, a caller of form_data)
            return read_amount(text)[0]
        value, named = read_amount(text, found.unit)
        if named and named != found.unit and found.unit_source != "default":
            message = _("“%(value)s” names its own unit, %(cell)s, used instead of the column's %(unit)s.")
            self.notes.append((column, message % {"value": text, "cell": named, "unit": found.unit}, "note"))
        return value

    def scale_warnings(self, form, number):
        """An update that would multiply or divide an amount by about 10, 100, 1,000 or 10,000:
        most likely a file in another unit than the one read (say 亿元 read as 万元)."""
        warnings = []
        for name, found in self._money.items():
            before, after = form.initial.get(name), form.cleaned_data.get(name)
            factor = scale_factor(before, after)
            if factor:
                if after > before:
                    message = _(
                        "%(heading)s goes from %(before)s to %(after)s 万元, about %(factor)s times more: "
                        "is the unit right?"
                    )
                else:
                    message = _(
                        "%(heading)s goes from %(before)s to %(after)s 万元, about %(factor)s times less: "
                        "is the unit right?"
                    )
                values = {
                    "heading": found.heading,
                    "before": f"{before:,}",
                    "after": f"{after:,}",
                    "factor": f"{factor:,}",
                }
                warnings.append(RowError(number, found.heading, message % values, found.letter, "warning"))
        return warnings

    def existing(self, data):
        """The row this record updates, if any: the keys of every row the user may change are
        read once, so a file of new records costs no query per row to match. A key that finds
        nothing hands over to the next, which matches only rows still without the earlier keys:
        a ledger that now carries a code updates the project registered before it had one."""
        for depth, fields in enumerate(self.match_on):
            if all(data.get(f) not in (None, "") for f in fields):
                pk = self.match_index(depth).get(tuple(str(data[f]) for f in fields))
                if pk is not None:
                    self._matched = fields
                    return self.model.objects.get(pk=pk)
        return None

    def match_index(self, depth):
        if depth not in self._indexes:
            fields, earlier = self.match_on[depth], {f for key in self.match_on[:depth] for f in key}
            rows = self.model.objects.restrict(self.user, Action.CHANGE)
            for name in earlier:
                blank = Q(**{f"{name}__isnull": True})
                if self.model._meta.get_field(name).empty_strings_allowed:
                    blank |= Q(**{name: ""})
                rows = rows.filter(blank)
            rows = rows.values_list("pk", *fields)
            self._indexes[depth] = {tuple(str(v) for v in values): pk for pk, *values in rows.iterator()}
        return self._indexes[depth]

    def row_key(self, data, instance):
        """What makes two rows of one file the same record (then the second is an error), and the
        fields that make it so."""
        if instance:
            return ("pk", instance.pk), self._matched
        for fields in self.match_on:
            values = tuple(data.get(f) for f in fields)
            if all(v not in (None, "") for v in values):
                return (fields, values), fields
        return None, ()

    def get_form(self, data, instance):
        """The model's form, fed the existing values for columns the file does not carry: a copy
        of one form built for the file's new rows (another for its existing rows), bound to this
        row. Building a form per row, its fields, querysets and widgets all alike, was a third of
        a preview; so a form's __init__ may depend on the user and on whether its row is new,
        not on the row's values."""
        new = instance is None
        if new not in self._prototypes:
            prototype = self.row_form(data={}, instance=instance, user=self.user, known=self.known)
            for form_field in prototype.fields.values():
                form_field.help_text = str(form_field.help_text)  # lazy text is translated at each bool()
            self._prototypes[new] = prototype
        form = copy.copy(self._prototypes[new])
        form.instance = self.model() if new else instance  # a new row starts from the defaults
        form.initial = {} if new else django_forms.model_to_dict(instance, form._meta.fields, form._meta.exclude)
        form.data = {**django_forms.model_to_dict(form.instance, form.fields), **data}
        form._errors, form._bound_fields_cache = None, {}
        return form

    def columns_form(self, columns=None):
        """The model's form cut to the ledger's columns (those of the file being read, once it is)
        and the fields it requires: the rest of a record stays as it is, the defaults for a new
        one. For a form with many fields no ledger carries (a project's has twice its ledger's),
        whose building for each row was half the time of a preview; opt-in, as a form's own
        __init__ may expect all of its fields."""
        columns = {c.field for c in self.columns} if columns is None else set(columns)
        fields = [name for name, form_field in self.form.base_fields.items() if name in columns or form_field.required]
        cut = django_forms.modelform_factory(self.model, form=self.form, fields=fields)
        for name in set(cut.base_fields) - set(fields):  # a field the form declares stays unless cut too
            del cut.base_fields[name]
        return cut

    def read_known(self, rows):
        """What each row's form would ask the database, asked once for the whole file: the
        objects its relation cells name, read through the form's own querysets (so the form stays
        the judge of what the user may pick), and which values of unique fields no row holds."""
        known = Known()
        meta = self.model._meta
        together = {name for names in meta.unique_together for name in names}
        unique = {f.name for f in meta.fields if f.unique and not f.primary_key and f.name not in together}
        for name, form_field in self.row_form(user=self.user).fields.items():
            queryset = getattr(form_field, "queryset", None)
            if queryset is not None:
                known.querysets[name] = queryset
            # A relation matched on its primary key, which lookup() resolves cells to.
            single = type(form_field) is django_forms.ModelChoiceField
            if single and (form_field.to_field_name or "pk") in ("pk", queryset.model._meta.pk.name):
                pks = list({data[name] for data in rows if isinstance(data.get(name), int)})
                for part in chunks(pks, self.chunk):
                    known.objects.setdefault(name, {}).update(queryset.in_bulk(part))
            elif name in unique:
                free = {data[name] for data in rows if data.get(name) not in (None, "")}
                for part in chunks(list(free), self.chunk):
                    free -= set(meta.default_manager.filter(**{f"{name}__in": part}).values_list(name, flat=True))
                known.free[name] = free
        return known

    def repeated_unique(self, form, number, taken):
        """A unique value no record holds yet, given by two rows of one file for two records:
        each row's form finds it free, and the commit would fail on the second."""
        repeated = []
        for name, free in self.known.free.items():
            value = form.cleaned_data.get(name)
            if value in free:
                if taken.setdefault((name, value), number) != number:
                    message = _("“%(value)s” is also in row %(row)s; it must be unique.")
                    repeated.append((name, message % {"value": value, "row": taken[name, value]}))
        return repeated

    def has_changed(self, form):
        """Whether an existing row is to be written: its form's fields, or what review() found."""
        return form.has_changed()

    def review(self, form):
        """What the importer says of a row its form accepted, as (field, message, level) with
        level "error", "warning" or "note": the rules of the model's services that a form does
        not know (a stage date a ledger gives). Nothing by default."""
        return []

    @collector_paused()
    def plan(self, rows, progress=None):
        plan, seen, taken = Plan(), {}, {}
        layout = self.read_layout(rows)
        plan.columns, plan.header = layout.columns, layout.header + 1
        if layout.errors:  # the file's own shape is wrong: no row can be read right
            plan.errors = layout.errors
            return plan
        files = {c.column.field: c for c in layout.columns if c.column is not None}
        self._money = layout.money
        if self.columns_only:  # the form of this file's columns: a field no row carries costs every row
            fed = {name for column in files for name in self.feeds.get(column, ())}
            self.row_form, self._prototypes = row_form(self.columns_form({*files, *fed})), {}
        headings = {c.field: files[c.field].heading if c.field in files else c.heading for c in self.columns}
        letters = {name: found.letter for name, found in files.items()}

        def error(number, name, message, level="error"):
            return RowError(number, headings.get(name, ""), message, letters.get(name, ""), level)

        def same(number, record, fields, other):
            """The second row for one record: the columns that make it the same, and the first row."""
            columns = {c.field: c for c in self.columns}
            said = "、".join(
                _("%(heading)s (column %(letter)s) “%(value)s”")
                % {"heading": headings[name], "letter": letters.get(name, ""), "value": record.get(columns[name], "")}
                for name in fields
                if name in columns
            )
            message = _("Same record as row %(row)s: the same %(columns)s.") % {"row": other, "columns": said}
            first = next((name for name in fields if name in letters), "")
            return error(number, first, message)

        records, texts = [], {}
        for number, record in self.records(rows):
            texts[number] = record
            records.append((number, *self.form_data(record)))
            if self.notes:
                plan.warnings.extend(
                    error(number, column.field, message, level) for column, message, level in self.notes
                )
                self.notes = []
        if layout.totals:
            failed = {column.field for _number, _data, errors in records for column, _message in errors}
            plan.warnings.extend(check_totals(layout, [(number, data) for number, data, _e in records], failed))
        self.known, self._prototypes = self.read_known([data for _number, data, errors in records if not errors]), {}
        for count, (number, data, errors) in enumerate(records, 1):
            for column, message in errors:
                plan.errors.append(error(number, column.field, message))
            if errors:
                # The row's other cells are still checked, so that one upload reports them all.
                failed = {column.field for column, _message in errors}
                form = self.get_form(data, None)
                form.is_valid()
                for name, messages in form.errors.items():
                    if name not in failed and name in headings:
                        plan.errors.extend(error(number, name, m) for m in messages)
                continue
            instance = self.existing(data)
            key, fields = self.row_key(data, instance)
            if key in seen:
                plan.errors.append(same(number, texts[number], fields, seen[key]))
                continue
            if key:
                seen[key] = number
            form = self.get_form(data, instance)
            if not form.is_valid():
                for name, messages in form.errors.items():
                    plan.errors.extend(error(number, name if name != "__all__" else "", m) for m in messages)
                continue
            if repeated := self.repeated_unique(form, number, taken):
                plan.errors.extend(error(number, name, m) for name, m in repeated)
                continue
            if said := self.review(form):
                plan.warnings.extend(error(number, name, m, level) for name, m, level in said if level != "error")
                if refused := [error(number, name, m) for name, m, level in said if level == "error"]:
                    plan.errors.extend(refused)
                    continue
            if instance is None:
                plan.creates.append(form)
            elif self.has_changed(form):
                form.row_number = number
                plan.updates.append(form)
                plan.warnings.extend(self.scale_warnings(form, number))
            else:
                plan.unchanged += 1
            if progress and count % 200 == 0:
                progress(count, len(records))
        plan.changes = self.changes(plan.updates[:1000], headings)
        return plan

    def changes(self, forms, headings):
        """Before → after of each field an update changes, as the user reads them: labels for
        choices, names for relations (read once per field for all the rows, not per row)."""
        names = {}
        for form in forms:
            for name in form.changed_data:
                field = form.fields[name]
                if getattr(field, "queryset", None) is not None:
                    names.setdefault(name, set()).update(
                        v for v in (form.initial.get(name), form.data.get(name)) if v not in (None, "")
                    )
        for name, pks in names.items():
            queryset = forms[0].fields[name].queryset.model._default_manager
            names[name] = {
                str(pk): str(obj) for pk, obj in queryset.in_bulk([p for p in pks if str(p).isdigit()]).items()
            }

        def shown(form, name, value):
            if value in (None, ""):
                return "—"
            if name in names:
                return names[name].get(str(getattr(value, "pk", value)), str(value))
            choices = dict(getattr(form.fields[name], "choices", ()) or ())
            return str(choices.get(value, value))

        return [
            {
                "row": getattr(form, "row_number", ""),
                "record": str(form.instance),
                "fields": [
                    [
                        headings.get(name, str(form.fields[name].label)),
                        shown(form, name, form.initial.get(name)),
                        shown(form, name, form.cleaned_data.get(name)),
                    ]
                    for name in form.changed_data
                ],
            }
            for form in forms
        ]

    # --- writing -------------------------------------------------------------------------
    def save(self, form):
        """One row's write; apps whose rows change state override this to call their service."""
        return form.save()

    def create(self, forms):
        """New rows, a chunk at a time. An importer whose save() calls a service keeps one call
        per row; one that saves through the form gets one INSERT per chunk."""
        if type(self).save is not Importer.save:
            return [self.save(form) for form in forms]
        return self.bulk_create(forms)

    def bulk_create(self, forms):
        """The forms' rows in one INSERT, logged as their saves would be (LoggedQuerySet);
        many-to-many values written only for the rows that carry some."""
        objects = self.model.objects.bulk_create([form.save(commit=False) for form in forms])
        many = [f.name for f in self.model._meta.many_to_many]
        for form in forms:
            if any(form.data.get(name) for name in many):
                form.save_m2m()
        return objects

    def finish(self, objects):
        """Work done once for the whole file instead of once per row (e.g. derived values)."""

    def check_scope(self, action, objects):
        """Every written row is one the user may `action`, asked once per chunk, not per row."""
        pks = [obj.pk for obj in objects]
        allowed = self.model.objects.restrict(self.user, action)
        if sum(allowed.filter(pk__in=part).count() for part in chunks(pks, self.chunk)) != len(set(pks)):
            raise ValidationError(_("A row falls outside your scope; nothing was imported."))

    @collector_paused()
    def commit(self, plan, *, partial=False):
        """All or nothing: refuses a plan with errors, writes the rest in one transaction. With
        `partial` (the user's explicit choice, recorded in the job) the good rows are written and
        the bad ones left for the error workbook."""
        if plan.errors and not partial:
            raise ValidationError(_("The file has errors; nothing was imported."))
        with transaction.atomic(), acting(self.user):
            created = [obj for part in chunks(plan.creates, self.chunk) for obj in self.create(part)]
            self.check_scope(Action.ADD, created)
            updated = [self.save(form) for form in plan.updates]
            self.check_scope(Action.CHANGE, updated)
            self.finish(created + updated)
        return plan.summary()
