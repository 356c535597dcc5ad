"""Derived measures against values worked out by hand: sums, per 10,000 residents, growth, shares, progress."""

from __future__ import annotations

import pandas as pd
import pytest

from layers.core.catalogue import Catalogue
from layers.pages.atlas import Atlas
from layers.render.palettes import diverging_colours
from layers.stats.classify import classify_around
from layers.stats.derive import Hierarchy, derive
from layers.store.sqlite import DatasetMeta, Store
from tests.conftest import newest

REGIONS = pd.DataFrame([
    {"adcode": "620000", "name_zh": "甘肃省", "level": "province", "parent": ""},
    {"adcode": "620100", "name_zh": "兰州市", "level": "prefecture", "parent": "620000"},
    {"adcode": "620200", "name_zh": "嘉峪关市", "level": "prefecture", "parent": "620200"},
    {"adcode": "620102", "name_zh": "城关区", "level": "county", "parent": "620100"},
    {"adcode": "620103", "name_zh": "七里河区", "level": "county", "parent": "620100"},
    {"adcode": "620200", "name_zh": "嘉峪关市", "level": "county", "parent": "620200"},
])
TARGETS = pd.DataFrame([{"plan_id": "p", "adcode": "620000", "indicator": "invention_patents_per_10k", "year": 2020,
                         "value": 3.5, "kind": "level", "source": "plan §4"}])


def obs(rows: list[tuple[str, str, int, float]], illustrative: bool = False) -> pd.DataFrame:
    return pd.DataFrame([{"adcode": a, "indicator": i, "year": y, "value": v, "unit": "件", "period": "",
                          "qualifier": "=", "note": "", "source": f"src-{i}", "illustrative": illustrative,
                          "dataset_id": 1} for a, i, y, v in rows])


def value(df: pd.DataFrame, adcode: str, indicator: str, year: int) -> float:
    hit = df[(df.adcode == adcode) & (df.indicator == indicator) & (df.year == year)]
    assert len(hit) == 1, (adcode, indicator, year, hit)
    return float(hit.value.iloc[0])


@pytest.fixture
def small(catalogue: Catalogue) -> pd.DataFrame:
    rows = obs([
        ("620102", "population", 2020, 1_000_000), ("620103", "population", 2020, 500_000),
        ("620100", "population", 2020, 1_800_000),  # the city total counts 300,000 more (a new area)
        ("620200", "population", 2020, 300_000), ("620000", "population", 2020, 2_100_000),
        ("620102", "valid_invention_patents", 2019, 200), ("620102", "valid_invention_patents", 2020, 300),
        ("620103", "valid_invention_patents", 2020, 60), ("620200", "valid_invention_patents", 2020, 40),
        ("620102", "patent_applications", 2019, 800), ("620102", "patent_applications", 2020, 1000),
        ("620000", "invention_patents_per_10k", 2015, 1.59),
    ])
    return derive(rows, catalogue, Hierarchy.from_regions(REGIONS), TARGETS, {"p": 2016})


def test_counts_sum_up_only_when_every_child_has_a_value(small: pd.DataFrame) -> None:
    assert value(small, "620100", "valid_invention_patents", 2020) == 360  # 300 + 60
    assert value(small, "620000", "valid_invention_patents", 2020) == 400  # 360 + 40 (嘉峪关 once)
    assert small[(small.adcode == "620100") & (small.year == 2019) &
                 (small.indicator == "valid_invention_patents")].empty  # 七里河区 missing in 2019: no partial sum
    row = small[(small.adcode == "620100") & (small.indicator == "valid_invention_patents")].iloc[0]
    assert row.derivation == "sum" and "城关区" in row.note and "七里河区" in row.note


def test_published_values_win(small: pd.DataFrame) -> None:
    assert value(small, "620100", "population", 2020) == 1_800_000  # not 1,500,000
    assert value(small, "620000", "invention_patents_per_10k", 2015) == 1.59


def test_per_10k_uses_each_units_own_census_and_matched_parts(small: pd.DataFrame) -> None:
    assert value(small, "620102", "invention_patents_per_10k", 2020) == pytest.approx(3.0)  # 300 / 100万 × 1万
    assert value(small, "620103", "invention_patents_per_10k", 2020) == pytest.approx(1.2)  # 60 / 50万
    # 兰州 summed from its counties is divided by the same counties' 1,500,000, not the city's 1,800,000;
    # and never the mean of the county rates (2.1)
    assert value(small, "620100", "invention_patents_per_10k", 2020) == pytest.approx(360 / 150)
    # the province: (360 + 40) over (1,500,000 + 300,000)
    assert value(small, "620000", "invention_patents_per_10k", 2020) == pytest.approx(400 / 180)
    # 2019 has no population: the nearest year (2020 census) is the denominator, and the note says so
    row = small[(small.adcode == "620102") & (small.indicator == "invention_patents_per_10k") & (small.year == 2019)]
    assert row.value.iloc[0] == pytest.approx(2.0) and "2020年" in row.note.iloc[0]
    assert "valid_invention_patents" in row.source.iloc[0] and "src-population" in row.source.iloc[0]


