"""Derived values, computed rather than typed in: sums to parent regions, then the measures built on them.

`derive(observations, ...)` is pure: the atlas applies it to each store version, so every derived value is
recomputed whenever an input changes. A published figure for the same (region, indicator, year) always wins
over a computed one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from layers.catalogue import Catalogue

PROVINCE = "620000"
OBS_COLUMNS = ["adcode", "indicator", "year", "value", "unit", "period", "qualifier", "note", "source",
               "illustrative", "dataset_id", "derivation"]
MAX_SOURCES_NAMED = 3


def parent_adcode(adcode: str) -> str:
    """Prefecture of a county-level adcode by the national coding rule (620171 -> 620100)."""
    return adcode[:4] + "00"


def aggregate_to_parent(values: pd.DataFrame, parent_of: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Sum an additive indicator from child regions to their parents.

    Only for counts and amounts; rates must be recomputed from their parts. A unit that is its own
    parent (嘉峪关 620200) is summed once.
    """
    mapper = parent_of.get if parent_of is not None else parent_adcode
    df = values.copy()
    df["adcode"] = [mapper(a) or parent_adcode(a) for a in df["adcode"]]
    keys = ["adcode", "indicator", "year", "unit"]
    return df.groupby(keys, as_index=False, sort=True)["value"].sum()  # type: ignore[return-value]  # a frame


@dataclass(frozen=True)
class Hierarchy:
    """Which units add up to which: counties to prefectures, prefectures to the province."""

    children: dict[str, tuple[str, ...]]
    names: dict[str, str]
    rank: dict[str, int]  # 0 county, 1 prefecture, 2 province: the order sums and rates are built in

    @classmethod
    def from_regions(cls, regions: pd.DataFrame) -> Hierarchy:
        """From the boundary attribute table (adcode, name_zh, level, parent)."""
        children: dict[str, list[str]] = {}
        rank: dict[str, int] = {}
        row: Any  # a DataFrame row: pandas types its fields as any scalar
        for row in regions.itertuples(index=False):
            r = {"county": 0, "prefecture": 1, "province": 2}[row.level]
            rank[row.adcode] = min(rank.get(row.adcode, r), r)
            if row.level == "county":
                children.setdefault(row.parent, []).append(row.adcode)
            elif row.level == "prefecture":
                children.setdefault(PROVINCE, []).append(row.adcode)
        names = dict(zip(regions.adcode, regions.name_zh, strict=True))
        return cls({p: tuple(sorted(c)) for p, c in children.items()}, names, rank)

    def level_sets(self) -> dict[str, frozenset[str]]:
        """The units of each level (嘉峪关 620200 is in two: a prefecture that is also a county-level unit)."""
        prefectures = frozenset(self.children.get(PROVINCE, ()))
        counties = frozenset(c for p in prefectures for c in self.children.get(p, ()))
        return {"province": frozenset({PROVINCE}), "prefecture": prefectures, "county": counties}

    def levels_up(self) -> list[list[str]]:
        """Parents in the order they can be summed: prefectures first, then the province."""
        prefs = [p for p in self.children if p != PROVINCE]
        return [sorted(prefs), [PROVINCE]]


def as_observations(df: pd.DataFrame) -> pd.DataFrame:
    """Store rows in the common shape, marked as observed (derivation '')."""
    out = df.copy()
    if "derivation" not in out:
        out["derivation"] = ""
    return out.reindex(columns=OBS_COLUMNS)


COMPUTED = "计算 computed: "


def cite(sources: pd.Series | list[str]) -> str:
    """A short list of the distinct original sources behind the inputs (a computed input cites its own)."""
    return _cite(tuple(sorted({s for s in sources if isinstance(s, str) and s})))


@lru_cache(maxsize=4096)
def _cite(sources: tuple[str, ...]) -> str:
    found: set[str] = set()
    for s in sources:
        if not isinstance(s, str) or not s:
            continue
        found |= set(s.split(" · ", 1)[1].split("；")) if s.startswith(COMPUTED) and " · " in s else {s}
    distinct = sorted(x for x in found if not x.startswith("等 "))
    shown = "；".join(distinct[:MAX_SOURCES_NAMED])
    return shown + (f"；等 {len(distinct)} 个来源" if len(distinct) > MAX_SOURCES_NAMED else "")


def qualifier_of(qualifiers: pd.Series | list[str]) -> str:
    """'>' when some input is a lower bound and none an upper bound (and the reverse); else '='."""
    q = set(qualifiers)
    if ">" in q and "<" not in q:
        return ">"
    if "<" in q and ">" not in q:
        return "<"
    return "="


