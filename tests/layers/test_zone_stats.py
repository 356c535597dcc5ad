"""A zone against the rest of the province, from what the store holds: totals, shares, per-10k, with sources."""

from __future__ import annotations

import pandas as pd
import pytest

from layers.pages.atlas import Atlas
from layers.stats.zone_stats import compare
from tests.conftest import newest


def row(df: pd.DataFrame, indicator: str, year: int) -> pd.Series:
    return df[(df.indicator == indicator) & (df.year == year)].iloc[0]


def test_lanbai_population_is_the_two_cities_as_the_census_counts_them(atlas: Atlas) -> None:
    df = compare(atlas.zones.get("lanbai"), newest(atlas).observations, atlas.catalogue, atlas.hierarchy)
    pop = row(df, "population", 2020)
    obs = newest(atlas).observations
    city = obs[(obs.indicator == "population") & obs.adcode.isin(["620100", "620400"])].value.sum()
    province = obs[(obs.indicator == "population") & (obs.adcode == "620000")].value.iloc[0]
    assert pop.zone == city and pop.rest == province - city and pop.province == province
    assert pop.share == pytest.approx(100 * city / province)
    assert pd.isna(pop.zone_per_10k)  # population per 10k residents says nothing


def test_lanbai_invention_patents_2020_against_the_rest(atlas: Atlas) -> None:
    df = compare(atlas.zones.get("lanbai"), newest(atlas).observations, atlas.catalogue, atlas.hierarchy)
    r = row(df, "invention_patents_obtained", 2020)
    assert r.complete and r.zone == 1166 + 48 and r.rest == 1448 - 1214 and r.province == 1448
    pop = row(df, "population", 2020)
    assert r.zone_per_10k == pytest.approx(1214 / pop.zone * 1e4)
    assert r.rest_per_10k == pytest.approx(234 / pop.rest * 1e4)
    assert any("Wuhan University" in s for s in r.sources)
    # 2015 has both cities but no province figure: a zone total, no rest.
    r15 = row(df, "invention_patents_obtained", 2015)
    assert r15.zone == 794 + 47 and pd.isna(r15.rest)


def test_a_total_needs_every_member(atlas: Atlas) -> None:
    obs = newest(atlas).observations
    gap = obs[~((obs.adcode == "620100") & (obs.indicator == "invention_patents_obtained") & (obs.year == 2020))]
    r = row(compare(atlas.zones.get("lanbai"), gap, atlas.catalogue, atlas.hierarchy),
            "invention_patents_obtained", 2020)
    assert not r.complete and r.members_with_data == 1 and r.members == 2 and pd.isna(r.zone) and pd.isna(r.rest)


def test_rates_are_never_summed(atlas: Atlas) -> None:
    df = compare(atlas.zones.get("lanbai"), newest(atlas).observations, atlas.catalogue, atlas.hierarchy)
    assert "invention_patents_per_10k" not in set(df.indicator)


def test_lanzhou_new_area_uses_its_own_census_unit(atlas: Atlas) -> None:
    df = compare(atlas.zones.get("lanzhou-new-area"), newest(atlas).observations, atlas.catalogue, atlas.hierarchy)
    r = row(df, "population", 2020)
    assert r.zone == 288_200 and r.members == 1


@pytest.mark.parametrize("zone_id", ["hexi-corridor-culture", "huaxia-civilisation", "strong-county-pilots-2018"])
def test_nothing_to_compare(atlas: Atlas, zone_id: str) -> None:
    assert compare(atlas.zones.get(zone_id), newest(atlas).observations, atlas.catalogue, atlas.hierarchy).empty


def test_summed_members_divide_by_the_residents_they_cover(atlas: Atlas) -> None:
    """兰州 summed from its 8 county-level units is divided by their 4,071,246 residents, as the per-10k indicator
    is, not by the city's 4,359,446 that includes 兰州新区 (the same rule in both places)."""
    obs = newest(atlas).observations
    df = compare(atlas.zones.get("lanbai"), obs, atlas.catalogue, atlas.hierarchy)
    r = row(df, "patent_applications", 2020)
    baiyin_pop = obs[(obs.indicator == "population") & (obs.adcode == "620400")].value.iloc[0]
    assert r.zone_per_10k == pytest.approx(r.zone / (4_071_246 + baiyin_pop) * 1e4)
    lanzhou = obs[(obs.adcode == "620100") & (obs.year == 2020)].set_index("indicator").value
    assert lanzhou["patent_applications_per_10k"] == pytest.approx(lanzhou["patent_applications"] / 4_071_246 * 1e4)
