"""Place names on the map: prefecture names on a prefecture map, county names once the reader zooms in.

The names reach the page as JSON inside the map's script (Jinja's tojson: no `<`, `>` or `&` in a script) and the
browser puts each one into the page as text (textContent), never as HTML. Labels let the pointer through (Leaflet
gives non-interactive markers no pointer events), so every unit under a name can still be hovered and clicked;
where two names would overlap, or a name would leave the map, the later (smaller) unit's name is hidden.
"""

from __future__ import annotations

import re

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import MacroElement
from jinja2 import Template

COUNTY_LABELS_FROM = 7.5  # the zoom from which county names show (the province fills a desktop map near 6.4)
DECIMALS = 4  # about 10 m: more than enough to place a name
CAPITAL = "620100"  # 兰州市, the provincial capital: its name shows first


# A prefecture's English name on the map: 'Lanzhou', 'Linxia', 'Gannan' (the tooltip and the ranking keep the
# full name). County names keep theirs: Linxia City and Linxia County lie side by side.
PREFECTURE_SUFFIX = re.compile(r" (City|Hui Autonomous Prefecture|Tibetan Autonomous Prefecture)$")


def label_points(frame: gpd.GeoDataFrame, lang: str) -> list[tuple[float, float, str]]:
    """(lat, lng, name) of each unit at a point inside it, the capital and then the largest units first."""
    names = list(frame["name_en"] if lang == "en" else frame["name_zh"])
    if lang == "en" and labels_from(frame) == 0:
        names = [PREFECTURE_SUFFIX.sub("", n) if isinstance(n, str) else n for n in names]
    shapes = np.asarray(frame.geometry.values)
    points = shapely.point_on_surface(shapes)  # in degrees: only the order of the areas matters here
    # The capital first, then the largest: they keep their names where names collide.
    capital = np.asarray(frame["adcode"].astype(str) == CAPITAL)
    order = np.lexsort((-shapely.area(shapes), ~capital))
    return [(round(float(shapely.get_y(points[i])), DECIMALS), round(float(shapely.get_x(points[i])), DECIMALS),
             names[i]) for i in order if isinstance(names[i], str) and names[i]]


def labels_from(frame: gpd.GeoDataFrame) -> float:
    """The zoom from which a map shows its names: always on a prefecture map, zoomed in on a county map."""
    return 0.0 if frame["adcode"].astype(str).str.endswith("00").all() else COUNTY_LABELS_FROM  # 嘉峪关 620200 is both


class PlaceLabels(MacroElement):
    """Unit names as Leaflet markers in the marker pane, shown from a zoom, decluttered after every move."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }}, from = {{ this.min_zoom|tojson }}, group = L.layerGroup();
            var marks = {{ this.points|tojson }}.map(function (p) {
                var text = document.createElement("span");
                text.textContent = p[2];
                return L.marker([p[0], p[1]], {interactive: false, keyboard: false, icon: L.divIcon(
                    {className: {{ this.css_class|tojson }}, html: text, iconSize: null})}).addTo(group);
            });
            function declutter() {
                var on = map.getZoom() >= from - 1e-6;
                if (on !== map.hasLayer(group)) { if (on) { group.addTo(map); } else { map.removeLayer(group); } }
                if (!on) return;
                // Where each name will stand once the view settles, from its point and its text's layout size:
                // a name's screen box is mid-flight during a zoom or pan animation (and on a phone the fit
                // zooms in animation), so measuring it then let names end up over each other.
                var size = map.getSize(), placed = [];
                marks.forEach(function (m) {
                    var el = m.getElement();
                    if (!el) return;
                    el.style.visibility = "";
                    var p = map.latLngToContainerPoint(m.getLatLng()), w = el.firstChild.offsetWidth + 1,
                        h = el.firstChild.offsetHeight + 1;
                    var r = {left: p.x - w / 2, right: p.x + w / 2, top: p.y - h / 2, bottom: p.y + h / 2};
                    var out = r.left < 0 || r.right > size.x || r.top < 0 || r.bottom > size.y;
                    var clash = placed.some(function (q) {
                        return r.left < q.right + 3 && r.right > q.left - 3 && r.top < q.bottom && r.bottom > q.top;
                    });
                    if (out || clash) { el.style.visibility = "hidden"; } else { placed.push(r); }
                });
            }
            map.on("zoomend moveend resize", declutter);
            map.whenReady(declutter);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, points: list[tuple[float, float, str]], min_zoom: float, css_class: str = "ipmap-label"):
        super().__init__()
        self._name = "PlaceLabels"
        self.points, self.min_zoom, self.css_class = points, min_zoom, css_class


def add_labels(m: folium.Map, frame: gpd.GeoDataFrame, lang: str) -> None:
    """Name the frame's units on its map: prefectures at every zoom, counties from COUNTY_LABELS_FROM."""
    prefectures = labels_from(frame) == 0
    PlaceLabels(label_points(frame, lang), labels_from(frame),
                "ipmap-label ipmap-label-prefecture" if prefectures else "ipmap-label").add_to(m)
