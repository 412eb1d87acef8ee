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


def rows(queryset, columns, chunk_size=2000):
    for obj in queryset.iterator(chunk_size=chunk_size):
        yield [cell(obj, c) for c in columns]


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
    for count, values in enumerate(data, 1):
        for position, value in enumerate(values):
            if isinstance(value, Decimal):
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
