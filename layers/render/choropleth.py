"""Choropleth building: join values to boundaries, classify, draw a Folium map, and write the words around it."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from geo.simplify import round_coordinates
from layers.core.catalogue import Indicator
from layers.core.fmt import esc, number
from layers.core.i18n import t
from layers.core.sources import tooltip_source
from layers.render.control_text import name_controls
from layers.render.controls import LayerRegistry, stable_ids
from layers.render.features import feature_collection
from layers.render.labels import add_labels
from layers.render.legend import caption
from layers.render.palettes import (
    DEFAULT_SEQUENTIAL,
    NO_DATA_FILL,
    OUTLINE,
    colours,
    diverging_colours,
    diverging_palette,
)
from layers.render.zone_layer import ZoneOverlay
from layers.stats.classify import Classes, classify, classify_around

LEAFLET_JS = "/static/vendor/leaflet/leaflet.js"
LEAFLET_CSS = "/static/vendor/leaflet/leaflet.css"
MAP_CSS = "/static/css/map.css"


def join_values(units: gpd.GeoDataFrame, observations: pd.DataFrame, indicator: str, year: int) -> gpd.GeoDataFrame:
    """Left-join one indicator-year to the units: units without a value stay, with NaN, never dropped."""
    vals = observations[(observations.indicator == indicator) & (observations.year == year)]
    vals = vals.reindex(columns=["adcode", "value", "unit", "source", "illustrative", "qualifier", "note", "derivation",
                                 "provenance"])
    frame = units.merge(vals, on="adcode", how="left")
    frame["illustrative"] = frame["illustrative"].astype("boolean").fillna(False).astype(bool)
    frame["rank"] = frame["value"].rank(ascending=False, method="min")
    return frame


def classify_frame(frame: gpd.GeoDataFrame, scheme: str, k: int, classes: Classes | None = None,
                   palette: str = DEFAULT_SEQUENTIAL,
                   centre: float | None = None) -> tuple[gpd.GeoDataFrame, Classes | None, list[str]]:
    """Add class index and fill colour; no-data units get the flat no-data grey.

    Given classes (shared by several maps, or fixed across years) are used as they are; a centre (100 = on
    track, 0 = no growth) gives diverging classes split at the centre, dark at both extremes.
    """
    values = frame["value"].to_numpy()
    if centre is not None:
        classes = classes if classes is not None else classify_around(values, centre, scheme, k)
        fills = (diverging_colours(classes.n_below, classes.k - classes.n_below, diverging_palette(centre))
                 if classes else [])
    else:
        classes = classes if classes is not None else classify(values, scheme, k)
        fills = colours(classes.k, palette) if classes else []
    out = frame.copy()
    idx = classes.assign(out["value"].to_numpy()) if classes else np.full(len(out), -1)
    out["class"] = idx
    out["fill"] = [fills[i] if i >= 0 else NO_DATA_FILL for i in idx]
    return out, classes, fills


@dataclass
class MapText:
    """Everything written on the map, already in the view's language."""

    title: str
    lang: str
    indicator: Indicator
    notes: list[str] = field(default_factory=list)
    approval: str = ""  # the map approval number (审图号); empty: the map says it is schematic


def tooltip_properties(frame: gpd.GeoDataFrame, text: MapText) -> pd.DataFrame:
    """Escaped strings for the tooltip: Folium's GeoJsonTooltip inserts them as raw HTML; sources in words."""
    n = int(frame["value"].notna().sum())
    lang = text.lang
    unit = text.indicator.unit_en if lang == "en" else text.indicator.unit
    names = frame["name_en"] if lang == "en" else frame["name_zh"]
    other = frame["name_zh"] if lang == "en" else frame["name_en"]
    rows = []
    for name, alt, v, r, src, ill in zip(names, other, frame["value"], frame["rank"], frame["source"],
                                         frame["illustrative"], strict=True):
        has = pd.notna(v)
        flag = f" ({t('illustrative_short', lang)})" if ill else ""
        value = f"{number(v)} {unit}{flag}" if has else t("no_data", lang)
        rows.append({
            "tip_name": f"{esc(name)} <small>{esc(alt)}</small>",
            "tip_value": esc(value),
            "tip_rank": esc(t("rank_of", lang, rank=int(r), n=n)) if has else "—",
            "tip_source": esc(tooltip_source(src, lang)) if has else "—",
        })
    return pd.DataFrame(rows, index=frame.index)


