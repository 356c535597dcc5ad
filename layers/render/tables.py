"""Tables as files: CSV that Excel reads right, and XLSX; text a spreadsheet would run as a formula is neutralised."""

from __future__ import annotations

import io

import pandas as pd

from layers.store.sqlite import plain_row

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) get a leading apostrophe."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = [f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_START) else v for v in out[col]]
    return out


def to_csv(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, so Excel on Chinese Windows reads the names right; formulas neutralised.

    CRLF line ends (RFC 4180, Excel's own) also make the writer quote any cell holding a CR: unquoted, a CR would
    start a new row, and a formula after it would be a cell start again.
    """
    return neutralise(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx(df: pd.DataFrame, sheet: str = "data") -> bytes:
    """An .xlsx workbook of the table; formula-looking text neutralised and written as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook starts with one worksheet
    ws.title = sheet[:31]
    safe = neutralise(df)
    ws.append([str(c) for c in safe.columns])
    for row in safe.itertuples(index=False):
        ws.append(list(plain_row(row)))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
