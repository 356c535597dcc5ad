"""Read an uploaded CSV or XLSX into rows of cells, numbered as the planner sees them (row 1 is the first line)."""

from __future__ import annotations

import csv
import io
import re

from layers.core.errors import UnreadableFileError
from layers.importing.limits import MAX_COLUMNS, MAX_FIELDS, MAX_ROWS, LimitError
from layers.importing.table import Cell, Table
from layers.importing.xlsx import read_xlsx

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls (and other Office 97-2003 files)
DELIMITERS = (",", "\t", ";")

def read_table(data: bytes, filename: str = "") -> Table:
    """CSV (UTF-8, UTF-8 BOM, UTF-16 BOM, GBK/GB18030) or XLSX, recognised by content, not by name."""
    if not data.strip():
        raise UnreadableFileError("the file is empty")
    if data.startswith(XLSX_MAGIC):
        return read_xlsx(data)
    if data.startswith(OLE_MAGIC):
        raise UnreadableFileError("this is a legacy Excel 97-2003 file (.xls): save it as .xlsx or CSV, then upload")
    text, encoding = decode(data)
    return Table(parse_csv(text), "csv", encoding)


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding that read it strictly: BOMs first, then UTF-8, then GB18030 (a superset of GBK)."""
    boms = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
    for bom, enc in boms:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as e:
                raise UnreadableFileError(f"the file starts with a {enc} byte-order mark but is not {enc}: {e}") from e
    if b"\x00" in data:
        raise UnreadableFileError("the file holds binary data (NUL bytes): upload CSV text or an .xlsx workbook")
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise UnreadableFileError(f"the file is neither UTF-8 nor GBK/GB18030 text{_guess(data)}: "
                              "save it as CSV UTF-8 (Excel: 另存为 → CSV UTF-8) and upload again")


def _guess(data: bytes) -> str:
    """A hint naming the likely encoding, from charset-normalizer."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    return f" (it looks like {best.encoding})" if best is not None else ""


def parse_csv(text: str) -> list[list[Cell]]:
    """Rows of stripped strings, trailing blank cells dropped; the delimiter is whichever of , tab ; splits the
    first lines most evenly. The file's shape is checked against the caps before any row is built."""
    lines = [ln for ln in text[:65536].splitlines()[:20] if ln.strip()]
    delimiter = max(DELIMITERS, key=lambda d: (min((ln.count(d) for ln in lines), default=0), d == ","))
    check_shape(text, delimiter)
    rows: list[list[Cell]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            width = len(row)
            while width and not row[width - 1].strip():
                width -= 1
            if width > MAX_COLUMNS:
                raise LimitError("too_many_columns", len(rows) + 1, n=f"{width:,}", limit=MAX_COLUMNS)
            rows.append([c.strip() for c in row[:width]])
            if len(rows) > MAX_ROWS:
                raise LimitError("too_many_rows", None, limit=f"{MAX_ROWS:,}")
    except csv.Error as e:
        raise UnreadableFileError(f"not a readable CSV file (line {len(rows) + 1}): {e}") from e
    return rows


def check_shape(text: str, delimiter: str) -> None:
    """Refuse a file with more than MAX_ROWS records, or a record with more fields than a worksheet holds, from
    a skeleton of its delimiters and line ends (quoted fields taken out): C-speed string work, no rows built."""
    d = re.escape(delimiter)
    quoted = re.compile(rf'(?:^|(?<=[{d}\r\n]))"[^"]*(?:""[^"]*)*"')
    skeleton = re.sub(rf"[^{d}\r\n]+", "", quoted.sub("", text)).replace("\r\n", "\n").replace("\r", "\n")
    skeleton = skeleton.rstrip("\n")
    if skeleton.count("\n") + 1 > MAX_ROWS:
        raise LimitError("too_many_rows", None, limit=f"{MAX_ROWS:,}")
    records = skeleton.split("\n")
    widest = max(records, key=len)
    if len(widest) + 1 > MAX_FIELDS:
        raise LimitError("too_many_columns", records.index(widest) + 1, n=f"{len(widest) + 1:,}", limit=MAX_COLUMNS)
