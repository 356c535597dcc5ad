"""Find the header row and what each column holds: long form, one column per year, or one per indicator.

A yearbook's two-level header is read as one: 专利申请量 spanning 合计 / 其中：发明 gives a column of patent
applications and one of invention patent applications (the catalogue's `part_of` says which part is which).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from layers.core.catalogue import Catalogue, Indicator
from layers.importing.table import Cell
from layers.importing.values import header_year, parse_number

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
    "ignore": {"序号", "编号", "no", "no.", "#", "排名", "排序", "位次", "名次", "rank", "id"},
}
_BRACKET = re.compile(r"[(（\[【]([^)）\]】]*)[)）\]】]")
IDENTIFYING = ("region", "prefecture", "adcode")
VALUED = ("by_indicator", "by_year", "unknown")  # a top header over sub-columns: what it says they hold
SUBTOTAL = {"合计", "小计", "总计", "计", "总量", "总数", "合计数", "绝对数", "绝对值", "数量", "数值", "本年", "total",
            "subtotal", "sum"}  # under a top header: the top's own quantity
# Beside or under a quantity, a measure of it (比上年增长% / 占全省比重%): its growth or share indicator.
MEASURES = {"growth": {"比上年增长", "比上年增长率", "比上年增减", "比上年±", "增长", "增长率", "同比增长", "同比",
                       "增速", "增幅", "±", "growth", "yoy"},
            "share": {"占全省比重", "占全省的比重", "占全省比例", "占全省", "比重", "占比", "份额", "share"}}
_PART = re.compile(r"^(?:其中|内:|#+)[:]?")  # 其中：发明 / 其中:发明 / 其中发明专利 / #发明, after NFKC
_BILINGUAL = re.compile(r"^(.*[\u3400-\u9fff][^A-Za-z]*?)\s+[A-Za-z][A-Za-z0-9\s.,&'()/%:-]*$", re.S)
_UNIT_LINE = re.compile(r"(?:计量)?单位[:]\s*([^()\s]+)")


def header_key(cell: Cell) -> tuple[str, str]:
    """(normalised header, unit in brackets): '专利申请量（件）' -> ('专利申请量', '件'); a bilingual yearbook header
    is read by its Chinese: '地 区 Region' -> '地区', '合计 Total' -> '合计' ('PCT申请量' stays whole)."""
    s = unicodedata.normalize("NFKC", "" if cell is None else str(cell)).strip()
    s = _BILINGUAL.sub(r"\1", s)
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
    #           measure (a growth or share the app computes itself, passed over), unknown
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
    header_rows: int = 1  # 2 for a two-level header (专利申请量 over 合计 / 其中：发明)
    units: tuple[str, ...] = ()  # the table's unit line above the header (单位：件), split on 、and commas
    unit_row: int | None = None  # 0-based row of that line

    def of(self, role: str) -> list[Column]:
        """Columns with a role, left to right."""
        return [c for c in self.columns if c.role == role]

    @property
    def data_row(self) -> int:
        """0-based index of the first row below the header; as a 1-based row it is the header's last line."""
        return self.header_row + self.header_rows


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

    Title lines above the header (2021年各县区专利统计表) are passed over, a unit line among them (单位：件) is
    kept; row numbers stay the file's. A row of sub-headers below the header makes it a two-level header.
    """
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if not any(c not in (None, "") for c in row):
            continue
        cols = [classify_column(i, c, indicators) for i, c in enumerate(row)]
        roles = {c.role for c in cols}
        if not roles & set(IDENTIFYING):
            if not (cols[0].role in ("blank", "unknown") and roles & {"by_year", "by_indicator"} and len(row) > 1):
                continue
            cols[0].role = "region"
        cols = resolve_parts(cols, [header_key(c)[0] for c in row], indicators)
        layout = Layout(r, cols)
        if r + 1 < len(rows) and is_sub_header(rows[r + 1], cols, indicators):
            layout = Layout(r, sub_columns(rows[r + 1], cols, indicators), header_rows=2)
        layout.unit_row, layout.units = table_unit(rows[:r])
        return _decide(layout)
    return None


def table_unit(rows: list[list[Cell]]) -> tuple[int | None, tuple[str, ...]]:
    """The unit line nearest above a header (单位：件 / 表3（单位：件、%）): its row and the units it names."""
    for r in range(len(rows) - 1, -1, -1):
        for cell in rows[r]:
            m = _UNIT_LINE.search(unicodedata.normalize("NFKC", cell)) if isinstance(cell, str) else None
            if m:
                return r, tuple(u for u in re.split(r"[、,;]", m.group(1)) if u)
    return None, ()


def part_stem(key: str) -> str | None:
    """What a header marked as a part names: '其中:发明' -> '发明', '#发明' -> '发明'; None if unmarked."""
    m = _PART.match(key)
    return (key[m.end():] or None) if m else None


def find_part(whole: Indicator, stem: str, indicators: dict[str, Indicator]) -> Indicator | None:
    """The part of `whole` a sub-header names: 发明 or 发明专利 under 专利申请量 -> 发明专利申请量."""
    names = [header_key(n)[0] for n in (whole.name_zh, *whole.aliases)]
    tries = [stem, *(stem + n for n in names)]
    if stem.endswith("专利"):
        tries += [stem + n.removeprefix("专利") for n in names]
    for key in tries:
        ind = indicators.get(key)
        if ind is not None and ind.part_of == whole.id:
            return ind
    return None


def measure_kind(key: str) -> str | None:
    """'growth' for 比上年增长% / 增速, 'share' for 占全省比重%, else None."""
    return next((k for k, words in MEASURES.items() if key in words or key.strip("%±") in words), None)


def measure_of(ind: Indicator, key: str, indicators: dict[str, Indicator], i: int, header: str,
               year: int | None, unit: str) -> Column | None:
    """A growth or share column of `ind`: its catalogue measure when a file may carry it (a published growth rate
    wins over the computed one), else a `measure` column that is passed over (shares are computed here)."""
    kind = measure_kind(key)
    if kind is None:
        return None
    found = next((m for m in indicators.values() if m.derive == kind and m.base == ind.id), None)
    if found is not None and found.upload:
        return Column(i, header, "by_indicator", year=year, indicator=found, unit=unit)
    return Column(i, header, "measure", year=year, indicator=found, unit=unit)


def resolve_parts(cols: list[Column], keys: list[str], indicators: dict[str, Indicator],
                  groups: list[int] | None = None) -> list[Column]:
    """A column headed 其中：发明 after its whole (专利申请量 | 其中：发明 | 其中：实用新型) is that whole's part, one
    headed 比上年增长% its growth; under a two-level header they must sit under the same top cell (`groups`)."""
    group = groups or [0] * len(cols)
    out: list[Column] = []
    for i, col in enumerate(cols):
        near = [c for j, c in enumerate(out) if group[j] == group[i] and c.role == "by_indicator" and c.indicator
                and c.indicator.derive is None]  # quantities, not a growth column loaded beside them
        if col.role == "unknown" and near:
            col = _beside(col, keys[i] if i < len(keys) else "", near, indicators) or col
        out.append(col)
    return out


def _beside(col: Column, key: str, near: list[Column], indicators: dict[str, Indicator]) -> Column | None:
    """An unknown column after quantities: a part of the last whole (其中：发明), or a measure of the last one."""
    stem = part_stem(key)
    if stem is not None:
        whole = next((c for c in reversed(near) if c.indicator and not c.indicator.part_of), None)
        part = find_part(whole.indicator, stem, indicators) if whole and whole.indicator else None
        if whole is None or part is None:
            return None
        return replace(col, role="by_indicator", indicator=part, year=whole.year, unit=col.unit or whole.unit)
    last = near[-1]
    return measure_of(last.indicator, key, indicators, col.index, col.header, last.year, col.unit) \
        if last.indicator else None


def is_sub_header(below: list[Cell], cols: list[Column], indicators: dict[str, Indicator]) -> bool:
    """The row under a header is its second line: blank (or role words such as 地区) under the region, indicator
    and other named columns, no figures, and at least one sub-header: 合计, 其中：发明, #发明, a year, an indicator."""
    role_words = set().union(*ROLES.values())
    found = False
    for i, cell in enumerate(below):
        key = header_key(cell)[0]
        if not key or (key in role_words and key not in SUBTOTAL):
            continue
        under_role = i < len(cols) and cols[i].role not in (*VALUED, "blank")  # 地区, 指标, 年份 ... : data
        if under_role or (header_year(cell) is None and _is_figure(cell)):
            return False
        found = found or key in SUBTOTAL or part_stem(key) is not None or header_year(cell) is not None \
            or key in indicators or measure_kind(key) is not None
    return found


