"""Proportional symbols for counts: a circle per unit whose area is proportional to its value.

A choropleth of counts lets a large, populous unit dominate by its size; a circle's area says "how many" without
that. Circles are scaled by the square root (area, not radius, follows the value), drawn largest first so small
ones stay on top and visible, and keyed by nested circles of round values. On the web each circle is a focusable
element with the unit's tooltip; exports draw the same circles with matplotlib.
"""

from __future__ import annotations

import math

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template
from matplotlib.axes import Axes
from matplotlib.offsetbox import AnchoredOffsetbox, DrawingArea, TextArea, VPacker
from matplotlib.patches import Circle
from matplotlib.text import Text

from layers.core.fmt import esc, number
from layers.core.i18n import t
from layers.render.choropleth import MapText
from layers.render.image import cjk_family
from layers.render.legend import legend_html
from layers.render.palettes import NO_DATA_FILL

FILL = "#2c7fb8"
BASE_FILL = "#f4f3ee"  # units under the circles: quiet, so the circles carry the values
MAX_RADIUS = 26.0  # px on the web map: the largest value's circle on a large map; static/js/symbols.js scales
# it to 4% of the map's shorter side (at least 8 px) so a phone's county map is not one blob, and redraws the key
PANE = "ipmap-symbols"


def radii(values: np.ndarray | pd.Series, max_radius: float = MAX_RADIUS, top: float | None = None) -> np.ndarray:
    """Radius per value so that areas are proportional to values (r = R * sqrt(v / max)); 0 for none or <= 0."""
    vals = np.asarray(values, dtype=float)
    top = float(np.nanmax(vals)) if top is None and np.isfinite(vals).any() else top
    if not top or top <= 0:
        return np.zeros(len(vals))
    clean = np.where(np.isfinite(vals) & (vals > 0), vals, 0.0)
    return max_radius * np.sqrt(clean / top)


def round_values(top: float, n: int = 3) -> list[float]:
    """Round numbers (1, 2 or 5 times a power of ten) for the legend, largest not above the maximum."""
    if top <= 0 or not math.isfinite(top):
        return []
    nice = sorted({m * 10.0**e for e in range(math.floor(math.log10(top)) - 3, math.floor(math.log10(top)) + 1)
                   for m in (1, 2, 5) if m * 10.0**e <= top}, reverse=True)
    out = [nice[0]]
    for v in nice[1:]:  # each next about a quarter of the area of the one above it, so the circles read apart
        if v <= out[-1] / 3.5:
            out.append(v)
        if len(out) == n:
            break
    return out


def legend_svg(top: float, unit: str, max_radius: float = MAX_RADIUS) -> str:
    """Nested circles of round values sharing one baseline, each labelled at its top (escaped SVG)."""
    values = round_values(top)
    if not values:
        return ""
    rs = radii(np.asarray(values), max_radius, top)
    gap = 13.0  # labels at least a line apart, each joined to its circle's top by a leader
    tops = [2 * rs[0] - 2 * r for r in rs]  # circle tops, measured down from the largest's top
    ys: list[float] = []
    for y in tops:
        ys.append(max(y, ys[-1] + gap) if ys else y)
    height = int(max(2 * rs[0], ys[-1] + 6) + 14)
    width = int(2 * rs[0] + 96)
    base, cx, off = 2 * rs[0] + 8, rs[0] + 2, 8.0
    out = [f'<svg class="ipmap-symbol-legend" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           f'data-top="{top!r}" data-max-radius="{max_radius!r}" '  # static/js/symbols.js redraws it at the map's R
           f'role="img" aria-label="{esc(", ".join(number(v) for v in values))} {esc(unit)}">']
    for v, r, ty, ly in zip(values, rs, tops, ys, strict=True):
        out.append(f'<circle cx="{cx:.1f}" cy="{base - r:.1f}" r="{r:.1f}" fill="none" stroke="#555" '
                   f'stroke-width="1" data-value="{v!r}"/>'
                   f'<polyline points="{cx:.1f},{ty + off:.1f} {cx + rs[0] + 4:.1f},{ly + off:.1f} '
                   f'{cx + rs[0] + 10:.1f},{ly + off:.1f}" fill="none" stroke="#888" stroke-dasharray="2 2"/>'
                   f'<text x="{cx + rs[0] + 13:.1f}" y="{ly + off + 4:.1f}" font-size="11" fill="#333">'
                   f"{esc(number(v))}</text>")
    out.append("</svg>")
    return "".join(out)


