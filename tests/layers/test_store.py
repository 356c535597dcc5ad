"""The seeded store: census totals, plan baselines and targets with sections, versions, atomic writes."""

from __future__ import annotations

import pandas as pd
import pytest

from layers.catalogue import Catalogue
from layers.store import DatasetMeta, Store

# Prefecture totals published with the census data (shared/data/README.md).
PREFECTURE_TOTALS = {
    "620100": 4_359_446, "620200": 312_663, "620300": 438_026, "620400": 1_512_110, "620500": 2_984_659,
    "620600": 1_464_955, "620700": 1_131_016, "620800": 1_848_607, "620900": 1_055_706, "621000": 2_179_716,
    "621100": 2_524_097, "621200": 2_407_272, "622900": 2_109_750, "623000": 691_808,
}


def population(store: Store) -> pd.Series:
    obs = store.observations()
    return obs[(obs.indicator == "population") & (obs.year == 2020)].set_index("adcode")["value"]


def test_prefecture_populations_match_published_totals(store: Store) -> None:
    pop = population(store)
    for adcode, total in PREFECTURE_TOTALS.items():
        assert pop[adcode] == total, adcode
    assert pop["620000"] == 25_019_831


def test_every_county_has_population_with_source(store: Store) -> None:
    obs = store.observations()
    pop = obs[obs.indicator == "population"]
    assert len(pop) == 88 + 13 + 1  # 88 census rows (620200 doubles as its prefecture), 13 more prefectures, province
    assert (pop.source.str.contains("2020 census, via tudigong")).all()
    assert not pop.illustrative.any()


def test_plan_baseline_is_an_observation_with_its_section(store: Store) -> None:
    obs = store.observations()
    row = obs[(obs.indicator == "invention_patents_per_10k") & (obs.year == 2015)].iloc[0]
    assert row.value == 1.59 and row.adcode == "620000"
    assert "一、发展基础" in row.source and "十三五" in row.source


def test_targets_are_targets_not_observations(store: Store) -> None:
    targets = store.targets()
    t = targets[targets.indicator == "invention_patents_per_10k"].iloc[0]
    assert (t.value, t.year, t.kind, t.comparator) == (3.5, 2020, "level", ">=")
    assert t.section == "四、发展目标"
    obs = store.observations()
    assert obs[(obs.indicator == "invention_patents_per_10k") & (obs.year == 2020)].empty
    growth = targets[targets.indicator == "patent_applications_growth"].iloc[0]
    assert growth.kind == "annual_growth" and growth.value == 20


def test_every_stored_indicator_is_in_the_catalogue(store: Store, catalogue: Catalogue) -> None:
    assert set(store.observations().indicator) <= set(catalogue.indicators)
    assert set(store.targets().indicator) <= set(catalogue.indicators)


def test_new_dataset_is_a_new_version_and_old_versions_stay_readable(store: Store) -> None:
    before = store.version()
    rows = pd.DataFrame([{"adcode": "620102", "indicator": "population", "year": 2020, "value": 1.0, "unit": "人",
                          "source": "test"}])
    v = store.add_dataset(DatasetMeta(name="t", kind="upload", source="test"), rows)
    assert v == before + 1 == store.version()
    assert population(store)["620102"] == 1.0
    old = store.observations(before)
    assert old[(old.adcode == "620102") & (old.indicator == "population")].value.iloc[0] == 1_484_016


def test_a_failed_write_changes_nothing(store: Store) -> None:
    before_version, before_rows = store.version(), len(store.observations())
    rows = pd.DataFrame([
        {"adcode": "620102", "indicator": "population", "year": 2020, "value": 1.0, "unit": "人", "source": "t"},
        {"adcode": "620102", "indicator": "population", "year": 2020, "value": 2.0, "unit": "人", "source": "t"},
    ])  # duplicate key: the second insert fails
    with pytest.raises(Exception, match="(?i)unique"):
        store.add_dataset(DatasetMeta(name="dup", kind="upload", source="t"), rows)
    assert store.version() == before_version
    assert len(store.observations()) == before_rows
    assert population(store)["620102"] == 1_484_016
