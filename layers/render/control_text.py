"""Leaflet's own controls in the page's language: the zoom buttons and the layer switch say 放大, 缩小, 图层.

Leaflet names them in English (its titles are what a screen reader announces and a mouse shows); folium gives no
option for them, so a line of the map's script renames them once the controls exist. The words travel as JSON.
"""

from __future__ import annotations

import folium
from branca.element import MacroElement
from jinja2 import Template

from layers.core.i18n import t


class ControlText(MacroElement):
    """Titles and labels of the map's zoom and layer controls, set once the whole map script has run."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }}, words = {{ this.words|tojson }};
            function name(el, text) { if (el) { el.title = text; el.setAttribute("aria-label", text); } }
            window.setTimeout(function () {  // folium adds the zoom and layer controls after the map's layers
                var box = map.getContainer();
                box.querySelectorAll(".leaflet-control-zoom-in").forEach(function (a) { name(a, words.zoom_in); });
                box.querySelectorAll(".leaflet-control-zoom-out").forEach(function (a) { name(a, words.zoom_out); });
                box.querySelectorAll(".leaflet-control-layers-toggle").forEach(function (a) {
                    name(a, words.map_layers);
                });
            }, 0);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, lang: str):
        super().__init__()
        self._name = "ControlText"
        self.words = {key: t(key, lang) for key in ("zoom_in", "zoom_out", "map_layers")}


def name_controls(m: folium.Map, lang: str) -> None:
    """Rename the map's Leaflet controls into the language."""
    ControlText(lang).add_to(m)