def _is_figure(cell: Cell) -> bool:
    return isinstance(cell, int | float) or parse_number(cell).value is not None


def sub_columns(below: list[Cell], cols: list[Column], indicators: dict[str, Indicator]) -> list[Column]:
    """Columns of a two-level header. A top cell spans the blank ones to its right (as a merged cell reads);
    under it 合计 or a blank is the top's own column, 其中：发明 its part, a year its year."""
    out: list[Column] = []
    groups: list[int] = []
    spanning: Column | None = None
    for i in range(max(len(cols), len(below))):
        base = cols[i] if i < len(cols) else Column(i, "", "blank")
        sub = below[i] if i < len(below) else None
        if base.role != "blank":
            spanning = base if base.role in VALUED else None
            top: Column | None = base
        else:
            top = spanning if header_key(sub)[0] else None
        out.append(_combine(i, top, sub, indicators))
        groups.append(top.index if top is not None and top.role in ("by_year", "by_indicator") else -1 - i)
    return resolve_parts(out, [header_key(c)[0] for c in below], indicators, groups)


def _combine(i: int, top: Column | None, sub: Cell, indicators: dict[str, Indicator]) -> Column:
    """One column from its top header and the sub-header under it; what cannot be told apart is unknown."""
    key, unit = header_key(sub)
    text = "" if sub is None else str(sub).strip()
    if top is None or (top.role not in VALUED and not top.header):
        return classify_column(i, sub, indicators)
    if top.role not in VALUED:  # 地区 spanning both lines, or written again below
        return replace(top, index=i)
    header = f"{top.header} / {text}" if text else top.header
    unit = unit or top.unit
    if not key or key in SUBTOTAL:
        return replace(top, index=i, header=header, unit=unit)
    year = header_year(sub)
    if top.role == "by_indicator" and top.indicator is not None:
        if year is not None and top.year is None:
            return Column(i, header, "by_indicator", year=year, indicator=top.indicator, unit=unit)
        part = find_part(top.indicator, part_stem(key) or key, indicators)
        if part is not None:
            return Column(i, header, "by_indicator", year=top.year, indicator=part, unit=unit)
    if top.role == "by_year" and key in indicators:
        return Column(i, header, "by_indicator", year=top.year, indicator=indicators[key], unit=unit)
    return Column(i, header, "unknown", unit=unit)


def _decide(layout: Layout) -> Layout:
    """long, by_year or by_indicator; a header that mixes them is a problem."""
    by_year, by_ind, value = layout.of("by_year"), layout.of("by_indicator"), layout.of("value")
    if sum(bool(x) for x in (by_year, by_ind, value)) > 1:
        layout.problems.append(("mixed_layout", {}))
    layout.form = "by_year" if by_year else "by_indicator" if by_ind else "long" if value else ""
    if not layout.form:
        layout.problems.append(("no_values", {}))
    return layout
