"""The extent of an .xls file's first sheet, read from its records before any grid is built.

calamine builds a dense grid from the cells of an .xls: a 5.6 KB file with one cell at row
65,536, column 256 made it allocate about 1 GB (bench/RESULTS.md, issue 18). This reader walks the
compound file (the OLE2 container) to the workbook stream and the first sheet's cell records, and
returns the last row and column a cell reaches — from the cells themselves, not from the sheet's
DIMENSIONS record, which a file may understate. Every loop is bounded by the file's size."""

import struct

from django.utils.translation import gettext as _

END = 0xFFFFFFFE
FREE = 0xFFFFFFFF
# BIFF records that place one cell (row, column first) and those that span columns (MULRK, MULBLANK)
CELLS = {0x0006, 0x00D6, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x0406}
SPANS = {0x00BD, 0x00BE}
BOUNDSHEET, BOF, EOF, DIMENSIONS = 0x0085, 0x0809, 0x000A, 0x0200


class BrokenXls(ValueError):
    pass


def _chain(start, table, limit):
    sectors, seen = [], set()
    while start not in (END, FREE):
        if start in seen or start >= len(table) or len(sectors) > limit:
            raise BrokenXls(_("The .xls file's sector chain is broken."))
        seen.add(start)
        sectors.append(start)
        start = table[start]
    return sectors


def workbook_stream(data: bytes) -> bytes:
    """The `Workbook` (BIFF8) or `Book` (BIFF5) stream of a compound file."""
    if len(data) < 512 or data[:8] != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise BrokenXls(_("This is not an .xls file."))
    size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    mini_size = 1 << struct.unpack_from("<H", data, 0x20)[0]
    first_dir = struct.unpack_from("<I", data, 0x30)[0]
    cutoff, first_minifat = struct.unpack_from("<II", data, 0x38)
    first_difat, difat_count = struct.unpack_from("<II", data, 0x44)
    limit = len(data) // size + 1

    def sector(n):
        offset = (n + 1) * size
        if offset + size > len(data) + size:  # a short last sector is read as it is
            raise BrokenXls(_("The .xls file's sector chain is broken."))
        return data[offset : offset + size]

    fat_sectors = [n for n in struct.unpack_from("<109I", data, 0x4C) if n not in (END, FREE)]
    next_difat = first_difat
    for _i in range(min(difat_count, limit)):
        if next_difat in (END, FREE):
            break
        entries = struct.unpack(f"<{size // 4}I", sector(next_difat).ljust(size, b"\xff"))
        fat_sectors += [n for n in entries[:-1] if n not in (END, FREE)]
        next_difat = entries[-1]
    if len(fat_sectors) > limit:
        raise BrokenXls(_("The .xls file's sector chain is broken."))
    fat = []
    for n in fat_sectors:
        fat += struct.unpack(f"<{size // 4}I", sector(n).ljust(size, b"\xff"))

    def read(start, length=None):
        body = b"".join(sector(n) for n in _chain(start, fat, limit))
        return body if length is None else body[:length]

    directory = read(first_dir)
    entries = []
    for offset in range(0, len(directory) - 127, 128):
        name_length = struct.unpack_from("<H", directory, offset + 0x40)[0]
        name = directory[offset : offset + max(0, min(64, name_length) - 2)].decode("utf-16-le", "replace")
        kind = directory[offset + 0x42]
        start, length = struct.unpack_from("<II", directory, offset + 0x74)
        entries.append((name, kind, start, length))
    if not entries:
        raise BrokenXls(_("This .xls file has no workbook."))
    found = next((e for e in entries if e[1] == 2 and e[0] in ("Workbook", "Book")), None)
    if found is None:
        raise BrokenXls(_("This .xls file has no workbook."))
    _name, _kind, start, length = found
    if length > len(data):
        raise BrokenXls(_("The .xls file's sector chain is broken."))
    if length >= cutoff:
        return read(start, length)
    # a small stream lives in the mini stream, in 64-byte sectors chained by the mini FAT
    root = entries[0]
    mini_stream = read(root[2], root[3])
    minifat = []
    if first_minifat not in (END, FREE):
        body = read(first_minifat)
        minifat = list(struct.unpack(f"<{len(body) // 4}I", body[: len(body) // 4 * 4]))
    chunks = [mini_stream[n * mini_size : (n + 1) * mini_size] for n in _chain(start, minifat, len(data) // mini_size)]
    return b"".join(chunks)[:length]


def first_sheet_extent(path) -> tuple[int, int]:
    """(rows, columns) that the first sheet's cells reach (the last row and column, counted from 1)."""
    with open(path, "rb") as handle:
        stream = workbook_stream(handle.read())

    def records(offset):
        while offset + 4 <= len(stream):
            kind, length = struct.unpack_from("<HH", stream, offset)
            yield kind, stream[offset + 4 : offset + 4 + length]
            offset += 4 + length

    sheet = next((struct.unpack_from("<I", body)[0] for kind, body in records(0) if kind == BOUNDSHEET), None)
    if sheet is None or sheet >= len(stream):
        return 0, 0
    rows = columns = 0
    for kind, body in records(sheet):
        if kind == EOF:
            break
        if kind in CELLS and len(body) >= 4:
            row, column = struct.unpack_from("<HH", body)
            rows, columns = max(rows, row + 1), max(columns, column + 1)
        elif kind in SPANS and len(body) >= 6:
            row = struct.unpack_from("<H", body)[0]
            last = struct.unpack_from("<H", body, len(body) - 2)[0]
            rows, columns = max(rows, row + 1), max(columns, last + 1)
    return rows, columns
