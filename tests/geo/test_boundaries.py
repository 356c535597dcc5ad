"""Boundaries on the real bundled data: counts, coverage at every LOD, names, datum, census join."""

from __future__ import annotations

import pandas as pd
import pytest
import shapely

from geo.boundaries import LEVELS, BoundarySet
from geo.errors import UnknownLevelError
from geo.simplify import LODS, vertex_count
from layers.store.seed import CENSUS_CSV


def test_unit_counts(boundaries: BoundarySet) -> None:
    assert len(boundaries.units("province")) == 1
    assert len(boundaries.units("prefecture")) == 14
    assert len(boundaries.units("county")) == 87


def test_jiayuguan_stands_for_itself_at_county_level(boundaries: BoundarySet) -> None:
    county = boundaries.units("county").set_index("adcode")
    assert county.loc["620200", "name_zh"] == "嘉峪关市"
    assert county.loc["620200", "parent"] == "620200"


@pytest.mark.parametrize("lod", [lod.id for lod in LODS])
def test_counties_form_a_valid_coverage_at_every_lod(boundaries: BoundarySet, lod: int) -> None:
    counties = boundaries.units("county", lod)
    assert counties.geometry.is_valid.all()
    assert shapely.coverage_is_valid(counties.geometry.values)
    assert counties.adcode.is_unique


@pytest.mark.parametrize("lod", [lod.id for lod in LODS])
def test_prefectures_are_unions_of_their_counties(boundaries: BoundarySet, lod: int) -> None:
    counties = boundaries.units("county", lod)
    for pref in boundaries.units("prefecture", lod).itertuples():
        kids = counties[counties.parent == pref.adcode]
        assert len(kids) >= 1, pref.adcode
        diff = shapely.symmetric_difference(shapely.union_all(kids.geometry.values), pref.geometry)
        assert diff.area < 1e-9 * pref.geometry.area, pref.name_zh


def test_lods_get_coarser(boundaries: BoundarySet) -> None:
    counts = [vertex_count(boundaries.units("county", lod.id)) for lod in LODS]
    assert counts == sorted(counts, reverse=True)
    assert counts[-1] < 10_000  # about one pixel at zoom 6


def test_every_census_county_joins_except_lanzhou_new_area(boundaries: BoundarySet) -> None:
    census = pd.read_csv(CENSUS_CSV, dtype={"CODE": str})
    county = set(boundaries.units("county").adcode)
    assert set(census.CODE) - county == {"620171"}
    assert county - set(census.CODE) == set()


def test_english_names(boundaries: BoundarySet) -> None:
    names = boundaries.regions.set_index("adcode")["name_en"].to_dict()
    assert names["622900"] == "Linxia Hui Autonomous Prefecture"
    assert names["620982"] == "Dunhuang City"
    assert names["622926"] == "Dongxiang Autonomous County"
    assert names["621022"] == "Huanxian County"
    assert names["620722"] == "Minle County" and names["621202"] == "Wudu District"  # place-name readings
    assert names["620522"] == "Qin'an County" and names["620924"] == "Aksay Kazakh Autonomous County"


def test_coordinates_are_wgs84_not_gcj02(boundaries: BoundarySet) -> None:
    """GCJ-02 is shifted north-east of WGS84 in Gansu by a few hundred metres; the cache must be shifted back."""
    from geo.datum import gcj02_to_wgs84

    lanzhou = boundaries.units("prefecture", 0).set_index("adcode").loc["620100", "geometry"]
    c = lanzhou.representative_point()
    back = gcj02_to_wgs84(c)
    # Applying the conversion again moves the point by the same few hundred metres: so it was applied once.
    assert 0.001 < abs(c.x - back.x) < 0.01
    assert lanzhou.bounds[0] > 102.0 and lanzhou.bounds[3] < 37.5


def test_unknown_level_names_allowed(boundaries: BoundarySet) -> None:
    with pytest.raises(UnknownLevelError) as err:
        boundaries.units("township")
    assert "county" in str(err.value) and "township" in str(err.value)
    assert set(err.value.allowed) == set(LEVELS)


def test_geojson_is_rounded_to_lod_precision(boundaries: BoundarySet) -> None:
    fc = boundaries.geojson("county", 3)
    assert len(fc["features"]) == 87
    x, y = fc["features"][0]["geometry"]["coordinates"][0][0][0]
    assert round(x, 3) == x and round(y, 3) == y


def test_jiayuguan_is_a_prefecture_of_the_province_and_a_county_level_unit_of_itself(boundaries: BoundarySet) -> None:
    rows = boundaries.regions[boundaries.regions.adcode == "620200"].set_index("level")
    assert rows.loc["prefecture", "parent"] == "620000" and rows.loc["county", "parent"] == "620200"
    prefectures = boundaries.regions[(boundaries.regions.parent == "620000")]
    assert len(prefectures) == 14 and "620200" in set(prefectures.adcode)
