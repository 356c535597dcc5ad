"""The map page, the embed and the ranking beside every map, assembled from one snapshot and the stats."""

from __future__ import annotations

from typing import Any

import pandas as pd

from layers.core.fmt import esc
from layers.core.view import SCHEMES, MapView, ResolvedView, available_years
from layers.pages import frames
from layers.pages.atlas import Atlas
from layers.stats.change import average_annual_growth, base_year
from layers.stats.classify import MAX_K, MIN_K
from layers.stats.measures import per_10k
from layers.stats.ranking import province_total, ranking
from layers.stats.snapshot import Snapshot


def ranking_for(atlas: Atlas, snap: Snapshot, view: MapView) -> tuple[ResolvedView, int | None, pd.DataFrame]:
    """The ranking of a view against its base year (see stats.change.base_year): resolved view, base year, rows.

    The base year, the residents behind per-10k (measures.per_10k, the one denominator rule) and the province
    total all come from the same snapshot.
    """
    rv, now = frames.values(atlas, snap, view)
    base = base_year(rv)
    before = frames.values(atlas, snap, view.model_copy(update={"year": base}))[1] if base is not None else None
    obs = snap.observations
    table = ranking(now, before, rv.indicator, per_10k(obs, rv.indicator.id, rv.year, snap.hierarchy),
                    province_total(obs, rv.indicator.id, rv.year))
    # over the span from the base year (compare offers it): None where the years were not both real or both made up
    table["annual_growth"] = average_annual_growth(table["base_value"], table["value"], rv.year - base) \
        if base is not None else float("nan")
    return rv, base, table


def drill_links(atlas: Atlas, snap: Snapshot, rv: ResolvedView) -> dict[str, Any]:
    """Links between levels: from a prefecture map down to each prefecture's counties (the query, `within` left to
    add per row; None when the indicator has no county values), and from a drill-down back up to the province.

    A year the other level lacks is dropped from the link, so it opens on that level's default year.
    """
    view = rv.view
    out: dict[str, Any] = {"drill_query": None, "crumbs": None, "drill_within": set()}
    if view.level == "prefecture":
        years = available_years(snap.observations, rv.indicator.id, atlas.level_adcodes("county"))
        if years:
            out["drill_query"] = view.query(level="county", region=None, year=rv.year if rv.year in years else None)
            # Only prefectures whose own counties have a value: a drill-down into counties without one is a 404
            # (invention patents per 10k: county values for one prefecture's counties only).
            obs = snap.observations
            counties = atlas.regions("county")
            with_values = set(obs.loc[(obs.indicator == rv.indicator.id) & obs.adcode.isin(counties.adcode), "adcode"])
            out["drill_within"] = set(counties.loc[counties.adcode.isin(with_values), "parent"])
    if view.within is not None:
        years = available_years(snap.observations, rv.indicator.id, atlas.level_adcodes("prefecture"))
        regions = atlas.regions("province")
        province = regions.iloc[0]["name_en" if view.lang == "en" else "name_zh"] if len(regions) else ""
        up = view.query(level="prefecture", within=None, region=view.within,
                        year=rv.year if rv.year in years else None) if years else None
        out["crumbs"] = {"province": str(province), "up": up, "place": rv.place,
                         "whole": view.query(within=None, region=None)}
    return out


def ranking_block(atlas: Atlas, snap: Snapshot, view: MapView, base_url: str) -> dict[str, Any]:
    """The ranking beside a map, the links that carry the view, and the embed snippet (base_url: the site's
    configured origin, or "" for a root-relative src the page's script completes with the browser's origin)."""
    rv, base, table = ranking_for(atlas, snap, view)
    query = view.query()
    src = f"{base_url.rstrip('/')}/embed?{query}"
    snippet = (f'<iframe src="{src}" title="{esc(frames.title(rv))}" width="100%" height="520" '
               'style="border:0;max-width:100%" loading="lazy"></iframe>')
    return drill_links(atlas, snap, rv) | {
            "ranking": table.to_dict("records"), "base": base, "query": query, "embed_snippet": snippet,
            "has_per_10k": bool(table["per_10k"].notna().any()), "has_share": bool(table["share"].notna().any())}


def view_page(atlas: Atlas, snap: Snapshot, view: MapView, base_url: str) -> dict[str, Any]:
    """What every page of a view shares (map, compare, timeline, briefing): pickers, ranking, view links."""
    lang = view.lang
    rv = frames.resolve(atlas, snap, view)
    mappable = [i for i in frames.indicators(atlas, snap) if view.level in i["levels"]]
    return ranking_block(atlas, snap, view, base_url) | {
        "lang": lang, "view": view, "rv": rv, "years": rv.years, "indicators": mappable, "schemes": SCHEMES,
        "unit": rv.indicator.unit_en if lang == "en" else rv.indicator.unit,
        "other_lang_query": view.model_copy(update={"lang": "en" if lang == "zh" else "zh"}).query(),
        "data_version": snap.version,
    }


def map_page(atlas: Atlas, snap: Snapshot, view: MapView, base_url: str) -> dict[str, Any]:
    """Everything a map page shows: the map parts, the picker choices and the ranking beside the map."""
    _, values = frames.values(atlas, snap, view)
    return view_page(atlas, snap, view, base_url) | {
        "map": frames.render_map(atlas, snap, view), "ks": range(MIN_K, MAX_K + 1),
        "illustrative": bool(values["illustrative"].any()), "demo_hidden": frames.hides_illustrative(atlas, snap, view),
        "zone_years": atlas.zones.years(),
    }


def embed_page(atlas: Atlas, snap: Snapshot, view: MapView) -> dict[str, Any]:
    """The map alone, for an iframe: title, legend, source and date stay inside it."""
    return {"lang": view.lang, "map": frames.render_map(atlas, snap, view), "view": view}


RANKING_FIELDS = ("adcode", "name_zh", "name_en", "rank", "value", "illustrative", "change", "change_pct",
                  "annual_growth")


def map_state(page: dict[str, Any]) -> dict[str, Any]:
    """What a map page's script needs to redraw the page for a new view, from the same context the page is drawn
    from (map_page): the title, the words around the map (escaped HTML, as the figure shows them), whether the view
    shows illustrative values, the ranking rows in order (numbers, None for no data) and the page's own URL."""
    rv: ResolvedView = page["rv"]
    caption = page["map"]["caption"]
    rows = [{k: (None if isinstance(r[k], float) and r[k] != r[k] else r[k]) for k in RANKING_FIELDS}
            for r in page["ranking"]]
    return {
        "url": f"/map?{page['query']}", "title": page["map"]["title"],
        "view": {"level": rv.view.level, "indicator": rv.indicator.id, "year": rv.year, "style": rv.style,
                 "scheme": rv.view.scheme, "k": rv.view.k, "lang": rv.view.lang},
        "illustrative": bool(page["illustrative"]), "watermark": caption["watermark"],
        "caption": {k: caption[k] for k in ("title", "subtitle", "flag", "legend", "zones", "sources", "boundaries",
                                            "notes")},
        "ranking": rows, "base_year": page["base"], "data_version": page["data_version"],
        "other_lang_query": page["other_lang_query"],
    }


def map_script(atlas: Atlas, snap: Snapshot, view: MapView) -> str:
    """The view's map setup script (Folium's, rendered once and kept with the map) as a file a page can load after
    its first map: inside a function, so its `let` and `const` names do not clash with the first map's (the map
    registers itself in window.ipmapMaps, which is how the page's scripts find it)."""
    return "(function () {\n" + str(frames.render_map(atlas, snap, view)["script"]) + "\n})();\n"
