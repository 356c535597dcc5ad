"""Compare two years or two indicators: one shared classification, and a change map centred on zero."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from layers.core.catalogue import Indicator
from layers.core.errors import UnknownParameterError
from layers.core.i18n import t
from layers.core.sources import source_line_html
from layers.core.view import MapView, ResolvedView
from layers.pages import frames
from layers.pages.atlas import Atlas
from layers.pages.maps import view_page
from layers.render.choropleth import MapText, build_map, classify_frame, map_caption
from layers.render.folium_text import render_parts
from layers.render.legend import boundary_line_html
from layers.render.multimap import merge_bodies, merge_heads
from layers.render.palettes import CHANGE_DIVERGING
from layers.stats.change import base_year, difference, diverging_classes, shared_classes
from layers.stats.classify import Classes
from layers.stats.snapshot import Snapshot


@dataclass
class Panel:
    """One map of a comparison: its Folium parts, title, classes and the frame drawn."""

    parts: dict[str, Any]  # head, body, script, and the caption's pieces
    title: str
    classes: Classes | None
    fills: list[str]
    frame: gpd.GeoDataFrame


@dataclass
class Comparison:
    """Left and right maps (shared classes when the units agree), and the change map in year mode."""

    mode: str  # "years" or "indicators"
    left: Panel
    right: Panel
    diff: Panel | None
    shared: bool
    base: int
    year: int
    foot: dict[str, str]  # one source line for all the maps, and the boundaries line


def _panel(atlas: Atlas, frame: gpd.GeoDataFrame, classes: Classes | None, indicator: Indicator, title: str,
           view: MapView, prefix: str, palette: str | None = None) -> Panel:
    """Paint a frame with given classes and render it as one map of the page."""
    kw: dict[str, Any] = {"palette": palette} if palette else {}
    painted, classes, fills = classify_frame(frame, view.scheme, view.k, classes, **kw)
    text = MapText(title, view.lang, indicator, approval=atlas.map_approval)
    m = build_map(painted, classes, fills, text, atlas.boundaries.neighbours(), atlas.tile_url,
                  atlas.tile_attribution, id_prefix=prefix, role=prefix)
    parts = render_parts(m) | {"title": title, "caption": map_caption(painted, classes, fills, text)}
    return Panel(parts, title, classes, fills, painted)


def compare(atlas: Atlas, snap: Snapshot, view: MapView) -> Comparison:
    """Two years of one indicator (and their change), or two indicators in one year, side by side."""
    rv, right = frames.frame(atlas, snap, view)
    lang = view.lang
    if view.indicator2:
        rv2, left = frames.frame(atlas, snap, view.model_copy(update={"indicator": view.indicator2, "year": rv.year}))
        ind_l, ind_r = rv2.indicator, rv.indicator
        shared = ind_l.unit == ind_r.unit
        mode, base = "indicators", rv.year
    else:
        maybe = base_year(rv)
        if maybe is None:
            raise UnknownParameterError("base_year", f"a year before {rv.year}", [str(y) for y in rv.years])
        base = maybe
        _, left = frames.frame(atlas, snap, view.model_copy(update={"year": base}))
        ind_l = ind_r = rv.indicator
        shared, mode = True, "years"
    classes = shared_classes([left["value"], right["value"]], view.scheme, view.k) if shared else None
    title_l = frames.title(ResolvedView(view, ind_l, base, rv.years))
    title_r = frames.title(rv)
    lp = _panel(atlas, left, classes, ind_l, title_l, view, "l")
    rp = _panel(atlas, right, classes, ind_r, title_r, view, "r")
    dp = None
    if mode == "years":
        diff = difference(right, left)
        name = t("change_of", lang, indicator=ind_r.name_en if lang == "en" else ind_r.name_zh,
                 base=base, year=rv.year)
        ind_d = ind_r.model_copy(update={"name_zh": t("change_of", "zh", indicator=ind_r.name_zh, base=base,
                                                      year=rv.year),
                                         "name_en": t("change_of", "en", indicator=ind_r.name_en, base=base,
                                                      year=rv.year)})
        dclasses = diverging_classes(diff["value"].to_numpy(), view.scheme, view.k)
        dp = _panel(atlas, diff, dclasses, ind_d, f"{name}（{t('level_' + view.level, lang)}）"
                    if lang == "zh" else f"{name} ({t('level_' + view.level, lang)})", view, "d", CHANGE_DIVERGING)
    ill = any(bool(p.frame["illustrative"].any()) for p in (lp, rp))
    sources = pd.concat([p.frame["source"] for p in (lp, rp)]).dropna()
    foot = {"sources": source_line_html(sources, lang, ill), "boundaries": boundary_line_html(lang, atlas.map_approval)}
    return Comparison(mode, lp, rp, dp, shared, base, rv.year, foot)


def compare_page(atlas: Atlas, snap: Snapshot, view: MapView, base_url: str) -> dict[str, object]:
    """The compare page: two years (and their change) or two indicators, with the pickers and the ranking."""
    cmp = atlas.memo(snap, "compare", view, lambda: compare(atlas, snap, view))
    page = view_page(atlas, snap, view, base_url)
    span = page["rv"].year - page["base"] if page["base"] is not None else 0
    return page | {
        "annual_growth_span": span if span > 1 else None,  # over one year it would repeat the change %
        "cmp": cmp, "merge_heads": merge_heads, "merge_bodies": merge_bodies,
        "illustrative": any(bool(p.frame["illustrative"].any()) for p in (cmp.left, cmp.right))}
