"""The derived measures: per 10,000 residents, year-on-year growth, share of province, progress to a target.

Pure functions, observations in, new rows out; `layers.stats.derive.derive` chains them. A measure is computed only
where no published figure exists for the same region, indicator and year.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from layers.core.catalogue import Catalogue, Indicator
from layers.core.fmt import number
from layers.stats.observations import COMPUTED, OBS_COLUMNS, PROVINCE, Hierarchy, cite


def _published(obs: pd.DataFrame, indicator: str) -> set[tuple[str, int]]:
    rows = obs[obs.indicator == indicator]
    return set(zip(rows.adcode, rows.year, strict=True))


def _plain(obs: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """Single-year values of an indicator (period totals and cumulative sums are no base for a rate)."""
    return obs[(obs.indicator == indicator) & (obs.period.fillna("") == "")]


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=OBS_COLUMNS)


def _nearest(years: list[int], year: int) -> int:
    """The denominator year closest to the numerator's; on a tie the earlier (census) year."""
    return min(years, key=lambda y: (abs(y - year), y))


def ratios(obs: pd.DataFrame, catalogue: Catalogue, hierarchy: Hierarchy) -> pd.DataFrame:
    """numerator / denominator * scale for every ratio indicator, never by summing or averaging rates.

    The denominator is the region's own value in the nearest year (the 2020 census for population). Where the
    numerator is itself a sum of children, the denominator is the sum of the same children's denominators, so
    both cover the same ground: 兰州市 summed from its 8 county-level units is divided by their 4,071,246
    residents, not by the city total that includes 兰州新区.
    """
    rows: list[dict[str, object]] = []
    for ind in (i for i in catalogue.indicators.values() if i.derive == "ratio"):
        rows.extend(_ratio_rows(obs, ind, catalogue, hierarchy))
    return _frame(rows)


Matched = dict[tuple[str, int], tuple[float, str, list[str], bool]]


def denominators(num: pd.DataFrame, den: pd.DataFrame, den_unit: str, hierarchy: Hierarchy) -> Matched:
    """The one denominator rule: for each numerator row (adcode, year), the denominator that covers the same
    ground, its note, its sources and whether it is illustrative.

    A unit's own value in the nearest year (the 2020 census for population); where the numerator is a sum of
    children, the sum of the same children's denominators: 兰州市 summed from its 8 county-level units is divided
    by their 4,071,246 residents, not by the city total of 4,359,446 that includes 兰州新区's 288,200. Per-10k
    indicators, ranking columns, exports and zone statistics all divide by what this returns.
    """
    den_at: dict[str, dict[int, tuple[float, str, bool]]] = {}
    r: Any  # a DataFrame row: pandas types its fields as any scalar
    for r in den.itertuples(index=False):
        den_at.setdefault(r.adcode, {})[int(r.year)] = (float(r.value), r.source, bool(r.illustrative))
    matched: Matched = {}
    order = num.assign(_rank=num.adcode.map(lambda a: hierarchy.rank.get(a, 0))).sort_values(["_rank", "adcode"])
    for r in order.itertuples(index=False):
        year = int(r.year)
        if getattr(r, "derivation", "") == "sum":
            kids = [c for c in hierarchy.children.get(r.adcode, ()) if c != r.adcode]
            parts = [matched[(c, year)] for c in kids if (c, year) in matched]
            if not kids or len(parts) < len(kids):
                continue
            d: float = sum(p[0] for p in parts)
            d_note = f"分母为相同 {len(parts)} 个单元的{den_unit}数之和 {number(d)}"
            d_src = [s for p in parts for s in p[2]]
            d_ill = any(p[3] for p in parts)
        else:
            years = den_at.get(r.adcode)
            if not years:
                continue
            dy = _nearest(sorted(years), year)
            d, src, d_ill = years[dy]
            d_note = f"分母 {number(d)} {den_unit}（{dy}年）"
            d_src = [src]
        matched[(r.adcode, year)] = (d, d_note, d_src, d_ill)
    return matched


