"""A view read against a snapshot: checked, joined to the boundaries, its values, its title and its map."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import geopandas as gpd
import pandas as pd

from layers.core.errors import UnknownParameterError
from layers.core.i18n import t
from layers.core.mapnotes import map_notes
from layers.core.view import MapView, ResolvedView
from layers.core.view import resolve as resolve_view
from layers.pages.atlas import DEFAULT_LOD, Atlas
from layers.render.charts import sparkline_column
from layers.render.choropleth import MapText, build_map, classify_frame, join_values, map_caption
from layers.render.controls import stable_ids
from layers.render.folium_text import render_parts
from layers.render.symbols import add_symbols, base_fills, symbol_legend
from layers.stats.snapshot import Snapshot

VALUE_COLUMNS = ["adcode", "name_zh", "name_en", "value", "unit", "rank", "source", "illustrative", "provenance",
                 "note"]


def unit_codes(atlas: Atlas, view: MapView) -> set[str]:
    """Adcodes of the units a view draws: its level's, or on a drill-down (`within`) that prefecture's counties.

    A drill-down needs level=county and a prefecture's adcode; anything else is refused naming the prefectures.
    """
    codes = atlas.level_adcodes(view.level)
    if view.within is None:
        return codes
    prefectures = atlas.level_adcodes("prefecture")
    if view.level != "county" or view.within not in prefectures:
        allowed = sorted(prefectures) if view.level == "county" else ["level=county"]
        raise UnknownParameterError("within", view.within, allowed)
    regions = atlas.regions()
    return codes & set(regions.loc[regions["parent"] == view.within, "adcode"])


def place(atlas: Atlas, view: MapView) -> str:
    """The drill-down's prefecture by name in the view's language, '' for a whole level."""
    if view.within is None:
        return ""
    regions = atlas.regions()
    hit = regions[regions["adcode"] == view.within]
    return str(hit.iloc[0]["name_en" if view.lang == "en" else "name_zh"]) if len(hit) else ""


def resolve(atlas: Atlas, snap: Snapshot, view: MapView) -> ResolvedView:
    """Check a view against what exists and the data of its version (Atlas.resolve); a drill-down against its
    prefecture's counties."""
    if view.within is None:
        return atlas.resolve(snap, view)
    atlas.check(view)
    codes = unit_codes(atlas, view)
    key = ("resolve-within", view.indicator, view.within, view.year, view.base_year)
    rv = atlas.kept(snap, key, lambda: resolve_view(view, snap.catalogue, snap.observations, codes))
    return replace(rv, view=view, place=place(atlas, view))


def frame(atlas: Atlas, snap: Snapshot, view: MapView) -> tuple[ResolvedView, gpd.GeoDataFrame]:
    """Units of the view's level (or of its drill-down) joined with its values."""
    rv = resolve(atlas, snap, view)
    lod = view.lod if view.lod is not None else DEFAULT_LOD[view.level]
    units = atlas.page_units(view.level, lod)
    if view.within is not None:
        units = units[units["adcode"].isin(unit_codes(atlas, view))]
    return rv, join_values(units, snap.observations, rv.indicator.id, rv.year)


def title(rv: ResolvedView) -> str:
    """'常住人口（2020年，县区）', 'Resident population (2020, Counties)'; a drill-down names its prefecture:
    '常住人口（2020年，兰州市 县区）'."""
    lang = rv.view.lang
    name = rv.indicator.name_en if lang == "en" else rv.indicator.name_zh
    return t("map_of", lang, indicator=name, year=rv.year, level=level_label(rv))


def level_label(rv: ResolvedView) -> str:
    """'县区', or on a drill-down '兰州市 县区' / 'Counties of Lanzhou City'."""
    lang = rv.view.lang
    level = t(f"level_{rv.view.level}", lang)
    if rv.place:
        return f"{rv.place} {level}" if lang == "zh" else f"{level} of {rv.place}"
    return level


