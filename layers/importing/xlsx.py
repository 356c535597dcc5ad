"""Read the first worksheet with data from an .xlsx, with work bounded by the file's bytes, not by what it declares.

The zip is checked first (unpacked size, inflation ratio), then every part is streamed once to count its XML
elements (all parts, each sheet row, each shared string): openpyxl's time and memory follow those counts. Rows
are then taken from openpyxl's sheet parser as the cells really are: the `dimension` tag (A1:XFD20000 in a 5 KB
file), a cell at column XFD or a row numbered 1,048,576 make no empty cells.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import IO, Any

from layers.core.errors import UnreadableFileError
from layers.importing.limits import (
    MAX_COLUMNS,
    MAX_ELEMENTS,
    MAX_PART_ELEMENTS,
    MAX_PARTS,
    MAX_RATIO,
    MAX_RECORD_ELEMENTS,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    MIN_RATIO_CHECKED,
    LimitError,
)
from layers.importing.table import Cell, Table

CHUNK = 1 << 20
# Where a part's records start (a sheet row, a shared string) and where a sheet's rows end; any namespace prefix.
RECORD = re.compile(rb"<(?:[\w.-]+:)?(?:row|si)(?=[\s/>])|</(?:[\w.-]+:)?sheetData\s*>")


def read_xlsx(data: bytes) -> Table:
    """The first worksheet with data; formulas are never evaluated: Excel's saved result is used if there is one."""
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            check_zip(z)
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (UnreadableFileError, LimitError):
        raise
    except Exception as e:  # zipfile.BadZipFile, KeyError for a zip that is no workbook, XML errors, defusedxml
        raise UnreadableFileError(f"not a readable .xlsx workbook: {type(e).__name__}") from e
    try:
        sheets = wb.worksheets
        if not sheets:
            raise UnreadableFileError("the workbook has no worksheet")
        chosen = sheets[0]
        rows: list[list[Cell]] = []
        formulas: set[tuple[int, int]] = set()
        for ws in sheets:
            rows, formulas = sheet_rows(ws, data_only=False)
            if rows:
                chosen = ws
                break
        missing: set[tuple[int, int]] = set()
        if formulas:
            saved, _ = sheet_rows(chosen, data_only=True)
            for r, c in formulas:
                value = saved[r][c] if r < len(saved) and c < len(saved[r]) else None
                if value is None:
                    missing.add((r, c))
                else:
                    rows[r][c] = value
    except (UnreadableFileError, LimitError):
        raise
    except Exception as e:  # a malformed sheet: bad cell references, XML errors
        raise UnreadableFileError(f"not a readable .xlsx workbook: {type(e).__name__}") from e
    finally:
        wb.close()
    return Table(rows, "xlsx", None, chosen.title if rows else sheets[0].title, missing)


def check_zip(z: zipfile.ZipFile) -> None:
    """Refuse zip bombs and parts too complex to parse, streaming each part once (never held whole)."""
    infos = z.infolist()
    if len(infos) > MAX_PARTS:
        raise UnreadableFileError(f"the workbook has more than {MAX_PARTS:,} parts: not a workbook a spreadsheet saves")
    if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
        raise UnreadableFileError("the workbook unpacks to more than 200 MB: upload a smaller file")
    for i in infos:
        ratio = i.file_size // max(i.compress_size, 1)
        if i.file_size > MIN_RATIO_CHECKED and ratio > MAX_RATIO:
            raise UnreadableFileError(f"the workbook part {i.filename} unpacks {ratio} times (more than "
                                      f"{MAX_RATIO}): a zip bomb, not a workbook saved by a spreadsheet")
    total = 0
    for i in infos:
        with z.open(i) as f:
            total += count_elements(f, i.filename, MAX_ELEMENTS - total)


def _starts(b: bytes) -> int:
    """XML start tags in a stretch of a part (end tags, declarations, comments and CDATA not counted)."""
    return b.count(b"<") - b.count(b"</") - b.count(b"<?") - b.count(b"<!")


