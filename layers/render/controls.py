"""Folium elements of our own: HTML boxes placed as Leaflet controls (locator maps), stable ids, the map registry."""

from __future__ import annotations

import itertools

import folium
from branca.element import MacroElement
from jinja2 import Template


class HtmlControl(MacroElement):
    """Pre-escaped HTML shown as a Leaflet control; the HTML sits in the page body, never inside a script."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <div id="{{ this.get_name() }}" class="ipmap-control {{ this.css_class }}" hidden>{{ this.content }}</div>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var box = document.getElementById({{ this.get_name()|tojson }});
            var control = L.control({position: {{ this.position|tojson }}});
            control.onAdd = function () {
                box.hidden = false;
                L.DomEvent.disableClickPropagation(box);
                L.DomEvent.disableScrollPropagation(box);
                return box;
            };
            control.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, content: str, position: str = "topright", css_class: str = ""):
        super().__init__()
        self._name = "HtmlControl"
        self.content, self.position, self.css_class = content, position, css_class


def stable_ids(m: folium.Map, prefix: str = "") -> None:
    """Replace Folium's random element ids with counters, so the same view renders to the same bytes.

    A prefix keeps ids apart when several maps share one page (compare view).
    """
    counter = itertools.count()
    stack = [m.get_root()]
    while stack:
        el = stack.pop(0)
        el._id = f"{prefix}{next(counter):04x}"
        stack.extend(el._children.values())


class LayerRegistry(MacroElement):
    """Registers a map and its GeoJSON layer in window.ipmapMaps, so static/js can find a unit by adcode."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (window.ipmapMaps = window.ipmapMaps || []).push({
            map: {{ this._parent.get_name() }}, layer: {{ this.layer.get_name() }}, role: {{ this.role|tojson }}
        });
        {% endmacro %}
        """
    )

    def __init__(self, layer: folium.GeoJson, role: str = "main"):
        super().__init__()
        self._name = "LayerRegistry"
        self.layer, self.role = layer, role
