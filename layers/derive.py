"""Derived values, computed rather than typed in: aggregates to parent regions and the like."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd


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
    return df.groupby(keys, as_index=False, sort=True)["value"].sum()