def points(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A point inside each unit that has a positive value, with its value and flag, largest first."""
    has = (frame["value"].notna() & (frame["value"] > 0)).to_numpy()
    pts = gpd.GeoDataFrame({"adcode": frame["adcode"], "value": frame["value"],
                            "illustrative": frame["illustrative"].astype(bool)},
                           geometry=frame.geometry.representative_point().values, crs=frame.crs)
    return pts[has].sort_values("value", ascending=False, kind="stable")


def symbol_frame(frame: gpd.GeoDataFrame, text: MapText, max_radius: float = MAX_RADIUS) -> gpd.GeoDataFrame:
    """One point per unit with a positive value (inside the unit) and its radius, largest first. The tooltip and
    the screen readers' name are the unit's own (its shape's), so the page carries them once."""
    pts = gpd.GeoDataFrame(
        {"adcode": frame["adcode"], "radius": np.round(radii(frame["value"], max_radius), 2),
         "value": frame["value"], "illustrative": frame["illustrative"].astype(bool)},
        geometry=frame.geometry.representative_point().values, crs=frame.crs)
    has = (frame["value"].notna() & (frame["value"] > 0)).to_numpy()
    return pts[has].sort_values("value", ascending=False, kind="stable")


def point_features(pts: gpd.GeoDataFrame) -> dict[str, object]:
    """The circles as GeoJSON, centres rounded to ~1 km; built here (not through the shared geometry cache,
    which would keep every render's new points)."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(x, 2), round(y, 2)]},
         "properties": {"adcode": a, "radius": round(float(r), 2)} | ({"illustrative": True} if ill else {})}
        for a, r, ill, x, y in zip(pts["adcode"], pts["radius"], pts["illustrative"], pts.geometry.x,
                                   pts.geometry.y, strict=True)]}


class SymbolRegistry(MacroElement):
    """Registers a circle layer in window.ipmapSymbols: static/js/symbols.js sizes each circle, names it for
    screen readers from its unit's tooltip, puts it in the tab order and opens that tooltip on hover and focus."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (window.ipmapSymbols = window.ipmapSymbols || []).push({
            map: {{ this._parent.get_name() }}, layer: {{ this.layer.get_name() }}
        });
        {% endmacro %}
        """
    )

    def __init__(self, layer: folium.GeoJson):
        super().__init__()
        self._name = "SymbolRegistry"
        self.layer = layer


def symbol_legend(frame: gpd.GeoDataFrame, text: MapText) -> str:
    """The symbol map's key for the caption: the unit, nested circles of round values on the map's scale, what the
    areas mean, and no data (layers.render.legend's rows, without colour classes)."""
    lang = text.lang
    unit = text.indicator.unit_en if lang == "en" else text.indicator.unit
    names = frame["name_en"] if lang == "en" else frame["name_zh"]
    top = float(frame["value"].max()) if frame["value"].notna().any() else 0.0
    rows = legend_html(None, [], text.indicator, lang, list(names[frame["value"].isna()]), False)
    cut = rows.index("</div>") + len("</div>")  # after the unit line
    circles = legend_svg(top, unit) + f'<div class="ipmap-symbols-note">{esc(t("symbols_note", lang))}</div>'
    return rows[:cut] + circles + rows[cut:]


def add_symbols(m: folium.Map, frame: gpd.GeoDataFrame, text: MapText,
                max_radius: float = MAX_RADIUS) -> folium.GeoJson:
    """Circles over the map in their own pane (above the units, so a selected unit never covers them)."""
    folium.map.CustomPane(PANE, z_index=450, pointer_events=True).add_to(m)  # hover and click reach them
    marker = folium.CircleMarker()
    marker.options["pane"] = PANE  # folium's CircleMarker drops a pane given as an argument
    layer = folium.GeoJson(
        point_features(symbol_frame(frame, text, max_radius)), name="symbols", control=False, marker=marker,
        style_function=lambda _f: {"fill": True, "fillColor": FILL, "color": "#ffffff", "weight": 1,
                                   "fillOpacity": 0.72},  # one style: an illustrative circle's dashes in the script
    )
    layer.add_to(m)
    SymbolRegistry(layer).add_to(m)
    return layer


def base_fills(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The units under the circles: a quiet fill where there is a value, the no-data fill where there is none."""
    out = frame.copy()
    out["fill"] = np.where(frame["value"].notna(), BASE_FILL, NO_DATA_FILL)
    out["class"] = -1
    return out


def draw_symbols(ax: Axes, points: gpd.GeoDataFrame, unit: str, size: float, max_radius_pt: float = 22.0) -> None:
    """Circles on a static map (points already in the axes' CRS), largest first, and a nested-circle key in the
    upper right. Marker areas in points² are proportional to the values."""
    vals = points["value"].to_numpy(dtype=float)
    top = float(np.nanmax(vals)) if len(vals) else 0.0
    r = radii(vals, max_radius_pt, top)
    order = np.argsort(-np.nan_to_num(vals))
    made_up = points["illustrative"].to_numpy(dtype=bool)
    ax.scatter(points.geometry.x.to_numpy()[order], points.geometry.y.to_numpy()[order], s=(2 * r[order]) ** 2,
               c=FILL, alpha=0.72, edgecolors="white", linewidths=0.8, zorder=4,
               linestyle=[(0, (3, 2)) if made_up[i] else "solid" for i in order])
    values = round_values(top)
    if not values:
        return
    rs = radii(np.asarray(values), max_radius_pt, top)
    ys: list[float] = []
    for rad in rs:  # labels at each circle's top, at least a line apart
        y = 2 * rad + 2
        ys.append(min(y, ys[-1] - size) if ys else y)
    low = min(0.0, min(ys) - size / 2)
    area = DrawingArea(2 * rs[0] + 70, 2 * rs[0] + 4 - low)
    for v, rad, ly in zip(values, rs, ys, strict=True):
        area.add_artist(Circle((rs[0] + 1, rad + 2 - low), rad, facecolor="none", edgecolor="#555555",
                               linewidth=0.8))
        area.add_artist(Text(2 * rs[0] + 8, ly - low, number(v), fontsize=size * 0.8, color="#333333",
                             va="center", fontfamily="DejaVu Sans"))
    heading = TextArea(unit, textprops={"fontsize": size * 0.85, "fontfamily": [cjk_family(), "DejaVu Sans"]})
    box = VPacker(children=[heading, area], align="left", pad=2, sep=3)
    anchored = AnchoredOffsetbox(loc="upper right", child=box, frameon=True, borderpad=0.6)
    anchored.patch.set(facecolor="white", edgecolor="#cccccc", alpha=0.95)
    anchored.set_zorder(6)
    ax.add_artist(anchored)
