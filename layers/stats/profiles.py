"""What a region page and a zone page show, as plain data: values with sources and ranks, zones, members."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from layers.core.catalogue import Catalogue
from layers.core.zones import Membership, Units, Zone, ZoneBook, member_counties, zones_of_region

LEVEL_ORDER = {"province": 0, "prefecture": 1, "county": 2}


def rank_table(obs: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Every value's rank among the units of its level (1 = largest) and, for counties, within the prefecture.

    One row per (adcode, level, indicator, year); computed once per store version, then filtered per page.
    """
    out = []
    for level in ("prefecture", "county"):
        units = regions[regions.level == level][["adcode", "parent"]]
        pool = obs.merge(units, on="adcode")[["adcode", "parent", "indicator", "year", "value"]]
        by = pool.groupby(["indicator", "year"]).value
        pool = pool.assign(level=level, rank=by.rank(ascending=False, method="min"), n=by.transform("count"))
        if level == "county":
            within = pool.groupby(["parent", "indicator", "year"]).value
            pool = pool.assign(rank_parent=within.rank(ascending=False, method="min"),
                               n_parent=within.transform("count"))
        out.append(pool.drop(columns=["value", "parent"]))
    return pd.concat(out, ignore_index=True)


def region_values(obs: pd.DataFrame, ranks: pd.DataFrame, catalogue: Catalogue, adcode: str) -> pd.DataFrame:
    """Every value of a region with its source and its rank among its level (a county also within its prefecture)."""
    mine = obs[obs.adcode == adcode].drop(columns=["dataset_id"], errors="ignore")
    ranked = mine.merge(ranks[ranks.adcode == adcode], on=["adcode", "indicator", "year"], how="left")
    ranked["level"] = ranked["level"].fillna("province")
    order = {i: n for n, i in enumerate(catalogue.indicators)}
    table = ranked.assign(_o=ranked.indicator.map(order), _l=ranked.level.map(LEVEL_ORDER))
    table = table.sort_values(["_o", "year", "_l"], ascending=[True, False, True])
    return table.drop(columns=["_o", "_l"]).reset_index(drop=True)


@dataclass(frozen=True)
class RegionZones:
    """The zones of a region: the ones it is in or contains, and the province-wide platforms apart."""

    local: list[Membership]
    province_wide: list[Zone]


def region_zones(book: ZoneBook, adcode: str, units: Units) -> RegionZones:
    """Zones a region is in (whole or part) or contains members of; province-wide platforms listed apart."""
    found = zones_of_region(list(book.zones), adcode, units)
    wide = [m.zone for m in found if m.zone.province_wide]
    return RegionZones([m for m in found if not m.zone.province_wide], wide)


def latest_values(obs: pd.DataFrame, adcodes: list[str], indicators: list[str] | None = None,
                  max_indicators: int = 4) -> tuple[list[str], pd.DataFrame]:
    """Key indicators of a set of units: the ones most of them have, each unit's latest value with its source.

    Returns the indicator ids (most widely held first) and a long table adcode, indicator, year, value, unit,
    source, illustrative.
    """
    mine = obs[obs.adcode.isin(adcodes)]
    if indicators is None:
        coverage = mine.groupby("indicator").adcode.nunique().sort_values(ascending=False, kind="stable")
        indicators = list(coverage.index[:max_indicators])
    mine = mine[mine.indicator.isin(indicators)].sort_values("year")
    latest = mine.groupby(["adcode", "indicator"], as_index=False).tail(1)
    cols = ["adcode", "indicator", "year", "value", "unit", "source", "illustrative"]
    return indicators, latest[cols].reset_index(drop=True)


def zone_members(zone: Zone, regions: pd.DataFrame, units: Units) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The members as the source names them, and the counties they cover, each with names and level."""
    attrs = regions.sort_values("level", key=lambda s: s.map(LEVEL_ORDER)).drop_duplicates("adcode")
    declared = attrs.set_index("adcode").loc[list(zone.members)].reset_index() if zone.members else attrs.head(0)
    counties = regions[(regions.level == "county") & regions.adcode.isin(member_counties(zone, units))]
    return declared, counties.reset_index(drop=True)

