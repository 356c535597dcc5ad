"""Zones as data: each zone resolves to the right counties, terms filter by year, bad files are refused by name."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely

from geo.boundaries import BoundarySet
from layers.core.errors import UnknownParameterError, ZoneDataError
from layers.core.zones import (
    DEFAULT_ZONES,
    Units,
    ZoneBook,
    drawable,
    member_counties,
    members_as_of,
    relation_of,
    zone_frame,
    zone_geometry,
)

SLIVER = 1e-4  # square degrees, about 1 km²: anything smaller left by a dissolve would be an artefact
PLAN_TEXT = DEFAULT_ZONES.parent / "reference" / "gansu-ip-13th-five-year-plan.txt"


@pytest.fixture(scope="module")
def book() -> ZoneBook:
    return ZoneBook.load()


@pytest.fixture(scope="module")
def units(boundaries: BoundarySet) -> Units:
    return Units.of(boundaries.regions)


def counties_of(boundaries: BoundarySet, *prefectures: str) -> list[str]:
    c = boundaries.units("county", 3)
    return sorted(c[c.parent.isin(prefectures)].adcode)


def test_the_file_checks_against_the_boundaries(book: ZoneBook, units: Units) -> None:
    book.check(units)
    assert len(book.zones) >= 20 and len(set(book.ids())) == len(book.zones)


@pytest.mark.parametrize(("zone_id", "n"), [("linxia-halal-food", 8), ("gannan-ecology", 8)])
def test_prefecture_zones_have_eight_units(book: ZoneBook, units: Units, boundaries: BoundarySet,
                                           zone_id: str, n: int) -> None:
    zone = book.get(zone_id)
    got = member_counties(zone, units)
    assert len(got) == n
    assert got == counties_of(boundaries, zone.members[0])


def test_linxia_and_gannan_by_adcode(book: ZoneBook, units: Units) -> None:
    assert member_counties(book.get("linxia-halal-food"), units)[0] == "622901"
    assert set(member_counties(book.get("gannan-ecology"), units)) == {
        "623001", "623021", "623022", "623023", "623024", "623025", "623026", "623027"}


def test_dunhuang_is_one_county(book: ZoneBook, units: Units) -> None:
    assert member_counties(book.get("dunhuang-culture"), units) == ["620982"]


def test_lanbai_is_every_county_of_lanzhou_and_baiyin(book: ZoneBook, units: Units, boundaries: BoundarySet) -> None:
    got = member_counties(book.get("lanbai"), units)
    assert got == counties_of(boundaries, "620100", "620400") and len(got) == 13


def test_lanzhou_new_area_is_a_marked_part_of_two_counties(book: ZoneBook, units: Units) -> None:
    zone = book.get("lanzhou-new-area")
    assert zone.partial and zone.stat_adcode == "620171"
    assert member_counties(zone, units) == ["620121", "620122"]
    assert relation_of(zone, "620121", units) == "partial"
    assert relation_of(zone, "620100", units) == "contains"
    assert relation_of(zone, "620102", units) is None


def test_unknown_membership_is_empty_and_said_so(book: ZoneBook, units: Units) -> None:
    for zone_id in ("longdongnan-culture", "lanzhou-metro-culture", "hexi-corridor-culture"):
        zone = book.get(zone_id)
        assert zone.members == () and not zone.members_known and member_counties(zone, units) == []
        assert zone.part_of == "huaxia-civilisation"
    hidden = book.get("strong-county-pilots-2018")
    assert hidden.count == 13 and not hidden.members_known and hidden.members == ()
    assert book.get("ip-pilot-prefectures-2018").count == 7


def test_every_plan_quote_is_in_the_plan(book: ZoneBook) -> None:
    text = PLAN_TEXT.read_text(encoding="utf-8")
    quoted = 0
    for zone in book.zones:
        assert zone.cite, zone.id
        for c in zone.cite:
            if c.section:
                assert c.source == book.plan_source and c.quote, zone.id
                assert c.quote in text, (zone.id, c.quote)
                quoted += 1
    assert quoted >= 20


@pytest.mark.parametrize(("year", "in_force", "not_in_force"), [
    (2016, {"lanbai"}, {"zhangye-ip-pilot-city", "gaotai-strong-county", "lanzhou-ip-strong-city"}),
    (2017, {"zhangye-ip-pilot-city"}, {"gaotai-strong-county", "jingyuan-gi-zone"}),
    (2018, {"zhangye-ip-pilot-city", "gaotai-strong-county", "jingyuan-gi-zone"}, {"gangu-gi-zone"}),
    (2020, {"zhangye-ip-pilot-city", "gaotai-strong-county"}, {"lanzhou-ip-strong-city"}),
    (2021, {"gaotai-strong-county"}, {"zhangye-ip-pilot-city", "lanzhou-ip-strong-city", "gangu-gi-zone"}),
    (2022, {"lanzhou-ip-strong-city", "gangu-gi-zone"}, {"zhangye-ip-pilot-city"}),
    (2026, {"gaotai-strong-county", "lanbai"}, {"lanzhou-ip-strong-city"}),
    # the province's own national designation, from 2016
    (2015, set(), {"gansu-ip-strong-province-pilot"}),
    (2016, {"gansu-ip-strong-province-pilot"}, set()),
    # known only "as of" a date: in force from that date, not before (they were shown in every year)
    (2017, set(), {"ip-pilot-prefectures-2018", "strong-county-pilots-2018"}),
    (2018, {"ip-pilot-prefectures-2018", "strong-county-pilots-2018"}, set()),
    (2014, set(), {"ip-pilot-cities-2015", "strong-county-pilots-2015", "provincial-ip-pilot-parks-2015"}),
])
def test_designations_as_of_a_year(book: ZoneBook, year: int, in_force: set[str], not_in_force: set[str]) -> None:
    ids = {z.id for z in book.as_of(year)}
    assert in_force <= ids
    assert not (not_in_force & ids)


def test_members_as_of_a_year(book: ZoneBook, units: Units) -> None:
    in_2019 = members_as_of(book, 2019, units)
    assert in_2019["zhangye-ip-pilot-city"] == sorted(c for c, p in units.parent.items() if p == "620700")
    assert "620724" in in_2019["zhangye-ip-pilot-city"] and in_2019["gaotai-strong-county"] == ["620724"]
    assert "lanzhou-ip-strong-city" not in in_2019 and "gangu-gi-zone" not in in_2019
    assert members_as_of(book, 2023, units)["gangu-gi-zone"] == ["620523"]
    assert members_as_of(book, 2023, units)["strong-county-pilots-2018"] == []  # in the list, members unknown


def test_no_year_means_every_zone(book: ZoneBook) -> None:
    assert len(book.as_of(None)) == len(book.zones)
    assert book.years()[0] <= 2012 and book.years()[-1] >= 2025


def test_dissolved_zones_are_valid_and_sliver_free(book: ZoneBook, units: Units, boundaries: BoundarySet) -> None:
    counties = boundaries.units("county", 3)
    frame = zone_frame(list(book.zones), counties, units)
    assert len(frame) == len(drawable(list(book.zones))) and frame.is_valid.all()
    for zone in drawable(list(book.zones)):
        geom = zone_geometry(zone, counties, units)
        parts = counties[counties.adcode.isin(member_counties(zone, units))]
        assert shapely.is_valid(geom)
        # Shared borders dissolve away: the same area (no overlap, no gap), and no sliver rings or parts left.
        assert geom.area == pytest.approx(shapely.area(parts.geometry.values).sum(), rel=1e-9)
        polygons = list(getattr(geom, "geoms", [geom]))
        assert len(polygons) <= sum(len(getattr(g, "geoms", [g])) for g in parts.geometry)
        assert all(p.area > SLIVER for p in polygons)
        assert all(shapely.Polygon(r).area > SLIVER for p in polygons for r in p.interiors)
    lanbai = zone_geometry(book.get("lanbai"), counties, units)
    assert lanbai.geom_type == "Polygon"


def test_unknown_zone_names_the_allowed_ids(book: ZoneBook) -> None:
    with pytest.raises(UnknownParameterError) as e:
        book.get("atlantis")
    assert "atlantis" in str(e.value) and "lanbai" in e.value.allowed


def write(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "zones.toml"
    p.write_text('plan_source = "plan"\n' + body, encoding="utf-8")
    return p


def test_an_unknown_adcode_is_an_error_naming_it(tmp_path: Path, units: Units) -> None:
    book = ZoneBook.load(write(tmp_path, '[[zone]]\nid = "x"\ntype = "reform_zone"\nname_zh = "x"\nname_en = "x"\n'
                                        'members = ["620100", "629999"]\n[[zone.cite]]\nsource = "s"\n'))
    with pytest.raises(ZoneDataError, match="629999") as e:
        book.check(units)
    assert "zone x" in str(e.value) and "620100" not in str(e.value)


@pytest.mark.parametrize("body", [
    '[[zone]]\nid = "x"\ntype = "castle"\nname_zh = "x"\nname_en = "x"\n[[zone.cite]]\nsource = "s"\n',
    '[[zone]]\nid = "x"\ntype = "gi_zone"\nname_zh = "x"\nname_en = "x"\n',
    '[[zone]]\nid = "x"\ntype = "gi_zone"\nname_zh = "x"\nname_en = "x"\nstart = "2020"\nend = "2019"\n'
    '[[zone.cite]]\nsource = "s"\n',
    '[[zone]]\nid = "x"\ntype = "gi_zone"\nname_zh = "x"\nname_en = "x"\npart_of = "y"\n[[zone.cite]]\nsource = "s"\n',
    ('[[zone]]\nid = "x"\ntype = "gi_zone"\nname_zh = "x"\nname_en = "x"\n[[zone.cite]]\nsource = "s"\n') * 2,
])
def test_malformed_zone_files_are_refused(tmp_path: Path, body: str) -> None:
    with pytest.raises(ValueError):
        ZoneBook.load(write(tmp_path, body))
