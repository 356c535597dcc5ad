"""The ranking beside every map: value, change and rank change against a base year, per 10k people, share."""

from __future__ import annotations

import numpy as np
import pandas as pd

from layers.core.catalogue import Indicator

POPULATION = "population"
POPULATION_YEAR = 2020
PROVINCE = "620000"


def population(observations: pd.DataFrame) -> pd.Series:
    """Census 2020 resident population by adcode: the denominator of every per-10k figure."""
    pop = observations[(observations.indicator == POPULATION) & (observations.year == POPULATION_YEAR)]
    return pop.set_index("adcode")["value"]


def province_total(observations: pd.DataFrame, indicator: str, year: int) -> float | None:
    """The province's own figure for an indicator-year, when one is recorded."""
    hit = observations[(observations.adcode == PROVINCE) & (observations.indicator == indicator)
                       & (observations.year == year)]
    return float(hit["value"].iloc[0]) if len(hit) else None


def ranking(now: pd.DataFrame, base: pd.DataFrame | None, indicator: Indicator, pop: pd.Series,
            province: float | None) -> pd.DataFrame:
    """One row per unit: value, rank, base value, change (absolute and %), rank change, per 10k, share.

    Per 10k and share of province are only for additive indicators (counts, amounts): a rate per person
    or a share of a sum of rates means nothing. The share uses the province's own figure when recorded,
    else the sum over the units shown (complete coverage only).
    rank_change > 0 means the unit moved up.
    """
    out = pd.DataFrame(now[["adcode", "name_zh", "name_en", "value", "rank", "source", "illustrative"]]).copy()
    if base is not None:
        b = base.set_index("adcode")
        out["base_value"] = out["adcode"].map(b["value"])
        out["base_rank"] = out["adcode"].map(b["rank"])
    else:
        out["base_value"] = np.nan
        out["base_rank"] = np.nan
    out["change"] = out["value"] - out["base_value"]
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = out["change"] / out["base_value"].abs() * 100
    out["change_pct"] = pct.where(out["base_value"] != 0)
    out["rank_change"] = out["base_rank"] - out["rank"]
    per_person = indicator.additive and indicator.id != POPULATION
    people = out["adcode"].map(pop).astype(float)
    out["per_10k"] = out["value"] / people * 10_000 if per_person else np.nan
    total = province if province is not None else (out["value"].sum() if out["value"].notna().all() else None)
    out["share"] = out["value"] / total * 100 if indicator.additive and total else np.nan
    return out.sort_values(["rank", "adcode"], na_position="last").reset_index(drop=True)
