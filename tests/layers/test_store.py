"""The seeded store: census totals, plan baselines and targets with sections, versions, atomic writes."""

from __future__ import annotations

import pandas as pd
import pytest

from layers.core.catalogue import Catalogue
from layers.store.sqlite import DatasetMeta, Store

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
    in_2020 = obs[(obs.indicator == "invention_patents_per_10k") & (obs.year == 2020)]
    assert list(in_2020.value) == [2.94] and "2020-06" in in_2020.note.iloc[0]  # the cited figure, not the 3.5 target
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


def test_every_quantified_baseline_of_the_plan_is_loaded(store: Store) -> None:
    obs = store.observations()
    plan = obs[obs.source.str.contains("十三五")]
    got = {(r.indicator, r.year, r.value) for r in plan.itertuples()}
    # the figures of 一、发展基础, each a number the plan states for Gansu
    for fact in [("patent_applications_period_total", 2015, 51128), ("patent_grants_period_total", 2015, 22793),
                 ("patent_applications_avg_growth", 2015, 32.6), ("patent_grants_avg_growth", 2015, 29.9),
                 ("invention_patents_per_10k", 2015, 1.59), ("invention_patents_per_10k", 2010, 0.45),
                 ("enforcement_cases", 2015, 800), ("enforcement_campaigns", 2015, 6),
                 ("prefectures_with_enforcement_units", 2015, 2), ("pledge_financing_cumulative", 2015, 10),
                 ("patent_award_patents", 2015, 50), ("patent_award_new_sales", 2015, 200),
                 ("patent_award_new_taxes", 2015, 30), ("ip_advantage_enterprises", 2015, 101),
                 ("national_ip_pilot_cities", 2015, 3), ("strong_county_pilots_national", 2015, 10),
                 ("provincial_ip_pilot_parks", 2015, 3), ("prefectures_with_ip_offices", 2015, 14),
                 ("counties_with_ip_offices", 2015, 34), ("ip_standard_enterprises", 2015, 20)]:
        assert fact in got, fact
    assert len(store.targets()) == 19


def test_quantities_of_different_kinds_are_different_indicators(store: Store) -> None:
    """A five-year average is not a year-on-year rate, a multi-year total is not a year's amount, and national pilots
    are not national plus provincial ones: each baseline sits on the indicator of its own quantity, never beside
    the target it cannot be compared with."""
    obs = store.observations()
    targets = store.targets()

    def at(indicator: str) -> set[tuple[int, float]]:
        rows = obs[(obs.indicator == indicator) & (obs.adcode == "620000")]
        return {(int(y), float(v)) for y, v in zip(rows.year, rows.value, strict=True)}

    assert (2015, 32.6) in at("patent_applications_avg_growth") and not at("patent_applications_growth")
    assert {(2015, 10.0), (2018, 27.3)} <= at("pledge_financing_cumulative") and not at("pledge_financing")
    assert (2015, 10.0) in at("strong_county_pilots_national") and not at("strong_county_pilots")
    annual = targets[targets.indicator == "pledge_financing"].iloc[0]
    assert (annual.value, annual.kind) == (20, "annual_level")
