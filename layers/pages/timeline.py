"""Years animated: one classification over every year's values, and each unit's fill colour per year."""

from __future__ import annotations

import numpy as np
import pandas as pd

from layers.core.fmt import esc
from layers.core.i18n import t
from layers.core.sources import source_line_html
from layers.core.view import MapView
from layers.pages import frames
from layers.pages.atlas import Atlas
from layers.pages.maps import view_page
from layers.pages.year_rankings import rankings_by_year
from layers.render.choropleth import MapText, build_map, classify_frame, map_caption
from layers.render.folium_text import render_parts
from layers.render.palettes import NO_DATA_FILL
from layers.stats.classify import Classes, classify, classify_around
from layers.stats.snapshot import Snapshot


def fixed_classes(observations: pd.DataFrame, indicator: str, adcodes: set[str], scheme: str, k: int,
                  centre: float | None = None) -> Classes | None:
    """Classes over every year's values of the level, so a colour means the same in every year; split at the
    indicator's centre (0 for growth, 100 for progress) as on its map."""
    vals = observations[(observations.indicator == indicator) & observations.adcode.isin(adcodes)]["value"]
    if centre is not None:
        return classify_around(vals.to_numpy(dtype=float), centre, scheme, k)
    return classify(vals.to_numpy(dtype=float), scheme, k)


def fills_by_year(observations: pd.DataFrame, indicator: str, adcodes: list[str], years: tuple[int, ...],
                  classes: Classes | None, palette_fills: list[str]) -> dict[str, object]:
    """{adcode: [fill per year]} and {adcode: [value per year]}: the small JSON the slider restyles from."""
    obs = observations[(observations.indicator == indicator) & observations.adcode.isin(adcodes)]
    table = obs.pivot_table(index="adcode", columns="year", values="value", aggfunc="last")
    table = table.reindex(index=adcodes, columns=list(years))
    ranks = table.rank(ascending=False, method="min")
    fills: dict[str, list[str]] = {}
    values: dict[str, list[float | None]] = {}
    rank: dict[str, list[int | None]] = {}
    for label, row in table.iterrows():
        adcode = str(label)
        arr = row.to_numpy(dtype=float)
        idx = classes.assign(arr) if classes else np.full(len(arr), -1)
        fills[adcode] = [palette_fills[i] if i >= 0 else NO_DATA_FILL for i in idx]
        values[adcode] = [None if np.isnan(v) else float(v) for v in arr]
        rank[adcode] = [None if np.isnan(r) else int(r) for r in ranks.loc[adcode].to_numpy(dtype=float)]
    counts = [int(c) for c in table.notna().sum(axis=0)]
    return {"fills": fills, "values": values, "ranks": rank, "counts": counts}


def timeline(atlas: Atlas, snap: Snapshot, view: MapView) -> dict[str, object]:
    """The map of the view's year painted with all-years classes, plus the per-year fills for the slider.

    Every year's values come from the same snapshot, so the slider never shows a value of a later version.
    """
    obs = snap.observations
    rv, frame = frames.frame(atlas, snap, view)
    centre = rv.indicator.centre
    classes = fixed_classes(obs, rv.indicator.id, atlas.level_adcodes(view.level), view.scheme, view.k, centre)
    painted, classes, fills = classify_frame(frame, view.scheme, view.k, classes, centre=centre)
    lang = view.lang
    name = rv.indicator.name_en if lang == "en" else rv.indicator.name_zh
    title = t("map_of", lang, indicator=name, year=f"{rv.years[0]}–{rv.years[-1]}",
              level=t(f"level_{view.level}", lang))
    text = MapText(title, lang, rv.indicator, approval=atlas.map_approval)
    m = build_map(painted, classes, fills, text, atlas.boundaries.neighbours(), atlas.tile_url,
                  atlas.tile_attribution, role="timeline")
    per_year = fills_by_year(obs, rv.indicator.id, list(frame["adcode"]), rv.years, classes, fills)
    sources = obs[(obs.indicator == rv.indicator.id) & obs.adcode.isin(set(frame["adcode"]))]["source"]
    # The slider shows every year: the source line names the sources of all of them.
    ill = bool(obs.loc[sources.index, "illustrative"].any())
    cap = map_caption(painted, classes, fills, text) | {"sources": source_line_html(sources.dropna(), lang, ill)}
    return {"parts": render_parts(m) | {"title": title, "caption": cap}, "rv": rv, "classes": classes,
            "data": {"years": list(rv.years), "year": rv.year, **per_year,
                     "unit": esc(rv.indicator.unit_en if lang == "en" else rv.indicator.unit),
                     "no_data": esc(t("no_data", lang)), "rank_fmt": esc(t("rank_of", lang, rank="{rank}", n="{n}")),
                     "locale": "en" if lang == "en" else "zh-CN",
                     "rankings": rankings_by_year(atlas, snap, view, list(rv.years))}}


def timeline_page(atlas: Atlas, snap: Snapshot, view: MapView, base_url: str) -> dict[str, object]:
    """The timeline page: the view's indicator over every year it has, one classification, a year slider."""
    tl = atlas.memo(snap, "timeline", view, lambda: timeline(atlas, snap, view))
    illustrative = bool(frames.values(atlas, snap, view)[1]["illustrative"].any())
    return view_page(atlas, snap, view, base_url) | {"tl": tl, "map": tl["parts"], "illustrative": illustrative}
