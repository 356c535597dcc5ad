"""Derived values, computed rather than typed in: sums to parent regions, then the measures built on them.

`derive(observations, ...)` is pure: stats.snapshot applies it to each data version, so every derived value is
recomputed whenever an input changes. A published figure for the same (region, indicator, year) always wins
over a computed one.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
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
