"""Totals rows (合计, 全省, 兰州市合计) and named parent rows, checked against the rows they cover; never loaded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from layers.core.fmt import number
from layers.importing.regions import normalise
from layers.importing.values import parse_number

if TYPE_CHECKING:
    from layers.importing.validate import _Context

TOTAL_WORDS = {"合计", "总计", "全省", "全省合计", "全省总计", "小计", "总数", "共计", "全市", "全州", "全市合计",
               "全州合计", "total", "sum", "grandtotal", "all"}
TOTAL_SUFFIXES = ("合计", "总计", "小计", "总数", "共计")


def is_total(name: str) -> bool:
    """合计 / 全省 / 兰州市合计 / Total: a totals row."""
    s = normalise(name).lower()
    return s in TOTAL_WORDS or (s.endswith(TOTAL_SUFFIXES) and len(s) > 2)


def _tolerance(values: list[float]) -> float:
    """Half a unit in the last decimal place written, per value summed: rounding, not a disagreement."""
    decimals = max((len(f"{v:.6f}".rstrip("0").split(".")[1]) for v in values), default=0)
    return 0.5 * 10 ** -decimals * max(1, len(values)) if decimals else 0.0


def check_totals(ctx: _Context) -> None:
    """Each totals row against the sum of the rows it covers: the whole file, or one prefecture's counties."""
    if not ctx.totals:
        return
    in_file = {x.adcode for x in ctx.loaded}
    for line, name, row in ctx.totals:
        stem = normalise(name)
        for suffix in sorted(TOTAL_SUFFIXES, key=len, reverse=True):
            stem = stem.removesuffix(suffix)
        scope = ctx.matcher.match(stem, None).unit if stem and stem not in TOTAL_WORDS else None
        for col in ctx.layout.of("by_year") + ctx.layout.of("by_indicator") + ctx.layout.of("value"):
            ind = ctx.indicator_of(line, row, col)
            year = ctx.year_of(line, row, col)
            cell = row[col.index] if col.index < len(row) else None
            p = parse_number(cell, (ind.unit,) if ind else ())
            if ind is None or year is None or p.missing:
                continue
            if p.value is None or not ind.additive:
                why = "值不是数字" if p.value is None else "比率类指标不相加 (rates are not summed)"
                ctx.add(line, col.header, "total_unchecked", "warning", fix="", text=name, why=why)
                continue
            if scope is not None and scope.adcode != "620000":
                parts = [x for x in ctx.loaded if x.adcode in ctx.matcher.children.get(scope.adcode, ())]
            else:
                parts = [x for x in ctx.loaded if not (_ancestors(ctx, x.adcode) & in_file)]
            vals = [x.value for x in parts if x.indicator.id == ind.id and x.year == year]
            if not vals:
                continue
            total, got = float(p.value), sum(vals)
            if abs(total - got) > _tolerance([*vals, total]) + 1e-9:
                ctx.add(line, col.header, "total_mismatch", "warning", total=number(total, 4), sum=number(got, 4),
                        diff=number(total - got, 4))


def _ancestors(ctx: _Context, adcode: str) -> set[str]:
    unit = ctx.matcher.units[adcode][0]
    out = set()
    while unit.parent and unit.parent != unit.adcode and unit.parent in ctx.matcher.units:
        out.add(unit.parent)
        unit = ctx.matcher.units[unit.parent][0]
    return out


def check_parents(ctx: _Context) -> None:
    """A prefecture row beside all its counties: warn if it is not their sum (it may include 兰州新区)."""
    by_key = {(x.adcode, x.indicator.id, x.year): x for x in ctx.loaded}
    for (adcode, ind, year), x in by_key.items():
        kids = ctx.matcher.children.get(adcode, set())
        if not kids or not x.indicator.additive:
            continue
        vals = [by_key[(k, ind, year)].value for k in kids if (k, ind, year) in by_key]
        if len(vals) == len(kids) and abs(sum(vals) - x.value) > _tolerance([*vals, x.value]) + 1e-9:
            ctx.add(x.row, x.column, "parent_mismatch", "warning", region=ctx.matcher.units[adcode][0].name_zh,
                    value=number(x.value, 4), sum=number(sum(vals), 4))


def check_parts(ctx: _Context) -> None:
    """On each row, the parts a file gives against their whole (发明 / 实用新型 / 外观设计 under 专利申请量):
    all of them must add up to it, and no part may exceed it (a shifted column). Warnings: the whole is loaded."""
    by_key = {(x.adcode, x.indicator.id, x.year): x for x in ctx.loaded}
    parts_of: dict[str, list[str]] = {}
    for ind in ctx.catalogue.indicators.values():
        if ind.part_of:
            parts_of.setdefault(ind.part_of, []).append(ind.id)
    for (adcode, ind_id, year), whole in by_key.items():
        parts = [by_key[(adcode, p, year)] for p in parts_of.get(ind_id, ()) if (adcode, p, year) in by_key]
        if not parts:
            continue
        region, name, total = ctx.matcher.units[adcode][0].name_zh, ctx.name(whole.indicator), number(whole.value, 4)
        got = sum(p.value for p in parts)
        over = next((p for p in parts if p.value > whole.value), None)
        if over is not None:
            ctx.add(over.row, over.column, "part_exceeds_whole", "warning", region=region, year=year, whole=name,
                    total=total, part=ctx.name(over.indicator), value=number(over.value, 4))
        elif len(parts) == len(parts_of[ind_id]) and abs(got - whole.value) > _tolerance(
                [*(p.value for p in parts), whole.value]) + 1e-9:
            ctx.add(whole.row, whole.column, "parts_mismatch", "warning", region=region, year=year, whole=name,
                    total=total, parts="、".join(ctx.name(p.indicator) for p in parts), sum=number(got, 4))
