"""A zone against the rest of the province: totals, shares and per-10k figures from what the store holds."""

from __future__ import annotations

import pandas as pd

from layers.core.catalogue import Catalogue
from layers.core.zones import PROVINCE, Zone
from layers.stats.measures import denominators
from layers.stats.observations import Hierarchy

POPULATION = "population"
POPULATION_YEAR = 2020


def stat_units(zone: Zone) -> list[str]:
    """The units whose figures make up the zone: its own statistical code if it has one, else its members as given.

    Members are taken at the level the source names them, so 兰州 620100 counts with 兰州新区 as the census does.
    """
    if zone.stat_adcode:
        return [zone.stat_adcode]
    return [] if zone.province_wide else list(zone.members)


def _population(obs: pd.DataFrame, adcodes: list[str]) -> float | None:
    pop = obs[(obs.indicator == POPULATION) & (obs.year == POPULATION_YEAR) & obs.adcode.isin(adcodes)]
    return float(pop.value.sum()) if len(pop) == len(set(adcodes)) and len(pop) else None


def _ratio(num: float | None, den: float | None, scale: float = 1.0) -> float | None:
    return num / den * scale if num is not None and den else None


def compare(zone: Zone, obs: pd.DataFrame, catalogue: Catalogue, hierarchy: Hierarchy) -> pd.DataFrame:
    """One row per additive indicator and year that any member has: zone total, rest, share and per 10k residents.

    A total needs every member's value (else `complete` is False and totals are empty); the rest of the province
    needs the province's own value for that year. Per-10k figures divide by the residents each member's figure
    covers (measures.denominators: a member summed from its counties by those counties' residents, so 兰州
    without 兰州新区); real and illustrative figures never share a total.
    """
    units = stat_units(zone)
    columns = ["indicator", "year", "unit", "members_with_data", "members", "complete", "zone", "rest", "province",
               "share", "zone_per_10k", "rest_per_10k", "sources", "illustrative"]
    if not units:
        return pd.DataFrame(columns=columns)
    additive = [i for i in catalogue.indicators.values() if i.additive]
    mine = obs[obs.adcode.isin(units) & obs.indicator.isin([i.id for i in additive])]
    prov_pop = _population(obs, [PROVINCE])
    census = obs[(obs.indicator == POPULATION) & (obs.year == POPULATION_YEAR)]
    order = {i.id: n for n, i in enumerate(additive)}
    rows = []
    for (ind, year), grp in mine.groupby(["indicator", "year"], sort=False):
        prov = obs[(obs.adcode == PROVINCE) & (obs.indicator == ind) & (obs.year == year)]
        complete = grp.adcode.nunique() == len(units)
        mixed = grp.illustrative.nunique() > 1 or (len(prov) and bool(prov.illustrative.iloc[0]) != bool(
            grp.illustrative.iloc[0]))
        total = float(grp.value.sum()) if complete and not mixed else None
        matched = denominators(obs[(obs.indicator == ind) & (obs.year == year)], census, "人", hierarchy)
        dens = [matched.get((str(a), int(year))) for a in grp.adcode]  # type: ignore[call-overload]
        zone_pop = sum(d[0] for d in dens if d is not None) if complete and all(dens) else None
        rest_pop = prov_pop - zone_pop if zone_pop is not None and prov_pop is not None else None
        p = float(prov.value.iloc[0]) if len(prov) else None
        rest = p - total if p is not None and total is not None and not mixed else None
        per_10k = ind != POPULATION
        rows.append({
            "indicator": ind, "year": int(year), "unit": grp.unit.iloc[0],  # type: ignore[call-overload]
            "members_with_data": int(grp.adcode.nunique()), "members": len(units), "complete": complete,
            "zone": total, "rest": rest, "province": p, "share": _ratio(total, p, 100.0),
            "zone_per_10k": _ratio(total, zone_pop, 1e4) if per_10k else None,
            "rest_per_10k": _ratio(rest, rest_pop, 1e4) if per_10k else None,
            "sources": sorted(set(grp.source) | set(prov.source)),
            "illustrative": bool(grp.illustrative.any() or prov.illustrative.any()),
        })
    out = pd.DataFrame(rows, columns=columns)
    out["_o"] = out.indicator.map(order)
    return out.sort_values(["_o", "year"], ascending=[True, False]).drop(columns="_o").reset_index(drop=True)
