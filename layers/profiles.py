"""What a region page and a zone page show, as plain data: values with sources and ranks, zones, members."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from layers.catalogue import Catalogue
from layers.zones import Membership, Units, Zone, ZoneBook, member_counties, zones_of_region

LEVEL_ORDER = {"province": 0, "prefecture": 1, "county": 2}


def peer_ranks(obs: pd.DataFrame, adcode: str, peers: set[str]) -> pd.DataFrame:
    """For each (indicator, year) the region has: its rank among peers with a value (1 = largest), and how many."""
    pool = obs[obs.adcode.isin(peers | {adcode})]
    pool = pool.assign(rank=pool.groupby(["indicator", "year"]).value.rank(ascending=False, method="min"),
                       n=pool.groupby(["indicator", "year"]).value.transform("count"))
    return pool[pool.adcode == adcode][["indicator", "year", "rank", "n"]].astype({"rank": int, "n": int})


def region_values(obs: pd.DataFrame, catalogue: Catalogue, adcode: str, regions: pd.DataFrame) -> pd.DataFrame:
    """Every value of a region with its source and its rank among its level (a county also within its prefecture)."""
    mine = obs[obs.adcode == adcode].drop(columns=["dataset_id"], errors="ignore")
    if mine.empty:
        return mine.assign(rank=[], n=[], rank_parent=[], n_parent=[], level=[])
    rows = regions[regions.adcode == adcode]
    out = []
    for level in sorted(set(rows.level), key=LEVEL_ORDER.get):
        if level == "province":
            continue
        peers = set(regions[regions.level == level].adcode)
        ranked = mine.merge(peer_ranks(obs, adcode, peers), on=["indicator", "year"], how="left").assign(level=level)
        if level == "county":
            parent = rows[rows.level == "county"].parent.iloc[0]
            siblings = set(regions[(regions.level == "county") & (regions.parent == parent)].adcode)
            within = peer_ranks(obs, adcode, siblings).rename(columns={"rank": "rank_parent", "n": "n_parent"})
            ranked = ranked.merge(within, on=["indicator", "year"], how="left")
        out.append(ranked)
    table = pd.concat(out, ignore_index=True) if out else mine.assign(level="province")
    order = {i: n for n, i in enumerate(catalogue.indicators)}
    table = table.assign(_o=table.indicator.map(order), _l=table.level.map(LEVEL_ORDER))
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

