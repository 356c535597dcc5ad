"""Hypothesis strategies for planner uploads: CSV and XLSX files of right and wrong headers, regions, values and
arbitrary Unicode, plus plain random bytes. Shared by the HTTP and CLI property tests."""

from __future__ import annotations

import csv
import io

from hypothesis import strategies as st

HEADERS = ["地区", "区域", "市州", "代码", "行政区划代码", "指标", "年份", "数值", "单位", "来源", "备注", "序号",
           "2016", "2023年", "1900", "专利授权量", "专利申请量（件）", "patent_grants", "population", "region", "year",
           "value"]
REGIONS = ["兰州市", "城关区", "七里河区", "临夏", "临夏州", "白银", "甘肃省", "合计", "兰州新区", "Lanzhou",
           "chengguan", "620102", "620103", "620102.0", "999999", "兰州市城关区", "嘉峪关", "天水市 秦州区"]
VALUES = ["1", "1,234", "１２３４", "12.5%", "10多", "-", "", "—", "1e400", "-5", "0.5", "=SUM(A1:A2)", "+1", "@x",
          "2023", "2023年", "nan", "<b>1</b>", "&lt;", "{{ 7*7 }}", "{% raw %}", "来源 {# 表3", "\u202eevil"]
SHEET_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)


def cells() -> st.SearchStrategy[object]:
    """One cell: a known header, region or value, arbitrary text, or a number."""
    return st.one_of(st.sampled_from(HEADERS), st.sampled_from(REGIONS), st.sampled_from(VALUES), SHEET_TEXT,
                     st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True), st.none())


def chaotic_tables() -> st.SearchStrategy[list[list[object]]]:
    """A header of known and unknown names, then rows of any cells."""
    header = st.lists(st.one_of(st.sampled_from(HEADERS), SHEET_TEXT), min_size=1, max_size=8)
    rows = st.lists(st.lists(cells(), max_size=8), max_size=12)
    title = st.lists(st.lists(SHEET_TEXT, max_size=2), max_size=2)
    return st.builds(lambda t, h, r: [*t, h, *r], title, header, rows)


TEXTS = st.one_of(st.sampled_from(["甘肃省知识产权局", "{{ 7*7 }}", "{% raw %}", "来源 {# 表3", "<img src=x>", "=1+1",
                                   "\u202e反向", "R&D", "注：2023"]), SHEET_TEXT)
# What a planner's column holds, right and wrong: names and codes of real units that may disagree, and so on.
COLUMNS: dict[str, st.SearchStrategy[object]] = {
    "地区": st.one_of(st.sampled_from(REGIONS), SHEET_TEXT),
    "代码": st.one_of(st.sampled_from(["620102", "620103", "620100", "620000", "622901", "999999", "62"]),
                    st.sampled_from([620102, 620103, 620102.0]), SHEET_TEXT),
    "指标": st.one_of(st.sampled_from(["专利授权量", "patent_grants", "population", "专利申请量", "nope"]), SHEET_TEXT),
    "年份": st.one_of(st.sampled_from([2023, 2016, "2021年", "1900", 2023.0, "二〇二三"]), SHEET_TEXT),
    "数值": st.one_of(st.sampled_from(VALUES), st.integers(-10, 10**7), st.floats()),
    "单位": st.one_of(st.sampled_from(["件", "人", "%", "万件"]), SHEET_TEXT),
    "来源": TEXTS,
    "备注": TEXTS,
}


@st.composite
def planner_tables(draw: st.DrawFn) -> list[list[object]]:
    """A long-form table: some of the planner's columns in any order, rows of right and wrong values."""
    optional = [c for c in COLUMNS if c not in ("地区", "数值") and draw(st.integers(0, 3)) > 0]
    header = draw(st.permutations(["地区", "数值", *optional]))
    rows = draw(st.lists(st.tuples(*(COLUMNS[h] for h in header)).map(list), min_size=1, max_size=10))
    return [list(header), *rows]


def tables() -> st.SearchStrategy[list[list[object]]]:
    """Mostly tables shaped like a planner's, some chaotic."""
    return st.one_of(planner_tables(), planner_tables(), planner_tables(), chaotic_tables())


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """A table written as CSV with a drawn delimiter and encoding (characters the encoding lacks are replaced)."""
    rows = draw(tables())
    delimiter = draw(st.sampled_from([",", "\t", ";"]))
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter)
    for row in rows:
        writer.writerow(["" if c is None else c for c in row])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"]))
    return buf.getvalue().encode(encoding, errors="replace")


@st.composite
def xlsx_files(draw: st.DrawFn) -> bytes:
    """A table in a workbook, maybe after empty or text-only sheets."""
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    wb = openpyxl.Workbook()
    first = wb.active
    for i in range(draw(st.integers(0, 2))):
        ws = first if i == 0 else wb.create_sheet(f"封面{i}")
        if draw(st.booleans()):
            ws["A1"] = ILLEGAL_CHARACTERS_RE.sub("", draw(SHEET_TEXT))
    ws = wb.create_sheet("数据") if first.max_row > 1 or first["A1"].value is not None else first
    for row in draw(tables()):
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload_files() -> st.SearchStrategy[bytes]:
    """CSV, XLSX, and random bytes (also behind a zip signature)."""
    return st.one_of(csv_files(), xlsx_files(), st.binary(max_size=2000),
                     st.binary(max_size=500).map(lambda b: b"PK\x03\x04" + b))
