"""The files an import gives back: a blank template of a ledger's headings with an example row,
and the error workbook, the uploaded sheet with each bad cell highlighted and a reason column,
to fix in Excel and upload again (the reason column is not read back: see layout.REASON_HEADING)."""

from datetime import date, datetime, time

import xlsxwriter

from .exports import neutralise
from .layout import REASON_HEADING, column_letter


def write_template(handle, importer):
    """The importer's headings (the first of each column's), an example row, and a sheet that
    says what each column takes."""
    workbook = xlsxwriter.Workbook(handle, {"strings_to_formulas": False})
    sheet = workbook.add_worksheet("台账")
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True})
    example = workbook.add_format({"italic": True, "font_color": "#666666"})
    for position, column in enumerate(importer.columns):
        sheet.write_string(0, position, column.heading, bold)
        sheet.write_string(1, position, str(importer.example.get(column.field, "")), example)
        sheet.set_column(position, position, max(12, min(40, len(column.heading) * 2 + 2)))
    sheet.freeze_panes(1, 0)
    notes = workbook.add_worksheet("说明")
    notes.write_row(0, 0, ["表头", "也可写作"], bold)
    for number, column in enumerate(importer.columns, 1):
        notes.write_row(number, 0, [column.heading, "、".join(column.headings[1:])])
    notes.set_column(0, 1, 40)
    workbook.close()


def write_errors(handle, rows, header, errors, *, only_bad=False):
    """The uploaded rows as they were, each bad cell filled red with its reason as a comment, and
    a last column with every reason of its row. `errors` are [row, letter, message]; `header`
    is the header row's number; `only_bad` keeps the title rows, the header and the bad rows."""
    by_row = {}
    for row, letter, message in errors:
        by_row.setdefault(int(row or 0), []).append((letter, message))
    workbook = xlsxwriter.Workbook(handle, {"strings_to_formulas": False, "strings_to_numbers": False})
    sheet = workbook.add_worksheet("台账")
    bad = workbook.add_format({"bg_color": "#F8D7DA", "border": 1, "border_color": "#DC3545"})
    reason = workbook.add_format({"font_color": "#B02A37", "text_wrap": True})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    width = max((len(r) for r in rows[:header]), default=0)
    width = max(width, *(len(r) for r in rows)) if rows else 0
    out = 0
    for number, cells in enumerate(rows, 1):
        if only_bad and number > header and number not in by_row:
            continue
        marked = {letter for letter, _message in by_row.get(number, ()) if letter}
        for position, value in enumerate(cells):
            style = bad if column_letter(position) in marked else None
            _write(sheet, out, position, value, style, day)
        for position in range(len(cells), width):
            if column_letter(position) in marked:
                sheet.write_blank(out, position, None, bad)
        for letter, message in by_row.get(number, ()):
            if letter:
                sheet.write_comment(out, _position(letter), message, {"x_scale": 2, "y_scale": 1.5})
        if number == header:
            sheet.write_string(out, width, REASON_HEADING, reason)
        elif number in by_row:
            said = "；".join(f"{letter}：{message}" if letter else message for letter, message in by_row[number])
            sheet.write_string(out, width, said, reason)
        out += 1
    sheet.set_column(width, width, 60)
    workbook.close()


def _position(letter):
    number = 0
    for character in letter:
        number = number * 26 + ord(character) - 64
    return number - 1


def _write(sheet, row, column, value, style, day):
    if value is None or value == "":
        sheet.write_blank(row, column, None, style)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value, style)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, column, value, style)
    elif isinstance(value, datetime):
        sheet.write_datetime(row, column, value, style or day)
    elif isinstance(value, date):
        sheet.write_datetime(row, column, datetime.combine(value, time()), style or day)
    else:
        sheet.write_string(row, column, str(neutralise(value)) if not isinstance(value, str) else value, style)
