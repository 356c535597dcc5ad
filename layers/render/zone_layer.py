"""The zone overlay drawn over any map: thin haloed outlines (hatching on demand), a key, and tooltip labels."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import folium
import geopandas as gpd
from branca.element import Element

from geo.simplify import round_coordinates
from layers.core.fmt import esc
from layers.core.i18n import t
from layers.core.zones import ZONE_TYPES, Units, Zone, ZoneBook, drawable, zone_frame, zones_of_region
from layers.render.controls import HtmlControl
from layers.render.features import feature_collection

INK = "#1a1a1a"
HALO = "#ffffff"


@dataclass(frozen=True)
class ZoneStyle:
    """How one zone type is drawn: a hatch pattern and an outline dash (None: solid)."""

    pattern: str
    dash: str | None


# Outlines tell the types apart by their dashes; the hatch patterns show only when the reader asks for them.
STYLES: dict[str, ZoneStyle] = {
    "reform_zone": ZoneStyle("diag45", "12 6"),
    "new_area": ZoneStyle("dots", "3 5"),
    "demonstration_zone": ZoneStyle("diag135", "8 4 2 4"),
    "cultural_zone": ZoneStyle("horizontal", "2 4"),
    "provincial_platform": ZoneStyle("horizontal", "2 4"),
    "ip_province": ZoneStyle("vertical", None),  # province-wide: listed, never drawn
    "ip_city": ZoneStyle("vertical", None),
    "ip_county": ZoneStyle("horizontal", "6 3"),
    "gi_zone": ZoneStyle("grid", "1 3 1 3 7 3"),
    "ip_park": ZoneStyle("grid", "10 3 2 3"),
}
LINE_WEIGHT, HALO_WEIGHT = 1.4, 3.4


def _line(x1: float, y1: float, x2: float, y2: float) -> str:
    # A white line under a dark one, so the hatch shows on the lightest and the darkest fill alike.
    coords = f'x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"'
    return (f'<line {coords} stroke="{HALO}" stroke-width="2.6" stroke-opacity="0.75"/>'
            f'<line {coords} stroke="{INK}" stroke-width="1.1"/>')


_PATTERN_BODIES = {
    "diag45": ("rotate(45)", _line(1.5, 0, 1.5, 8)),
    "diag135": ("rotate(-45)", _line(1.5, 0, 1.5, 8)),
    "vertical": ("", _line(1.5, 0, 1.5, 8)),
    "horizontal": ("", _line(0, 1.5, 8, 1.5)),
    "grid": ("rotate(45)", _line(1.5, 0, 1.5, 8) + _line(0, 1.5, 8, 1.5)),
    "dots": ("", f'<circle cx="4" cy="4" r="1.7" fill="{INK}" stroke="{HALO}" stroke-width="1.1"/>'),
}
PATTERNS_SVG = (
    '<svg width="0" height="0" style="position:absolute" aria-hidden="true" focusable="false"><defs>'
    + "".join(f'<pattern id="ipmap-zone-{name}" patternUnits="userSpaceOnUse" width="8" height="8"'
              + (f' patternTransform="{tr}"' if tr else "") + f">{body}</pattern>"
              for name, (tr, body) in _PATTERN_BODIES.items())
    + "</defs></svg>"
)


def add_zone_patterns(m: folium.Map) -> None:
    """Define the hatch patterns once per page (fillColor: url(#ipmap-zone-...))."""
    m.get_root().html.add_child(Element(PATTERNS_SVG), name="ipmap_zone_patterns")  # type: ignore[attr-defined]


def swatch(zone_type: str) -> str:
    """A small key swatch: the type's outline as drawn, and its hatch when hatching is on."""
    st = STYLES[zone_type]
    dash = f' stroke-dasharray="{st.dash.replace(" ", ",")}"' if st.dash else ""
    return ('<svg class="ipmap-zone-swatch" width="28" height="14" aria-hidden="true" focusable="false">'
            '<rect x="1" y="1" width="26" height="12" fill="#e9e9e9"/>'
            f'<rect class="ipmap-zone" x="1" y="1" width="26" height="12" fill="url(#ipmap-zone-{st.pattern})"'
            f' fill-opacity="0" stroke="{INK}" stroke-width="{LINE_WEIGHT}"{dash}/></svg>')


def relation_label(zone: Zone, relation: str, lang: str) -> str:
    """'兰州新区（部分）': a zone name with how the region relates to it, unescaped."""
    suffix = {"partial": t("zone_partial_short", lang), "contains": t("zone_contains_short", lang)}.get(relation)
    if not suffix:
        return zone.name(lang)
    return f"{zone.name(lang)} ({suffix})" if lang == "en" else f"{zone.name(lang)}（{suffix}）"


def zone_labels(zones: list[Zone], adcodes: list[str], units: Units, lang: str) -> dict[str, str]:
    """Escaped tooltip text per unit: the drawn zones it is in, partly in, or contains members of."""
    shown = drawable(zones)
    out = {}
    for a in adcodes:
        names = [relation_label(m.zone, m.relation, lang) for m in zones_of_region(shown, a, units)]
        out[a] = esc("；".join(names) if lang != "en" else "; ".join(names)) if names else "—"
    return out


def key_html(zones: list[Zone], all_zones: list[Zone], year: int | None, lang: str) -> str:
    """The zone key, folded: one row per drawn type with its outline, the as-of year, a hatching switch, and what
    is not drawn."""
    shown = drawable(zones)
    types = [ty for ty in ZONE_TYPES if any(z.type == ty for z in shown)]
    when = t("zones_as_of", lang, year=year) if year is not None else t("zones_any_year", lang)
    rows = [f"<summary>{esc(t('zones', lang))}<span class='ipmap-unit'> · {esc(when)}</span></summary>"]
    for ty in types:
        n = sum(z.type == ty for z in shown)
        extra = f"<small>{esc(t('new_area_key', lang))}</small>" if ty == "new_area" else ""
        rows.append(f'<div class="ipmap-legend-row">{swatch(ty)}<span>{esc(t("zone_type_" + ty, lang))}'
                    f" ({n}){extra}</span></div>")
    if not types:
        rows.append(f'<div class="ipmap-legend-row">{esc(t("zones_none_drawn", lang))}</div>')
    hidden = sum(1 for z in zones if not z.members and not z.province_wide)
    notes = [t("zones_unknown_members", lang, n=hidden)] if hidden else []
    if year is not None and any(z.start is None and z.end is None and z.members for z in all_zones):
        notes.append(t("zones_no_term_note", lang))
    notes_html = "".join(f"<div class='ipmap-source'>{esc(n)}</div>" for n in notes)
    link = (f'<div class="ipmap-source"><a href="/zones?lang={esc(lang)}" target="_top">'
            f'{esc(t("zones_list_link", lang))}</a></div>')
    hatch = (f'<label class="ipmap-hatch-toggle"><input type="checkbox" data-zone-hatch> '
             f'{esc(t("hatch_zones", lang))}</label>') if types else ""
    return f'<details class="ipmap-zonekey-details">{"".join(rows)}{hatch}{notes_html}{link}</details>'


@dataclass
class ZoneOverlay:
    """Everything the map needs to draw zones: their shapes, the tooltip labels per unit and the key."""

    frame: gpd.GeoDataFrame  # zone_frame(): id, zone_type, name_zh, name_en, partial, geometry
    labels: dict[str, str]  # adcode -> escaped label
    key: str  # escaped HTML
    lang: str

    @cached_property
    def collections(self) -> dict[str, dict[str, object]]:
        """Shapes per zone type as GeoJSON, built once per overlay (the atlas keeps overlays): read-only."""
        out = {}
        for ty in ZONE_TYPES:
            sub = self.frame[self.frame["zone_type"] == ty]
            if not sub.empty:
                out[ty] = feature_collection(sub[["id", "geometry"]])
        return out

    def add_to(self, m: folium.Map, key: bool = True) -> None:
        """One toggleable group per zone type: a white halo under a thin dark (dashed) outline; inert.

        The hatch fill is there but transparent (class ipmap-zone): the key's switch shows it with CSS. With
        key, the key is placed on the map as a control (locator maps); a map page places it below the map.
        """
        add_zone_patterns(m)
        for ty, data in self.collections.items():
            st = STYLES[ty]
            group = folium.FeatureGroup(name=esc(t("zone_type_" + ty, self.lang)), overlay=True, show=True)
            folium.GeoJson(data, interactive=False, control=False, style_function=lambda _f: {
                "color": HALO, "weight": HALO_WEIGHT, "opacity": 0.75, "fill": False}).add_to(group)
            folium.GeoJson(data, interactive=False, control=False, style_function=lambda _f, p=st.pattern, d=st.dash: {
                "fillColor": f"url(#ipmap-zone-{p})", "fillOpacity": 0, "className": "ipmap-zone", "color": INK,
                "weight": LINE_WEIGHT, "opacity": 1, "dashArray": d}).add_to(group)
            group.add_to(m)
        if key:
            HtmlControl(self.key, "bottomright", "ipmap-zonekey").add_to(m)


def build_overlay(book: ZoneBook, year: int | None, counties: gpd.GeoDataFrame, units: Units,
                  adcodes: list[str], lang: str, decimals: int = 3) -> ZoneOverlay:
    """The overlay for one map: zones in force in the year, dissolved from the map's own counties."""
    zones = book.as_of(year)
    frame = zone_frame(zones, counties, units)
    frame["geometry"] = round_coordinates(frame.geometry.values, decimals)
    return ZoneOverlay(frame, zone_labels(zones, adcodes, units, lang), key_html(zones, list(book.zones), year, lang),
                       lang)