def values(atlas: Atlas, snap: Snapshot, view: MapView) -> tuple[ResolvedView, pd.DataFrame]:
    """The values behind a view, one row per unit, with rank and source (no geometry); kept per version."""
    resolve(atlas, snap, view)  # before the look-up: a view that names nothing gets no entry
    key = ("values", view.model_dump_json(exclude={"lang", "scheme", "k", "version", "demo", "style"}))
    rv, df = atlas.kept(snap, key, lambda: _values(atlas, snap, view))
    return rv if rv.view == view else replace(rv, view=view, place=place(atlas, view)), df.copy()


def _values(atlas: Atlas, snap: Snapshot, view: MapView) -> tuple[ResolvedView, pd.DataFrame]:
    rv, joined = frame(atlas, snap, view)
    return rv, pd.DataFrame(joined[VALUE_COLUMNS])


def render_map(atlas: Atlas, snap: Snapshot, view: MapView) -> dict[str, Any]:
    """Head, body and script of the view's Folium map, its title, and its caption (the words placed around it),
    kept per (view, data version)."""
    return atlas.memo(snap, "map", view, lambda: _render_map(atlas, snap, view))


def _render_map(atlas: Atlas, snap: Snapshot, view: MapView) -> dict[str, Any]:
    rv, joined = frame(atlas, snap, view)
    sparks = sparkline_column(joined, snap.observations, rv.indicator.id, view.lang)
    if sparks.str.len().any():  # a tooltip row only when some unit has two years or more
        joined["tip_series"] = sparks
    notes = map_notes(rv.indicator, view.level, snap.catalogue, view.lang)
    text = MapText(title(rv), view.lang, rv.indicator, notes, atlas.map_approval)
    zones = atlas.zone_overlay(view, list(joined.adcode))
    if rv.style == "symbols":  # circles sized by value over quietly filled units
        base = base_fills(joined)
        m = build_map(base, None, [], text, atlas.boundaries.neighbours(), atlas.tile_url,
                      atlas.tile_attribution, zones=zones)
        add_symbols(m, joined, text)
        stable_ids(m)
        caption = map_caption(base, None, [], text, zones) | {"legend": symbol_legend(joined, text)}
        return render_parts(m) | {"title": title(rv), "caption": caption}
    classified, classes, fills = classify_frame(joined, view.scheme, view.k, centre=rv.indicator.centre)
    m = build_map(classified, classes, fills, text, atlas.boundaries.neighbours(), atlas.tile_url,
                  atlas.tile_attribution, zones=zones)
    return render_parts(m) | {"title": title(rv), "caption": map_caption(classified, classes, fills, text, zones)}


def indicators(atlas: Atlas, snap: Snapshot) -> list[dict[str, Any]]:
    """The catalogue with, for each indicator, the years its version has at each level."""
    return copy.deepcopy(atlas.kept(snap, ("indicators",), lambda: _indicators(atlas, snap)))


def _indicators(atlas: Atlas, snap: Snapshot) -> list[dict[str, Any]]:
    obs = snap.observations
    levels = {lvl: atlas.level_adcodes(lvl) for lvl in ("prefecture", "county")} | {"province": {"620000"}}
    pairs = obs[["indicator", "year", "adcode"]].drop_duplicates(["indicator", "year", "adcode"])
    by_level = {lvl: pairs[pairs.adcode.isin(codes)].groupby("indicator").year.unique()
                for lvl, codes in levels.items()}
    out = []
    for ind in snap.catalogue.indicators.values():
        years = {lvl: sorted(int(y) for y in yrs.get(ind.id, [])) for lvl, yrs in by_level.items()}
        out.append(ind.model_dump() | {"additive": ind.additive,
                                       "years": {k: v for k, v in years.items() if v},
                                       "levels": [k for k, v in years.items() if v]})
    return out


def hides_illustrative(atlas: Atlas, snap: Snapshot, view: MapView) -> bool:
    """Whether the real reading of the view leaves out illustrative values of its indicator at its level (so the
    page can offer the demonstration): the same version read both ways, compared."""
    if snap.demo:
        return False

    def count() -> bool:
        codes = atlas.level_adcodes(view.level)
        n = [int((o.illustrative & (o.indicator == view.indicator) & o.adcode.isin(codes)).sum())
             for o in (atlas.snapshot(snap.version, demo=True, draft=snap.draft).observations, snap.observations)]
        return n[0] > n[1]

    return bool(atlas.kept(snap, ("hides", view.indicator, view.level), count))
