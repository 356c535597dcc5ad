"""Locator maps for region and zone pages: the province in grey, the subject highlighted, prefecture borders on top."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd

from layers.core.fmt import esc
from layers.core.i18n import t
from layers.render.choropleth import LEAFLET_CSS, LEAFLET_JS, MAP_CSS
from layers.render.controls import HtmlControl, stable_ids
from layers.render.zone_layer import ZoneOverlay

BASE_FILL = "#ecebe6"
HIGHLIGHT_FILL = "#f1a340"  # PuOr orange: apart from every sequential palette we use, safe for colour-blind readers
BORDER = "#9a9a96"
PREFECTURE_BORDER = "#555555"


def build_locator(counties: gpd.GeoDataFrame, prefectures: gpd.GeoDataFrame, highlight: set[str],
                  tips: dict[str, str], title: str, lang: str, focus: tuple[float, float, float, float],
                  neighbours: gpd.GeoDataFrame | None = None, overlay: ZoneOverlay | None = None) -> folium.Map:
    """Counties in grey with the highlighted ones in orange, prefecture borders, tooltips (already escaped)."""
    minx, miny, maxx, maxy = focus
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=6, tiles=None, control_scale=True,
                   zoom_snap=0.25, min_zoom=4, max_zoom=12)
    m.default_js = [("leaflet", LEAFLET_JS)]
    m.default_css = [("leaflet_css", LEAFLET_CSS), ("ipmap_css", MAP_CSS)]
    if neighbours is not None and len(neighbours):
        folium.GeoJson(neighbours[["geometry"]], interactive=False, control=False, style_function=lambda _f: {
            "fillColor": "#f4f4f1", "color": "#d0d0cc", "weight": 0.8, "fillOpacity": 1}).add_to(m)
    data = gpd.GeoDataFrame(
        {"adcode": counties.adcode, "lit": counties.adcode.isin(highlight),
         "tip": [tips.get(a, esc(n)) for a, n in zip(counties.adcode, counties.name_zh, strict=True)]},
        geometry=counties.geometry.values, crs=counties.crs)
    folium.GeoJson(
        data, control=False,
        style_function=lambda f: {"fillColor": HIGHLIGHT_FILL if f["properties"]["lit"] else BASE_FILL,
                                  "color": BORDER, "weight": 0.6, "fillOpacity": 1},
        highlight_function=lambda _f: {"weight": 2.5, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True, class_name="ipmap-tooltip"),
        smooth_factor=0.5,
    ).add_to(m)
    folium.GeoJson(prefectures[["geometry"]], interactive=False, control=False, style_function=lambda _f: {
        "color": PREFECTURE_BORDER, "weight": 1.4, "fill": False}).add_to(m)
    if overlay is not None:
        overlay.add_to(m)
    box = (f'<h2 class="ipmap-title">{esc(title)}</h2><div class="ipmap-source">{esc(t("boundaries", lang))}'
           f'{esc(t("colon", lang))}{esc(t("boundary_source", lang))} · {esc(t("datum", lang))}</div>')
    HtmlControl(box, "topleft", "ipmap-titlebox").add_to(m)
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    stable_ids(m)
    return m


def focus_bounds(geoms: gpd.GeoSeries, margin: float = 0.15) -> tuple[float, float, float, float]:
    """Bounds of some shapes with a margin (a share of their size, at least ~0.2 degrees) for context."""
    minx, miny, maxx, maxy = geoms.total_bounds
    dx, dy = max((maxx - minx) * margin, 0.2), max((maxy - miny) * margin, 0.2)
    return float(minx - dx), float(miny - dy), float(maxx + dx), float(maxy + dy)


def name_tips(counties: pd.DataFrame, lang: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Escaped tooltip per county: its name in the page's language, the other language small, and any extra line."""
    tips = {}
    for a, zh, en in zip(counties.adcode, counties.name_zh, counties.name_en, strict=True):
        main, alt = (en, zh) if lang == "en" else (zh, en)
        line = f"<br>{esc(extra[a])}" if extra and a in extra else ""
        tips[a] = f"<b>{esc(main)}</b> <small>{esc(alt)}</small>{line}"
    return tips