def count_elements(f: IO[bytes], name: str, budget: int) -> int:
    """Elements in one part, refused past the budget left for the workbook, or when one sheet row or shared
    string holds more than MAX_RECORD_ELEMENTS, or anything else in the part more than MAX_PART_ELEMENTS; a
    sheet of more than MAX_ROWS rows is refused here too, before openpyxl reads any of it."""
    total, inside, cap, carry, rows = 0, 0, MAX_PART_ELEMENTS, b"", 0
    while True:
        chunk = f.read(CHUNK)
        buf = carry + chunk
        carry = b""
        if chunk:  # keep a tag that may be cut at the end for the next read
            cut = buf.rfind(b"<", max(0, len(buf) - 64))
            if cut != -1:
                buf, carry = buf[:cut], buf[cut:]
        total += _starts(buf)
        if total > budget:
            raise UnreadableFileError(f"the workbook holds more than {MAX_ELEMENTS:,} XML elements (at {name}): "
                                      "too complex to read; save only the table to import")
        pos = 0
        for m in RECORD.finditer(buf):
            inside += _starts(buf[pos:m.start()])
            _check_record(inside, cap, name)
            inside, cap = 0, MAX_PART_ELEMENTS if m.group().startswith(b"</") else MAX_RECORD_ELEMENTS
            pos = m.start()
            rows += m.group().endswith(b"row")
            if rows > MAX_ROWS:
                raise LimitError("too_many_rows", None, limit=f"{MAX_ROWS:,}")
        inside += _starts(buf[pos:])
        _check_record(inside, cap, name)
        if not chunk:
            return total


def _check_record(n: int, cap: int, name: str) -> None:
    if n > cap:
        what = "one row or shared string" if cap == MAX_RECORD_ELEMENTS else "one part"
        raise UnreadableFileError(f"{what} of the workbook ({name}) holds more than {cap:,} XML elements: "
                                  "not a table a spreadsheet saves; save only the table to import")


def sheet_rows(ws: Any, data_only: bool) -> tuple[list[list[Cell]], set[tuple[int, int]]]:
    """The sheet's rows up to its last one with content, each up to its last non-blank cell, from the cells the
    sheet holds; (row, column) of formula cells (0-based). Refused past MAX_ROWS or MAX_COLUMNS."""
    from openpyxl.worksheet._reader import WorkSheetParser  # the parser openpyxl's own read-only sheets use

    wb = ws.parent
    rows: list[list[Cell]] = []
    formulas: set[tuple[int, int]] = set()
    with ws._get_source() as src:
        parser = WorkSheetParser(src, ws._shared_strings, data_only=data_only, epoch=wb.epoch,
                                 date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        for idx, cells in parser.parse():
            values = {c["column"]: v for c in cells if (v := _value(c["value"])) not in (None, "")}
            if not values or idx <= len(rows):  # blank, or a row number seen already: nothing new
                continue
            if idx > MAX_ROWS:
                raise LimitError("too_many_rows", None, limit=f"{MAX_ROWS:,}")
            width = max(values)
            if width > MAX_COLUMNS:
                raise LimitError("too_many_columns", idx, n=f"{width:,}", limit=MAX_COLUMNS)
            rows.extend([] for _ in range(idx - 1 - len(rows)))
            row: list[Cell] = [None] * width
            for col, v in values.items():
                if col >= 1:
                    row[col - 1] = v
                    if isinstance(v, str) and v.startswith("="):
                        formulas.add((idx - 1, col - 1))
            rows.append(row)
    return rows, formulas


def _value(v: object) -> Cell:
    """A cell as the importer reads it: text stripped, numbers kept, dates and times as ISO text."""
    if v is None or isinstance(v, int | float):
        return v
    if isinstance(v, str):
        return v.strip()
    return v.isoformat() if hasattr(v, "isoformat") else str(v)  # dates and times stay visible as text
