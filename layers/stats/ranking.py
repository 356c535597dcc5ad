"""The ranking beside every map: value, change and rank change against a base year, per 10k people, share."""

from __future__ import annotations

import numpy as np
import pandas as pd

from layers.core.catalogue import Indicator

POPULATION = "population"
PROVINCE = "620000"


def province_total(observations: pd.DataFrame, indicator: str, year: int) -> float | None:
    """The province's own figure for an indicator-year, when one is recorded."""
    hit = observations[(observations.adcode == PROVINCE) & (observations.indicator == indicator)
                       & (observations.year == year)]
    return float(hit["value"].iloc[0]) if len(hit) else None


def ranking(now: pd.DataFrame, base: pd.DataFrame | None, indicator: Indicator, per_10k: pd.Series,
            province: float | None) -> pd.DataFrame:
    """One row per unit: value, rank, base value, change (absolute and %), rank change, per 10k, share.

    per_10k comes from measures.per_10k, the denominator rule of the per-10k indicators (兰州 summed from its
    counties is divided by the same counties' residents). Real and illustrative values never share a change:
    with the demonstration on, a change between a real and a made-up year is left out.
    Per 10k and share of province are only for additive indicators (counts, amounts): a rate per person
    or a share of a sum of rates means nothing. The share uses the province's own figure when recorded,
    else the sum over the units shown (complete coverage only).
    rank_change > 0 means the unit moved up.
    """
    out = pd.DataFrame(now[["adcode", "name_zh", "name_en", "value", "rank", "source", "illustrative",
                            "provenance"]]).copy()
    if base is not None:
        b = base.set_index("adcode")
        same_class = out["adcode"].map(b["illustrative"]).eq(out["illustrative"])
        out["base_value"] = out["adcode"].map(b["value"]).where(same_class)
        out["base_rank"] = out["adcode"].map(b["rank"]).where(same_class)
    else:
        out["base_value"] = np.nan
        out["base_rank"] = np.nan
    out["change"] = out["value"] - out["base_value"]
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = out["change"] / out["base_value"].abs() * 100
    out["change_pct"] = pct.where(out["base_value"] != 0)
    out["rank_change"] = out["base_rank"] - out["rank"]
    per_person = indicator.additive and indicator.id != POPULATION
    out["per_10k"] = out["adcode"].map(per_10k).astype(float) if per_person else np.nan
    total = province if province is not None else (out["value"].sum() if out["value"].notna().all() else None)
    out["share"] = out["value"] / total * 100 if indicator.additive and total else np.nan
    return out.sort_values(["rank", "adcode"], na_position="last").reset_index(drop=True)