def sum_to_parents(obs: pd.DataFrame, catalogue: Catalogue, hierarchy: Hierarchy) -> pd.DataFrame:
    """Additive indicators summed up the hierarchy where every child has a value and the parent has none.

    A partial sum would pass for a total, so a parent with any child missing gets no value.
    """
    additive = [i.id for i in catalogue.indicators.values() if i.additive]
    current = obs[obs.indicator.isin(additive)]
    have = set(zip(current.adcode, current.indicator, current.year, strict=True))
    new: list[pd.DataFrame] = []
    for parents in hierarchy.levels_up():
        expected = {p: [c for c in hierarchy.children.get(p, ()) if c != p] for p in parents}
        child_of = {c: p for p, cs in expected.items() for c in cs}
        kids = current[current.adcode.isin(child_of)]
        if kids.empty:
            continue
        agg = kids.assign(parent=kids.adcode.map(child_of)).groupby(
            ["parent", "indicator", "year", "period"], sort=True, as_index=False).agg(
            value=("value", "sum"), n=("adcode", "size"), unit=("unit", "first"),
            illustrative=("illustrative", "any"), n_illustrative=("illustrative", "sum"),
            dataset_id=("dataset_id", "max"),
            qualifier=("qualifier", qualifier_of), source=("source", cite))
        sizes = {p: len(cs) for p, cs in expected.items()}
        complete = agg.n.to_numpy() == agg.parent.map(sizes).to_numpy()
        fresh = [k not in have for k in zip(agg.parent, agg.indicator, agg.year, strict=True)]
        # Real and illustrative figures never share a sum: such a total would pass for a real one.
        unmixed = (agg.n_illustrative.to_numpy() == 0) | (agg.n_illustrative.to_numpy() == agg.n.to_numpy())
        agg = agg[complete & fresh & unmixed]
        if agg.empty:
            continue
        level = {p: "县区" if p != PROVINCE else "市州" for p in parents}
        notes = {p: f"{len(cs)} 个{level[p]}合计：" + "、".join(hierarchy.names.get(c, c) for c in cs)
                 for p, cs in expected.items()}
        rows = agg.rename(columns={"parent": "adcode"}).assign(
            note=agg.parent.map(notes), derivation="sum",
            source=[f"{COMPUTED}sum of {n} units · {src}" for n, src in zip(agg.n, agg.source, strict=True)],
        ).reindex(columns=OBS_COLUMNS)
        have |= set(zip(rows.adcode, rows.indicator, rows.year, strict=True))
        new.append(rows)
        current = pd.concat([current, rows], ignore_index=True)
    return pd.concat(new, ignore_index=True) if new else pd.DataFrame(columns=OBS_COLUMNS)


PUBLISHED, COMPUTED_CLASS, ILLUSTRATIVE, COMPUTED_ILLUSTRATIVE = (
    "published", "computed", "illustrative", "computed_illustrative")


def real_first(obs: pd.DataFrame, hierarchy: Hierarchy) -> pd.DataFrame:
    """Illustrative values leave every (indicator, level) that has a real value in any year.

    The demonstration set exists so that every layer can be shown; once a real figure exists for an indicator at
    a level, a made-up neighbour in the same map, ranking or chart would pass for real (or a real one for made up).
    """
    ill = obs["illustrative"].to_numpy(bool)
    if not ill.any():
        return obs
    real = obs[~ill]
    drop = np.zeros(len(obs), dtype=bool)
    for codes in hierarchy.level_sets().values():
        in_level = obs["adcode"].isin(codes).to_numpy()
        real_here = set(real.indicator[real.adcode.isin(codes)])
        drop |= ill & in_level & obs["indicator"].isin(real_here).to_numpy()
    return obs[~drop] if drop.any() else obs


def provenance(illustrative: pd.Series, derivation: pd.Series) -> pd.Series:
    """Each value's class: published (plan, cited fact, planner upload), computed from published inputs,
    illustrative, or computed with an illustrative input."""
    computed = derivation.fillna("").astype(str).ne("").to_numpy()
    ill = illustrative.astype(bool).to_numpy()
    out = np.where(ill, np.where(computed, COMPUTED_ILLUSTRATIVE, ILLUSTRATIVE),
                   np.where(computed, COMPUTED_CLASS, PUBLISHED))
    return pd.Series(out, index=illustrative.index, dtype=object)


def derive(obs: pd.DataFrame, catalogue: Catalogue, hierarchy: Hierarchy, targets: pd.DataFrame | None = None,
           plan_starts: Mapping[str, int] | None = None, demo: bool = False) -> pd.DataFrame:
    """Observations plus every derived value, each naming its inputs in note and source, and its provenance.

    Order: sums up the hierarchy, then ratios (per 10,000 residents), growth, shares of the province and
    progress against plan targets, each step reading what the steps before it produced. Unless `demo` asks for
    the demonstration set, illustrative values are dropped wherever real ones exist (real_first), before and
    after every step, so nothing real is computed from, ranked with or classified with a made-up number.
    """
    from layers import measures

    out = as_observations(obs)
    text = ["adcode", "indicator", "unit", "period", "qualifier", "note", "source", "derivation"]
    out = out.astype({c: object for c in text})  # plain str objects: row loops below run several times faster
    out[["period", "qualifier", "note", "derivation"]] = out[["period", "qualifier", "note", "derivation"]].fillna("")
    steps = (
        lambda o: sum_to_parents(o, catalogue, hierarchy),
        lambda o: measures.ratios(o, catalogue, hierarchy),
        lambda o: measures.growth(o, catalogue),
        lambda o: measures.shares(o, catalogue),
        lambda o: measures.progress(o, catalogue, targets, plan_starts or {}),
    )
    keep = (lambda o: o) if demo else (lambda o: real_first(o, hierarchy))
    out = keep(out)
    for step in steps:
        added = step(out)
        if len(added):
            out = keep(pd.concat([out, added.reindex(columns=OBS_COLUMNS)], ignore_index=True))
    out = out.reset_index(drop=True)
    out["illustrative"] = out["illustrative"].astype(bool)
    out["provenance"] = provenance(out["illustrative"], out["derivation"])
    out["year"] = out["year"].astype(int)
    out["value"] = out["value"].astype(float)
    return out