def test_growth_share_and_progress(small: pd.DataFrame) -> None:
    assert value(small, "620102", "patent_applications_growth", 2020) == pytest.approx(25.0)  # 1000/800 - 1
    assert value(small, "620102", "valid_invention_patents_share", 2020) == pytest.approx(75.0)  # 300 / 400
    assert value(small, "620100", "valid_invention_patents_share", 2020) == pytest.approx(90.0)  # 360 / 400
    # on track in 2019: 1.59 + (3.5 - 1.59) * 4/5 = 3.118; 城关区 has 2.0 -> 64.14 %
    assert value(small, "620102", "invention_patents_per_10k_progress", 2019) == pytest.approx(2.0 / 3.118 * 100)
    assert value(small, "620102", "invention_patents_per_10k_progress", 2020) == pytest.approx(3.0 / 3.5 * 100)


def test_progress_ends_at_the_plans_horizon(catalogue: Catalogue) -> None:
    """No "on track" figure for 2024 against a 2020 target: the plan's progress measure stops at its horizon."""
    rows = obs([("620102", "population", 2020, 1_000_000), ("620000", "invention_patents_per_10k", 2015, 1.59),
                ("620102", "valid_invention_patents", 2020, 300), ("620102", "valid_invention_patents", 2024, 900)])
    out = derive(rows, catalogue, Hierarchy.from_regions(REGIONS), TARGETS, {"p": 2016})
    progress = out[out.indicator == "invention_patents_per_10k_progress"]
    assert set(progress.year) == {2020}
    assert value(out, "620102", "invention_patents_per_10k", 2024) == pytest.approx(9.0)  # the level itself stays


def test_illustrative_inputs_make_illustrative_results(catalogue: Catalogue) -> None:
    rows = pd.concat([obs([("620102", "population", 2020, 1e6)]),
                      obs([("620102", "patent_grants", 2020, 50)], illustrative=True)])
    out = derive(rows, catalogue, Hierarchy.from_regions(REGIONS))
    per = out[out.indicator == "patent_grants_per_10k"]
    assert per.value.iloc[0] == pytest.approx(0.5) and per.illustrative.iloc[0]


def test_atlas_recomputes_when_inputs_change(atlas: Atlas, store: Store) -> None:
    before = newest(atlas).observations
    b = before[(before.adcode == "620102") & (before.indicator == "patent_grants_per_10k") & (before.year == 2023)]
    assert b.illustrative.iloc[0]
    store.add_dataset(DatasetMeta(name="t", kind="upload", source="real"), pd.DataFrame([
        {"adcode": "620102", "indicator": "patent_grants", "year": 2023, "value": 1484.016, "unit": "件",
         "source": "real"}]))
    after = newest(atlas).observations
    a = after[(after.adcode == "620102") & (after.indicator == "patent_grants_per_10k") & (after.year == 2023)]
    assert a.value.iloc[0] == pytest.approx(10.0) and not a.illustrative.iloc[0]
    assert a.provenance.iloc[0] == "computed"
    # One real county figure and the made-up county series leaves the real view, in every year, with all that
    # was computed from it: no neighbour to rank against, no sum for 兰州 that would pass for a total.
    grants = after[(after.indicator == "patent_grants") & after.adcode.str.match(r"^62\d\d(?!00)\d\d$")]
    assert set(grants.adcode) == {"620102"}
    assert after[(after.adcode == "620100") & (after.indicator == "patent_grants") & (after.year == 2023)].empty
    demo = atlas.snapshot(atlas.version(), demo=True).observations
    other = demo[(demo.adcode == "620103") & (demo.indicator == "patent_grants") & (demo.year == 2023)]
    assert other.illustrative.iloc[0] and other.provenance.iloc[0] == "illustrative"
    # even in the demonstration a real and a made-up figure never share a sum
    assert demo[(demo.adcode == "620100") & (demo.indicator == "patent_grants") & (demo.year == 2023)].empty


def test_seeded_lanzhou_rate_excludes_the_new_area(atlas: Atlas) -> None:
    o = newest(atlas).observations
    apps = value(o, "620100", "patent_applications", 2021)
    assert value(o, "620100", "patent_applications_per_10k", 2021) == pytest.approx(apps / 4_071_246 * 10_000)
    assert 4_359_446 - 288_200 == 4_071_246


def test_diverging_classes_centre_on_track() -> None:
    vals = [40.0, 60, 80, 95, 100, 120, 150, 300]
    c = classify_around(vals, 100, "quantiles", 6)
    assert c is not None and c.centre == 100 and 100 in c.bins
    idx = c.assign(pd.Series(vals).to_numpy())
    below, above = idx[:4], idx[4:]
    assert below.max() < c.n_below <= above.min()  # 100 itself counts as on track
    fills = diverging_colours(c.n_below, c.k - c.n_below)
    assert len(fills) == c.k and len(set(fills)) == c.k
    only_behind = classify_around([10.0, 20, 30], 100, "quantiles", 5)
    assert only_behind is not None and only_behind.n_below == only_behind.k