def _ratio_rows(obs: pd.DataFrame, ind: Indicator, catalogue: Catalogue,
                hierarchy: Hierarchy) -> list[dict[str, object]]:
    assert ind.numerator and ind.denominator
    num = _plain(obs, ind.numerator)
    den = _plain(obs, ind.denominator)
    if num.empty or den.empty:
        return []
    published = _published(obs, ind.id)
    matched = denominators(num, den, catalogue.get(ind.denominator).unit, hierarchy)
    out: list[dict[str, object]] = []
    r: Any  # a DataFrame row: pandas types its fields as any scalar
    for r in num.itertuples(index=False):
        year = int(r.year)
        hit = matched.get((r.adcode, year))
        if hit is None or (r.adcode, year) in published or hit[0] <= 0:
            continue
        d, d_note, d_src, d_ill = hit
        value = float(r.value) / d * ind.scale
        out.append({
            "adcode": r.adcode, "indicator": ind.id, "year": year, "value": value, "unit": ind.unit, "period": "",
            "qualifier": r.qualifier,
            "note": f"{number(r.value)} {r.unit} ÷ {number(d)} × {number(ind.scale)} = {number(value)}；{d_note}",
            "source": f"{COMPUTED}{ind.numerator} ÷ {ind.denominator} × {number(ind.scale)} · "
                      f"{cite([r.source, *d_src])}",
            "illustrative": bool(r.illustrative) or d_ill, "dataset_id": r.dataset_id, "derivation": "ratio",
        })
    return out


def per_10k(obs: pd.DataFrame, indicator: str, year: int, hierarchy: Hierarchy) -> pd.Series:
    """Per 10,000 residents of one indicator-year for every unit that has it, by the one denominator rule
    (the ranking's and the export's column, equal to the per-10k indicator where the catalogue has one)."""
    num = _plain(obs, indicator)
    num = num[num.year == year]
    den = _plain(obs, "population")
    if num.empty or den.empty:
        return pd.Series(dtype=float)
    matched = denominators(num, den, "人", hierarchy)
    values = {a: float(v) / matched[(a, year)][0] * 10_000 for a, v in zip(num.adcode, num.value, strict=True)
              if (a, year) in matched and matched[(a, year)][0] > 0}
    return pd.Series(values, dtype=float)


