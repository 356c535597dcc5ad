"""Turn a read table into observations plus a row-by-row report: every problem names its row and column."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from layers.core.catalogue import Catalogue, Indicator
from layers.core.fmt import number
from layers.core.i18n import t
from layers.importing.layout import Column, Layout, find_layout, header_key, indicator_index
from layers.importing.regions import Match, RegionMatcher
from layers.importing.report import Issue, Options, Validated
from layers.importing.table import Cell, Table
from layers.importing.totals import check_parents, check_parts, check_totals, is_total
from layers.importing.values import EARLIEST_YEAR, looks_like_formula, parse_number, parse_year, text_problem, visible

NOTE_STARTS = ("注", "说明", "备注", "数据来源", "资料来源", "来源", "填报", "制表", "审核", "单位:", "单位：")
LEVEL_ZH = {"province": "省", "prefecture": "市州", "county": "县区"}
Progress = Callable[[int, int], None]


@dataclass
class _Row:
    row: int
    adcode: str
    indicator: Indicator
    year: int
    value: float
    qualifier: str
    column: str
    source: str
    note: str


@dataclass
class _Context:
    table: Table
    layout: Layout
    catalogue: Catalogue
    matcher: RegionMatcher
    options: Options
    issues: list[Issue] = field(default_factory=list)
    loaded: list[_Row] = field(default_factory=list)
    totals: list[tuple[int, str, list[Cell]]] = field(default_factory=list)
    seen: dict[tuple[str, str, int], int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=lambda: {"blank_cells": 0, "note_rows": 0, "blank_rows": 0})
    latest: int = field(default_factory=lambda: date.today().year)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # each region text as written -> the adcode it matched

    def name(self, ind: Indicator) -> str:
        return ind.name_en if self.options.lang == "en" else ind.name_zh

    def hint(self, m: Match) -> str:
        key, name = m.hint
        return t(key, self.options.lang, name=name) if key else ""

    def add(self, row: int | None, column: str | None, code: str, /, severity: str = "error",
            fix: str | None = None, **fmt: object) -> None:
        """One report line; `fmt` fills the message (it may itself hold a `code`: the adcode of a row)."""
        lang = self.options.lang
        fmt = {k: _short(v) for k, v in fmt.items()}
        suggestion = fix if fix is not None else (t(f"imp_{code}_fix", lang, **fmt) if f"imp_{code}_fix" in _KEYS
                                                  else None)
        self.issues.append(Issue(row, column, code, t(f"imp_{code}", lang, **fmt), suggestion, severity))

    def indicator_of(self, line: int, row: list[Cell], col: Column) -> Indicator | None:
        """The indicator a value cell of this row holds (totals rows are read with the same rules)."""
        return row_indicator(self, line, row, col, "")

    def year_of(self, line: int, row: list[Cell], col: Column) -> int | None:
        """The year a value cell of this row is for."""
        return row_year(self, line, row, col)


def _short(value: object, limit: int = 80) -> object:
    """Cell text quoted in a report, cut short: a 100,000-character cell must not become the report."""
    return value[:limit] + "…" if isinstance(value, str) and len(value) > limit and "," not in value[:limit] else value


def _keys() -> set[str]:
    from layers.core.i18n import MESSAGES

    return set(MESSAGES)


_KEYS = _keys()


def validate(table: Table, catalogue: Catalogue, matcher: RegionMatcher, options: Options,
             progress: Progress | None = None) -> Validated:
    """Read every data row; collect observations and problems. Pure: nothing is written."""
    indicators = indicator_index(catalogue)
    layout = find_layout(table.rows, indicators)
    summary: dict[str, object] = {"format": table.format, "encoding": table.encoding, "sheet": table.sheet,
                                  "lang": options.lang}
    if layout is None:
        ctx = _Context(table, Layout(0, []), catalogue, matcher, options)
        ctx.add(None, None, "no_header")
        return Validated(pd.DataFrame(), ctx.issues, summary)
    ctx = _Context(table, layout, catalogue, matcher, options, indicators=indicators)
    allowed = ", ".join(i.id for i in catalogue.indicators.values() if i.upload)
    for code, fmt in layout.problems:
        ctx.add(layout.data_row, None, code, "error", None, **({"allowed": allowed} | fmt))
    _check_header(ctx, allowed)
    if not any(i.severity == "error" for i in ctx.issues):
        data_rows = range(layout.data_row, len(table.rows))
        for n, r in enumerate(data_rows):
            _read_row(ctx, r, allowed)
            if progress is not None and (n % 500 == 0 or n == len(data_rows) - 1):
                progress(n + 1, len(data_rows))
        check_totals(ctx)
        check_parents(ctx)
        check_parts(ctx)
        if not ctx.loaded and not ctx.issues:
            ctx.add(None, None, "no_rows")
    obs = pd.DataFrame([{"adcode": x.adcode, "indicator": x.indicator.id, "year": x.year, "value": x.value,
                         "unit": x.indicator.unit, "period": "", "qualifier": x.qualifier, "note": x.note,
                         "source": x.source or options.source} for x in ctx.loaded],
                       columns=["adcode", "indicator", "year", "value", "unit", "period", "qualifier", "note",
                                "source"])
    levels: dict[str, int] = {}
    for a in dict.fromkeys(obs.adcode):
        lvl = ctx.matcher.units[a][0].level
        levels[lvl] = levels.get(lvl, 0) + 1
    summary |= {
        "layout": layout.form, "header_row": layout.header_row + 1, "header_rows": layout.header_rows,
        "data_rows": len(table.rows) - layout.data_row,
        "observations": len(obs), "regions": int(obs.adcode.nunique()), "levels": levels,
        "indicators": sorted(set(obs.indicator)), "years": sorted({int(y) for y in obs.year}),
        "errors": sum(i.severity == "error" for i in ctx.issues),
        "warnings": sum(i.severity == "warning" for i in ctx.issues),
        "totals_rows": len(ctx.totals), **ctx.counts,
    }
    return Validated(obs, ctx.issues, summary, ctx.names)


def _check_header(ctx: _Context, allowed: str) -> None:
    lay, opts, row = ctx.layout, ctx.options, ctx.layout.data_row  # the header's last line, 1-based
    for c in (c for c in lay.columns if c.year is not None):
        if not EARLIEST_YEAR <= (c.year or 0) <= ctx.latest:
            ctx.add(row, c.header, "year_out_of_range", fix=t("imp_year_fix", opts.lang), text=c.header,
                    earliest=EARLIEST_YEAR, latest=ctx.latest)
    for c in lay.of("measure"):
        ctx.add(row, c.header, "measure_column", "warning", header=c.header)
    for c in lay.of("unknown"):
        severity = "error" if lay.form == "by_indicator" else "warning"
        code = "unknown_indicator" if severity == "error" else "unknown_column"
        ctx.add(row, c.header, code, severity, allowed=allowed, text=c.header, header=c.header)
    for c in lay.of("by_indicator"):
        _check_indicator(ctx, row, c.header, c.indicator, c.header)
        if c.unit and c.indicator and not _same_unit(c.unit, c.indicator):
            ctx.add(row, c.header, "unit_mismatch", text=c.unit, unit=c.indicator.unit)
    needs_indicator = lay.form in ("long", "by_year") and not lay.of("indicator")
    if needs_indicator and not opts.indicator:
        ctx.add(row, None, "need_indicator", allowed=allowed)
    elif needs_indicator and opts.indicator:
        ind = ctx.catalogue.indicators.get(opts.indicator)
        if ind is None:
            ctx.add(None, "indicator", "unknown_indicator", text=opts.indicator, allowed=allowed)
        else:
            _check_indicator(ctx, None, "indicator", ind, opts.indicator)
    undated = lay.form == "long" or any(c.year is None for c in lay.of("by_indicator"))
    if undated and not lay.of("year") and opts.year is None:
        ctx.add(row, None, "need_year")
    _check_table_unit(ctx)
    if opts.year is not None and not EARLIEST_YEAR <= opts.year <= ctx.latest:
        ctx.add(None, "year", "year_out_of_range", fix=t("imp_year_fix", opts.lang), text=opts.year,
                earliest=EARLIEST_YEAR, latest=ctx.latest)


def _check_table_unit(ctx: _Context) -> None:
    """The unit line above the header (单位：件) must not scale the counts and amounts that state no unit of their
    own: under 单位：万件 or 万元 the figures would load 10,000 times too small or large. Another word for the same
    thing (项 for 件) passes; rates usually keep their own unit."""
    lay = ctx.layout
    if not lay.units or lay.unit_row is None:
        return
    by_option = ctx.catalogue.indicators.get(ctx.options.indicator or "")
    for c in lay.of("by_year") + lay.of("by_indicator") + lay.of("value"):
        ind = c.indicator or (by_option if not lay.of("indicator") else None)
        if ind is None or not ind.additive or c.unit or any(_same_unit(u, ind) for u in lay.units):
            continue
        if any(_unscaled(u) == _unscaled(ind.unit) for u in lay.units):
            ctx.add(lay.unit_row + 1, c.header, "unit_mismatch", text="、".join(lay.units), unit=ind.unit)


def _unscaled(unit: str) -> str:
    """万件 -> 件, 亿元 -> 元: the unit without its multiplier."""
    u = header_key(unit)[0]
    return u.lstrip("十百千万亿") if len(u) > 1 else u


def _check_indicator(ctx: _Context, row: int | None, column: str | None, ind: Indicator | None, text: str) -> bool:
    if ind is not None and not ind.upload:
        inputs = ", ".join(x for x in (ind.base, ind.numerator, ind.denominator) if x)
        ctx.add(row, column, "computed_indicator", text=text, inputs=inputs)
        return False
    return ind is not None


def _same_unit(unit: str, ind: Indicator) -> bool:
    u = header_key(unit)[0]
    return u in (header_key(ind.unit)[0], header_key(ind.unit_en)[0])


def cell_at(row: list[Cell], col: Column | None) -> Cell:
    return row[col.index] if col is not None and col.index < len(row) else None


def _blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _read_row(ctx: _Context, r: int, allowed: str) -> None:
    lay, row, line = ctx.layout, ctx.table.rows[r], r + 1
    if all(_blank(c) for c in row):
        ctx.counts["blank_rows"] += 1
        return
    value_cols = lay.of("by_year") + lay.of("by_indicator") + lay.of("value")
    first = next(str(c).strip() for c in row if not _blank(c))
    # A note, or a row commented out with # (the templates' example row): passed over.
    if (first.startswith(NOTE_STARTS) and all(_blank(cell_at(row, c)) for c in value_cols)) or first.startswith("#"):
        ctx.counts["note_rows"] += 1
        return
    region_cols = lay.of("prefecture") + lay.of("region")
    texts = [(c, str(cell_at(row, c)).strip()) for c in region_cols if not _blank(cell_at(row, c))]
    code_col = next(iter(lay.of("adcode")), None)
    code = cell_at(row, code_col)
    column = texts[-1][0].header if texts else (code_col.header if code_col else None)
    name = "".join(x for _, x in texts)
    if is_total(name):
        ctx.totals.append((line, name, row))
        return
    if any(looks_like_formula(x) for _, x in texts) or (isinstance(code, str) and looks_like_formula(code)):
        ctx.add(line, column, "formula", text=name or code)
        return
    adcode = _region(ctx, line, column, name, code, code_col)
    if adcode is None:
        return
    ctx.names.setdefault(name or str(code).strip(), adcode)
    source = _text(ctx, line, row, next(iter(lay.of("source")), None))
    note = _text(ctx, line, row, next(iter(lay.of("note")), None))
    unit_col = next(iter(lay.of("unit")), None)
    unit = cell_at(row, unit_col)
    for col in value_cols:
        ind = row_indicator(ctx, line, row, col, allowed)
        year = row_year(ctx, line, row, col)
        if ind is None or year is None:
            continue
        if not _blank(unit) and not _same_unit(str(unit), ind):
            ctx.add(line, unit_col.header if unit_col else None, "unit_mismatch", text=unit, unit=ind.unit)
            continue
        _read_value(ctx, line, row, col, adcode, ind, year, source, note)


def _region(ctx: _Context, line: int, column: str | None, name: str, code: Cell, code_col: Column | None) -> str | None:
    level = ctx.options.level
    if not _blank(code):
        m = ctx.matcher.match(str(code), None)
        if m.unit is None:
            ctx.add(line, code_col.header if code_col else column, "unknown_region", fix=ctx.hint(m), text=code)
            return None
        if name:
            by_name = ctx.matcher.match(name, None)
            if m.unit.adcode not in {u.adcode for u in by_name.units}:
                units = by_name.units
                named = "、".join(u.adcode if len(units) == 1 else f"{u.adcode}（{u.name_zh}）" for u in units)
                fix = t("imp_code_name_mismatch_fix", ctx.options.lang, text=_short(name), named=named) if units \
                    else ctx.hint(by_name)
                ctx.add(line, column, "code_name_mismatch", fix=fix, code=m.unit.adcode, coded=m.unit.name_zh,
                        text=name)
                return None
        return m.unit.adcode
    if not name:
        ctx.add(line, column, "unknown_region", fix=t("imp_no_header_fix", ctx.options.lang), text="")
        return None
    by_level = ctx.matcher.match(name, level)
    if by_level.unit is not None:
        return by_level.unit.adcode
    if by_level.wrong_level:
        found = "、".join(sorted({f"{u.name_zh}（{LEVEL_ZH[u.level]}）" for u in by_level.wrong_level}))
        ctx.add(line, column, "wrong_level", text=name, found=found, declared=LEVEL_ZH.get(level or "", level))
    elif by_level.units:
        cands = "、".join(f"{u.name_zh} {u.adcode}" for u in by_level.units)
        ctx.add(line, column, "ambiguous_region", text=name, candidates=cands)
    else:
        ctx.add(line, column, "unknown_region", fix=ctx.hint(by_level), text=name)
    return None


def _text(ctx: _Context, line: int, row: list[Cell], col: Column | None) -> str:
    cell = cell_at(row, col)
    if _blank(cell):
        return ""
    text = str(cell).strip()
    code = text_problem(text)
    if code is not None:
        ctx.add(line, col.header if col else None, code, text=visible(text[:40]))
        return ""
    return text


def row_indicator(ctx: _Context, line: int, row: list[Cell], col: Column, allowed: str) -> Indicator | None:
    if col.indicator is not None:
        return col.indicator if col.indicator.upload else None
    ind_col = next(iter(ctx.layout.of("indicator")), None)
    if ind_col is None:
        return ctx.catalogue.indicators.get(ctx.options.indicator or "")
    cell = cell_at(row, ind_col)
    key = header_key(cell)[0]
    ind = ctx.indicators.get(key) if key else None
    if ind is None:
        if isinstance(cell, str) and looks_like_formula(cell):
            ctx.add(line, ind_col.header, "formula", text=cell)
        else:
            ctx.add(line, ind_col.header, "unknown_indicator", text="" if cell is None else cell, allowed=allowed)
        return None
    return ind if _check_indicator(ctx, line, ind_col.header, ind, str(cell)) else None


def row_year(ctx: _Context, line: int, row: list[Cell], col: Column) -> int | None:
    if col.year is not None:
        return col.year if EARLIEST_YEAR <= col.year <= ctx.latest else None
    year_col = next(iter(ctx.layout.of("year")), None)
    if year_col is None:
        return ctx.options.year
    cell = cell_at(row, year_col)
    year, problem = parse_year(cell, ctx.latest)
    if problem:
        ctx.add(line, year_col.header, problem, fix=t("imp_year_fix", ctx.options.lang),
                text="" if cell is None else cell, earliest=EARLIEST_YEAR, latest=ctx.latest)
    return year


def _read_value(ctx: _Context, line: int, row: list[Cell], col: Column, adcode: str, ind: Indicator, year: int,
                source: str, note: str) -> None:
    cell = cell_at(row, col)
    if (line - 1, col.index) in ctx.table.formula_cells:
        ctx.add(line, col.header, "formula_no_value", fix=t("imp_formula_fix", ctx.options.lang), text=cell)
        return
    p = parse_number(cell, (ind.unit, col.unit))
    if p.missing:
        ctx.counts["blank_cells"] += 1
        if ctx.layout.form == "long":
            ctx.add(line, col.header, "blank_value", "warning")
        return
    if p.problem:
        ctx.add(line, col.header, p.problem, text=p.text)
        return
    assert p.value is not None
    if p.percent and ind.unit != "%":
        ctx.add(line, col.header, "percent_not_allowed", indicator=ctx.name(ind), unit=ind.unit, text=p.text)
        return
    if ind.additive and p.value < 0:
        ctx.add(line, col.header, "negative", indicator=ctx.name(ind), value=p.text or number(p.value))
        return
    if ind.kind == "count" and not float(p.value).is_integer():
        ctx.add(line, col.header, "not_whole", "warning", indicator=ctx.name(ind), value=number(p.value, 4))
    key = (adcode, ind.id, year)
    if key in ctx.seen:
        ctx.add(line, col.header, "duplicate", first=ctx.seen[key], region=ctx.matcher.units[adcode][0].name_zh,
                indicator=ind.id, year=year)
        return
    ctx.seen[key] = line
    ctx.loaded.append(_Row(line, adcode, ind, year, float(p.value), p.qualifier, col.header, source, note))