def build_map(frame: gpd.GeoDataFrame, classes: Classes | None, fills: list[str], text: MapText,
              neighbours: gpd.GeoDataFrame | None = None, tile_url: str | None = None,
              tile_attribution: str = "", id_prefix: str = "", role: str = "main",
              zones: ZoneOverlay | None = None) -> folium.Map:
    """A Folium map from a classified frame: no tiles unless a URL is given, vendored Leaflet, SVG paths.

    Nothing is written on the map itself: title, legend and sources go around it (map_caption). Leaflet's own
    controls sit where Gansu's outline leaves room: zoom and layers top right, the scale bottom left.
    id_prefix keeps element ids unique when several maps share a page; role names the map to static/js;
    zones, when given, are drawn over the choropleth as outlines and named in its tooltip.
    """
    minx, miny, maxx, maxy = frame.total_bounds
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=6, tiles=None,
                   control_scale=True, zoom_snap=0.1, min_zoom=4, max_zoom=12, zoom_control="topright")
    m.default_js = [("leaflet", LEAFLET_JS)]
    m.default_css = [("leaflet_css", LEAFLET_CSS), ("ipmap_css", MAP_CSS)]
    if tile_url:
        folium.TileLayer(tile_url, attr=tile_attribution or tile_url, name="basemap", overlay=False).add_to(m)
    if neighbours is not None and len(neighbours):
        folium.GeoJson(
            neighbour_features(neighbours), name="neighbours", interactive=False, control=False,
            style_function=lambda _f: {"fillColor": "#ebebe7", "color": "#c4c4c0", "weight": 0.8, "fillOpacity": 1},
        ).add_to(m)
    props = tooltip_properties(frame, text)
    extra = [c for c in ("tip_change", "tip_series") if c in frame.columns]  # pre-escaped HTML/SVG
    if zones is not None:
        props["tip_zones"] = [zones.labels.get(a, "—") for a in frame["adcode"]]
    labels = ["region", "value", "rank", "source"] + (["zones"] if zones is not None else [])
    data = gpd.GeoDataFrame(
        {"adcode": frame["adcode"], "fill": frame["fill"], **{c: props[c] for c in props.columns},
         **{c: frame[c].fillna("") for c in extra}},
        geometry=frame.geometry.values, crs=frame.crs,
    )
    fields = list(props.columns)
    layer = folium.GeoJson(
        feature_collection(data), name=esc(text.title), control=False,
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": OUTLINE, "weight": 0.6,
                                  "fillOpacity": 0.85},
        highlight_function=lambda _f: {"weight": 2.5, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=[*fields, *extra],
                                      aliases=[esc(t(k, text.lang)) for k in labels]
                                      + [esc(t(c, text.lang)) for c in extra],
                                      sticky=True, class_name="ipmap-tooltip"),
        smooth_factor=0.5,
    ).add_to(m)
    LayerRegistry(layer, role).add_to(m)  # type: ignore[arg-type]  # folium: add_to returns Element
    add_labels(m, frame, text.lang)
    if zones is not None:
        zones.add_to(m, key=False)
        folium.LayerControl(position="topright", collapsed=True).add_to(m)
    name_controls(m, text.lang)
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    stable_ids(m, id_prefix)
    return m


def map_caption(frame: gpd.GeoDataFrame, classes: Classes | None, fills: list[str], text: MapText,
                zones: ZoneOverlay | None = None) -> dict[str, str]:
    """The words around a map (layers.legend.caption): title, definition, legend, zone key, sources, boundaries."""
    names = frame["name_en"] if text.lang == "en" else frame["name_zh"]
    return caption(text.title, text.indicator, text.lang, classes, fills, list(names[frame["value"].isna()]),
                   frame["source"].dropna(), bool(frame["illustrative"].any()), text.notes,
                   zones.key if zones is not None else "", text.approval)


_NEIGHBOURS_LOCK = threading.Lock()
_NEIGHBOURS: list[tuple[gpd.GeoDataFrame, dict[str, object]]] = []  # the last frame seen and its GeoJSON


def neighbour_features(neighbours: gpd.GeoDataFrame) -> dict[str, object]:
    """GeoJSON of the neighbouring provinces, rounded for the page, made once per frame and reused.

    Every map passes the same frame (BoundarySet.neighbours); rounding it on each render made new geometries
    each time, and the parsed-geometry cache in layers.render.features then kept ~200 KB per render until it was full.
    """
    with _NEIGHBOURS_LOCK:
        for frame, features in _NEIGHBOURS:
            if frame is neighbours:
                return features
    features = feature_collection(rounded(neighbours[["name_zh", "geometry"]], 2).assign(
        name_zh=neighbours["name_zh"].map(esc)))
    with _NEIGHBOURS_LOCK:
        _NEIGHBOURS[:] = [(neighbours, features)]
    return features


def rounded(frame: gpd.GeoDataFrame, decimals: int) -> gpd.GeoDataFrame:
    """Coordinates rounded to what the zoom needs: fewer bytes per vertex on the page."""
    out = frame.copy()
    out["geometry"] = round_coordinates(frame.geometry.values, decimals)
    return out

