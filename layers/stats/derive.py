"""Derived values, computed rather than typed in: sums to parent regions, then the measures built on them.

`derive(observations, ...)` is pure: stats.snapshot applies it to each data version, so every derived value is
recomputed whenever an input changes. A published figure for the same (region, indicator, year) always wins
over a computed one.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from layers.core.catalogue import Catalogue
from layers.stats import measures
from layers.stats.observations import COMPUTED, OBS_COLUMNS, PROVINCE, Hierarchy, as_observations, cite, qualifier_of


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
            illustrative=("illustrative", "any"), dataset_id=("dataset_id", "max"),
            qualifier=("qualifier", qualifier_of), source=("source", cite))
        sizes = {p: len(cs) for p, cs in expected.items()}
        complete = agg.n.to_numpy() == agg.parent.map(sizes).to_numpy()
        fresh = [k not in have for k in zip(agg.parent, agg.indicator, agg.year, strict=True)]
        agg = agg[complete & fresh]
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


def derive(obs: pd.DataFrame, catalogue: Catalogue, hierarchy: Hierarchy, targets: pd.DataFrame | None = None,
           plan_starts: Mapping[str, int] | None = None) -> pd.DataFrame:
    """Observations plus every derived value, each naming its inputs in note and source.

    Order: sums up the hierarchy, then ratios (per 10,000 residents), growth, shares of the province and
    progress against plan targets, each step reading what the steps before it produced.
    """
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
    for step in steps:
        added = step(out)
        if len(added):
            out = pd.concat([out, added.reindex(columns=OBS_COLUMNS)], ignore_index=True)
    out["illustrative"] = out["illustrative"].astype(bool)
    out["year"] = out["year"].astype(int)
    out["value"] = out["value"].astype(float)
    return out
