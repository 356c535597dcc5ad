"""Find the header row and what each column holds: long form, one column per year, or one per indicator."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from layers.core.catalogue import Catalogue, Indicator
from layers.importing.table import Cell
from layers.importing.values import header_year

HEADER_SCAN_ROWS = 20
ROLES: dict[str, set[str]] = {
    "prefecture": {"市州", "市(州)", "地市", "市州名称", "所属市州", "地区(市州)", "prefecture", "city"},
    "region": {"地区", "区域", "地区名称", "行政区", "行政区划", "行政区划名称", "区划", "区划名称", "名称", "县区",
               "县(区)", "县(市、区)", "县市区", "县区名称", "填报单位", "region", "area", "name", "regionname",
               "county", "district", "地方"},
    "adcode": {"adcode", "代码", "行政区划代码", "区划代码", "地区代码", "code", "编码", "统计用区划代码"},
    "indicator": {"指标", "指标名称", "指标代码", "项目", "indicator", "indicatorid", "item"},
    "year": {"年份", "年度", "年", "year", "时间"},
    "value": {"数值", "值", "数量", "数据", "value", "amount", "count", "数"},
    "unit": {"单位", "计量单位", "unit"},
    "source": {"来源", "数据来源", "source"},
    "note": {"备注", "说明", "注", "note", "notes", "remark"},
    "ignore": {"序号", "编号", "no", "no.", "#", "排名", "排序", "rank", "id"},
}
_BRACKET = re.compile(r"[(（\[【]([^)）\]】]*)[)）\]】]")


def header_key(cell: Cell) -> tuple[str, str]:
    """(normalised header, unit in brackets): '专利申请量（件）' -> ('专利申请量', '件')."""
    s = unicodedata.normalize("NFKC", "" if cell is None else str(cell)).strip()
    units = _BRACKET.findall(s)
    bare = _BRACKET.sub("", s) if units and _BRACKET.sub("", s).strip() else s
    return re.sub(r"\s+", "", bare).lower(), (units[-1].strip() if units else "")


def indicator_index(catalogue: Catalogue) -> dict[str, Indicator]:
    """Every way an indicator may be named in a file: id, Chinese and English names, aliases."""
    index: dict[str, Indicator] = {}
    for ind in catalogue.indicators.values():
        for name in (ind.id, ind.name_zh, ind.name_en, *ind.aliases):
            index[header_key(name)[0]] = ind
    return index


@dataclass
class Column:
    """One column: its position, header as written, and role."""

    index: int
    header: str
    role: str  # region, prefecture, adcode, indicator, year, value, unit, source, note, ignore, by_year, by_indicator,
    #           unknown
    year: int | None = None
    indicator: Indicator | None = None
    unit: str = ""


@dataclass
class Layout:
    """Where the header is and what each column holds."""

    header_row: int  # 0-based index into Table.rows
    columns: list[Column]
    form: str = ""  # long, by_year, by_indicator
    problems: list[tuple[str, dict[str, object]]] = field(default_factory=list)  # (code, fields) for the header

    def of(self, role: str) -> list[Column]:
        """Columns with a role, left to right."""
        return [c for c in self.columns if c.role == role]


def classify_column(i: int, cell: Cell, indicators: dict[str, Indicator]) -> Column:
    """The role of one header cell."""
    key, unit = header_key(cell)
    header = "" if cell is None else str(cell).strip()
    for role, names in ROLES.items():
        if key in names:
            return Column(i, header, role, unit=unit)
    year = header_year(cell)
    if year is not None:
        return Column(i, header, "by_year", year=year)
    if key in indicators:
        return Column(i, header, "by_indicator", indicator=indicators[key], unit=unit)
    return Column(i, header, "unknown" if key else "blank", unit=unit)


def find_layout(rows: list[list[Cell]], indicators: dict[str, Indicator]) -> Layout | None:
    """The first row that names a region column, or whose first cell is blank and others are years or indicators.

    Title lines above the header (2021年各县区专利统计表) are passed over; row numbers stay the file's.
    """
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if not any(c not in (None, "") for c in row):
            continue
        cols = [classify_column(i, c, indicators) for i, c in enumerate(row)]
        roles = {c.role for c in cols}
        if roles & {"region", "prefecture", "adcode"}:
            return _decide(Layout(r, cols))
        if cols[0].role in ("blank", "unknown") and roles & {"by_year", "by_indicator"} and len(row) > 1:
            cols[0].role = "region"
            return _decide(Layout(r, cols))
    return None


def _decide(layout: Layout) -> Layout:
    """long, by_year or by_indicator; a header that mixes them is a problem."""
    by_year, by_ind, value = layout.of("by_year"), layout.of("by_indicator"), layout.of("value")
    if sum(bool(x) for x in (by_year, by_ind, value)) > 1:
        layout.problems.append(("mixed_layout", {}))
    layout.form = "by_year" if by_year else "by_indicator" if by_ind else "long" if value else ""
    if not layout.form:
        layout.problems.append(("no_values", {}))
    return layout