def growth(obs: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Year-on-year growth in %, (this year / last year - 1) * 100, where both years have a value."""
    rows: list[dict[str, object]] = []
    for ind in (i for i in catalogue.indicators.values() if i.derive == "growth"):
        assert ind.base
        base = _plain(obs, ind.base)
        prev = base.assign(year=base.year + 1)
        pairs = base.merge(prev, on=["adcode", "year"], suffixes=("", "_prev"))
        published = _published(obs, ind.id)
        r: Any  # a DataFrame row: pandas types its fields as any scalar
        for r in pairs.itertuples(index=False):
            if (r.adcode, int(r.year)) in published or not r.value_prev > 0:
                continue
            value = (r.value / r.value_prev - 1) * 100
            rows.append({
                "adcode": r.adcode, "indicator": ind.id, "year": int(r.year), "value": value, "unit": ind.unit,
                "period": f"{int(r.year) - 1}-{int(r.year)}", "qualifier": "=",
                "note": f"({number(r.value)} ÷ {number(r.value_prev)} − 1) × 100；{int(r.year)}年比{int(r.year) - 1}年",
                "source": f"{COMPUTED}year-on-year growth of {ind.base} · {cite([r.source, r.source_prev])}",
                "illustrative": bool(r.illustrative or r.illustrative_prev),
                "dataset_id": max(r.dataset_id, r.dataset_id_prev), "derivation": "growth",
            })
    return _frame(rows)


def shares(obs: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """A region's value as % of the province's value for the same year (published or summed)."""
    rows: list[dict[str, object]] = []
    for ind in (i for i in catalogue.indicators.values() if i.derive == "share"):
        assert ind.base
        base = _plain(obs, ind.base)
        prov = base[base.adcode == PROVINCE][["year", "value", "source", "illustrative", "dataset_id"]]
        pairs = base[base.adcode != PROVINCE].merge(prov, on="year", suffixes=("", "_prov"))
        published = _published(obs, ind.id)
        r: Any  # a DataFrame row: pandas types its fields as any scalar
        for r in pairs.itertuples(index=False):
            if (r.adcode, int(r.year)) in published or not r.value_prov > 0:
                continue
            value = r.value / r.value_prov * 100
            rows.append({
                "adcode": r.adcode, "indicator": ind.id, "year": int(r.year), "value": value, "unit": ind.unit,
                "period": "", "qualifier": "=",
                "note": f"{number(r.value)} ÷ 全省 {number(r.value_prov)} × 100",
                "source": f"{COMPUTED}{ind.base} ÷ province total · {cite([r.source, r.source_prov])}",
                "illustrative": bool(r.illustrative or r.illustrative_prov),
                "dataset_id": max(r.dataset_id, r.dataset_id_prov), "derivation": "share",
            })
    return _frame(rows)


def on_track(baseline_year: int, baseline: float, target_year: int, target: float, year: int) -> float:
    """Where a straight line from the plan's baseline to its target stands in a year (the target after it)."""
    frac = min(1.0, (year - baseline_year) / (target_year - baseline_year))
    return baseline + (target - baseline) * frac


def progress(obs: pd.DataFrame, catalogue: Catalogue, targets: pd.DataFrame | None,
             plan_starts: Mapping[str, int]) -> pd.DataFrame:
    """Value as % of the on-track value for level targets: 100 on track, below behind, above ahead.

    The trajectory runs from the base indicator's value in the year before the plan starts (the plan's own
    baseline, e.g. 1.59 in 2015) to the target (3.5 by 2020); after the target year there is no progress to
    measure against that plan (746% "on track" in 2024 against a 2020 target said nothing).
    """
    if targets is None or targets.empty:
        return _frame([])
    rows: list[dict[str, object]] = []
    for ind in (i for i in catalogue.indicators.values() if i.derive == "progress"):
        assert ind.base
        goals = targets[(targets.indicator == ind.base) & (targets.kind == "level")].sort_values("year")
        base = _plain(obs, ind.base)
        published = _published(obs, ind.id)
        goal_rows: list[Any] = list(goals.itertuples(index=False))  # pandas types row fields as any scalar
        plans = [(g, plan_starts[g.plan_id] - 1) for g in goal_rows if g.plan_id in plan_starts]
        for i, (g, y0) in enumerate(plans):
            start = base[(base.adcode == g.adcode) & (base.year == y0)]
            if start.empty:
                continue
            v0 = float(start.value.iloc[0])
            # A plan's progress ends at its horizon (its target year); the next plan takes over from its baseline.
            upto = min(int(g.year), plans[i + 1][1]) if i + 1 < len(plans) else int(g.year)
            r: Any  # a DataFrame row: pandas types its fields as any scalar
            for r in base[(base.year > y0) & (base.year <= upto)].itertuples(index=False):
                if (r.adcode, int(r.year)) in published:
                    continue
                ref = on_track(y0, v0, int(g.year), float(g.value), int(r.year))
                value = r.value / ref * 100
                rows.append({
                    "adcode": r.adcode, "indicator": ind.id, "year": int(r.year), "value": value, "unit": ind.unit,
                    "period": "", "qualifier": r.qualifier,
                    "note": f"{number(r.value)} ÷ 按规划进度应达 {number(ref)} × 100（{y0}年 {number(v0)} → "
                            f"{int(g.year)}年目标 {number(g.value)}，参照全省目标）",
                    "source": f"{COMPUTED}{ind.base} against the plan target · {cite([r.source, g.source])}",
                    "illustrative": bool(r.illustrative), "dataset_id": r.dataset_id, "derivation": "progress",
                })
    return _frame(rows)
