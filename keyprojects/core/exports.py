"""Excel/CSV export of exactly the rows a user filtered: streamed, memory flat with rows,
formulas neutralised so that a cell never runs in the reader's spreadsheet."""

import csv
import tempfile
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from django.db import models
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def cell(obj, column):
    """The value a ledger column shows for an object: relations by their lookup text,
    choices by their label (the same text the importer accepts back)."""
    display = getattr(obj, f"get_{column.field}_display", None)
    if display:
        return neutralise(str(display()))
    value = obj
    for part in column.field.split("__"):
        value = getattr(value, part, None) if value is not None else None
    if column.lookup and value is not None:
        value = getattr(value, column.lookup)
    if isinstance(value, models.Model):
        value = str(value)
    if isinstance(value, datetime):
        value = timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, bool):
        value = "是" if value else "否"
    if value is None:
        value = ""
    return neutralise(value)


def rows(queryset, columns, chunk_size=5000, prepare=None, given=None):
    """Each row's cells, as `cell()` gives them, read as plain values: the columns that are
    database paths by one `values_list()` (a choice by its label, a relation by its lookup field or,
    without one, by the related row's text, read once per chunk), and only the others (properties
    such as a project's lists) from objects, read per chunk through `prepare` (the declaration's
    export_queryset: its prefetches) without its joins, unless `given` (the declaration's
    export_values: {column field: function of a chunk's ids → {pk: cell}}) reads them. Building a model
    instance, and five related ones, for each of 50,000 rows, and prefetching per object, was most of
    an export's time (bench/RESULTS.md, export ratios)."""
    model = queryset.model
    plan = [_compile(model, column) for column in columns]
    # labels in the reader's language, translated once per export rather than once per cell
    plan = [(kind, p, {k: str(v) for k, v in f.items()}) if kind == "choice" else (kind, p, f) for kind, p, f in plan]
    given = {c.field: given[c.field] for c in columns if c.field in (given or {})}
    plan = [("given", c.field, None) if c.field in given else step for c, step in zip(columns, plan, strict=True)]
    paths = list(dict.fromkeys(p for kind, p, _ in plan if kind not in ("object", "given")))
    objects = [c for c, (kind, _p, _f) in zip(columns, plan, strict=True) if kind == "object"]
    texts = {p: f for kind, p, f in plan if kind == "text"}
    position = {p: i for i, p in enumerate(paths, 1)}
    shown = {path: {} for path in texts}  # related rows' texts, kept across chunks (people, units)
    chunk = []
    for values in queryset.values_list("pk", *paths).iterator(chunk_size=chunk_size):
        chunk.append(values)
        if len(chunk) == chunk_size:
            yield from _chunk(model, chunk, plan, position, objects, texts, shown, prepare, given)
            chunk = []
    if chunk:
        yield from _chunk(model, chunk, plan, position, objects, texts, shown, prepare, given)


def _chunk(model, chunk, plan, position, objects, texts, shown, prepare, given):
    found = {}
    read = {field: function([row[0] for row in chunk]) for field, function in given.items()}
    if objects:
        queryset = model._base_manager.filter(pk__in=[values[0] for values in chunk])
        queryset = (prepare(queryset) if prepare else queryset).select_related(None)
        found = {obj.pk: obj for obj in queryset}
    for path, related in texts.items():  # a relation without a lookup: its row's text, once each
        known = shown[path]
        ids = {values[position[path]] for values in chunk} - {None} - known.keys()
        if ids:
            known.update({obj.pk: str(obj) for obj in related._base_manager.filter(pk__in=ids)})
    for values in chunk:
        row = []
        for kind, path, convert in plan:
            if kind == "given":
                row.append(_plain(read[path].get(values[0], "")))
                continue
            if kind == "object":
                obj = found.get(values[0])
                row.append(cell(obj, convert) if obj is not None else "")
                continue
            value = values[position[path]]
            if kind == "text":
                value = shown[path].get(value, "") if value is not None else None
            elif kind == "choice":
                value = convert.get(value, value)
                value = "" if value is None else str(value)
            if value.__class__ is str:  # most cells: text that is no formula is written as it is
                row.append("'" + value if value.startswith(FORMULA_STARTS) else value)
            else:
                row.append(_plain(value))
        yield row


def _plain(value):
    """What cell() makes of a value read from the database."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, bool):
        return "是" if value else "否"
    return neutralise(value)


def _compile(model, column):
    """(kind, database path, helper) for one column: "value", "choice" (helper: value → label),
    "text" (a relation without a lookup; helper: the related model) or "object" (not a database
    path: read from the object by cell(); helper: the column)."""
    from django.core.exceptions import FieldDoesNotExist
    from django.utils.hashable import make_hashable

    current, names = model, column.field.split("__")
    for index, name in enumerate(names):
        try:
            field = current._meta.get_field(name)
        except FieldDoesNotExist:
            return ("object", None, column)
        last = index == len(names) - 1
        if field.is_relation:
            if field.many_to_many or field.one_to_many or not field.concrete:
                return ("object", None, column)
            if last:
                if column.lookup:
                    target = field.related_model._meta.get_field(column.lookup)
                    if target.is_relation or target.choices:
                        return ("object", None, column)
                    return ("value", f"{column.field}__{column.lookup}", None)
                if field.related_model.__str__ is models.Model.__str__:
                    return ("object", None, column)
                return ("text", column.field, field.related_model)
            current = field.related_model
        elif not last:
            return ("object", None, column)
        elif field.choices:
            return ("choice", column.field, {make_hashable(k): v for k, v in field.flatchoices})
        else:
            return ("value", column.field, None)
    return ("object", None, column)


def write_xlsx(handle, columns, data, sheet_name="Sheet1"):
    """constant_memory flushes each row to disk: memory does not grow with rows."""
    workbook = xlsxwriter.Workbook(handle, {"constant_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet(sheet_name[:31])
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    money = workbook.add_format({"num_format": "#,##0.00"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for position, column in enumerate(columns):
        sheet.write_string(0, position, str(column.heading), bold)
        sheet.set_column(position, position, max(10, min(40, len(str(column.heading)) * 2 + 2)))
    count = 0
    write_string, write_number, write_datetime = sheet.write_string, sheet.write_number, sheet.write_datetime
    for count, values in enumerate(data, 1):
        for position, value in enumerate(values):
            kind = value.__class__  # the common types first, by identity: most of a large export's cells
            if kind is str:
                write_string(count, position, value)
            elif kind is Decimal:
                write_number(count, position, float(value), money)
            elif kind is date:
                write_datetime(count, position, datetime.combine(value, datetime.min.time()), day)
            elif isinstance(value, Decimal):
                sheet.write_number(count, position, float(value), money)
            elif isinstance(value, datetime):
                sheet.write_datetime(count, position, value, moment)
            elif isinstance(value, date):
                sheet.write_datetime(count, position, datetime.combine(value, datetime.min.time()), day)
            elif isinstance(value, (int, float)):
                sheet.write_number(count, position, value)
            else:
                sheet.write_string(count, position, str(value))
    sheet.freeze_panes(1, 0)
    workbook.close()
    return count


class _Echo:
    def write(self, value):
        return value


def csv_response(columns, data, filename):
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # Excel opens UTF-8 CSV correctly only with a BOM
        yield writer.writerow([c.heading for c in columns])
        for values in data:
            yield writer.writerow(values)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}.csv"
    return response


def xlsx_response(columns, data, filename):
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    write_xlsx(handle, columns, data)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _quote(text):
    from urllib.parse import quote

    return quote(text)
