"""Read an uploaded CSV or XLSX into rows of cells, numbered as the planner sees them (row 1 is the first line)."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

from layers.core.errors import UnreadableFileError

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls (and other Office 97-2003 files)
MAX_UNPACKED_BYTES = 200_000_000  # an .xlsx is a zip: refuse one that unpacks to more than this
# ...or any part of it that inflates more than this many times (a zip bomb; Apache POI's limit too). Real sheet
# and shared-string XML packs 5-20 times; parts under MIN_RATIO_CHECKED bytes are too small to matter.
MAX_RATIO = 100
MIN_RATIO_CHECKED = 1_000_000
MAX_ROWS = 200_000
DELIMITERS = (",", "\t", ";")

Cell = str | int | float | None


@dataclass
class Table:
    """Every row of the file (row i of `rows` is file row i + 1), and how it was read."""

    rows: list[list[Cell]]
    format: str
    encoding: str | None = None
    sheet: str | None = None
    formula_cells: set[tuple[int, int]] = field(default_factory=set)  # formulas with no saved value


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
    """Rows of stripped strings; the delimiter is whichever of , tab ; splits the first lines most evenly."""
    lines = [ln for ln in text.splitlines()[:20] if ln.strip()]
    delimiter = max(DELIMITERS, key=lambda d: (min((ln.count(d) for ln in lines), default=0), d == ","))
    rows: list[list[Cell]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append([c.strip() for c in row])
            if len(rows) > MAX_ROWS:
                raise UnreadableFileError(f"more than {MAX_ROWS:,} rows: split the file")
    except csv.Error as e:
        raise UnreadableFileError(f"not a readable CSV file (line {len(rows) + 1}): {e}") from e
    return rows


def read_xlsx(data: bytes) -> Table:
    """The first worksheet with data; formulas are never evaluated: Excel's saved result is used if there is one."""
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if sum(i.file_size for i in z.infolist()) > MAX_UNPACKED_BYTES:
                raise UnreadableFileError("the workbook unpacks to more than 200 MB: upload a smaller file")
            for i in z.infolist():
                ratio = i.file_size // max(i.compress_size, 1)
                if i.file_size > MIN_RATIO_CHECKED and ratio > MAX_RATIO:
                    raise UnreadableFileError(f"the workbook part {i.filename} unpacks {ratio} times (more than "
                                              f"{MAX_RATIO}): a zip bomb, not a workbook saved by a spreadsheet")
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except UnreadableFileError:
        raise
    except Exception as e:  # zipfile.BadZipFile, KeyError for a zip that is no workbook, openpyxl errors
        raise UnreadableFileError(f"not a readable .xlsx workbook: {type(e).__name__}") from e
    try:
        sheet = next((ws for ws in wb.worksheets if ws.max_row and ws.max_row > 0), wb.worksheets[0])
        rows, formulas = _sheet_rows(sheet)
        name = sheet.title
    finally:
        wb.close()
    missing: set[tuple[int, int]] = set()
    if formulas:
        cached = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            saved, _ = _sheet_rows(cached[name])
        finally:
            cached.close()
        for r, c in formulas:
            value = saved[r][c] if r < len(saved) and c < len(saved[r]) else None
            if value is None:
                missing.add((r, c))
            else:
                rows[r][c] = value
    return Table(rows, "xlsx", None, name, missing)


def _sheet_rows(ws: object) -> tuple[list[list[Cell]], set[tuple[int, int]]]:
    rows: list[list[Cell]] = []
    formulas: set[tuple[int, int]] = set()
    for r, values in enumerate(ws.iter_rows(values_only=True)):  # type: ignore[attr-defined]
        row: list[Cell] = []
        for c, v in enumerate(values):
            if isinstance(v, str):
                v = v.strip()
                if v.startswith("="):
                    formulas.add((r, c))
            elif v is not None and not isinstance(v, int | float):
                v = v.isoformat() if hasattr(v, "isoformat") else str(v)  # dates and times stay visible as text
            row.append(v)
        while row and row[-1] in (None, ""):
            row.pop()
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise UnreadableFileError(f"more than {MAX_ROWS:,} rows: split the file")
    return rows, formulas
