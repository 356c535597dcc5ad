"""Compare, timeline and briefing pages, and a region's time series (JSON, SVG, HTML partial)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from layers.core.i18n import t
from layers.core.view import MapView
from layers.pages.compare import compare
from layers.pages.maps import ranking_for
from layers.pages.series import region_series
from layers.pages.timeline import timeline
from layers.render.multimap import merge_bodies, merge_heads
from layers.stats.targets import assess_targets, verdict_rows
from server.caching import cached, cached_json
from server.deps import AtlasDep
from server.routes.pages import SCHEMES, ranking_context, render

router = APIRouter()
IndicatorQ = Annotated[str, Query(description="Indicator id, see /api/indicators")]
Lang = Annotated[str, Query(pattern="^(zh|en)$", description="Language of labels")]


def common(request: Request, atlas: AtlasDep, view: MapView) -> dict[str, object]:
    """What every page of a view shares: labels, the other-language link, the ranking and view links."""
    lang = view.lang
    rv = atlas.resolve(view)
    mappable = [i for i in atlas.indicators() if view.level in i["levels"]]
    return ranking_context(request, atlas, view) | {
        "lang": lang, "t": lambda key, **kw: t(key, lang, **kw), "view": view, "rv": rv, "years": rv.years,
        "indicators": mappable, "schemes": SCHEMES, "unit": rv.indicator.unit_en if lang == "en" else rv.indicator.unit,
        "other_lang_query": view.model_copy(update={"lang": "en" if lang == "zh" else "zh"}).query(),
        "data_version": atlas.version(),
    }


@router.get("/compare", include_in_schema=False)
def compare_page(request: Request, atlas: AtlasDep, view: Annotated[MapView, Query()]) -> Response:
    """Two years (and their change) or two indicators side by side, one classification, synced pan and zoom."""
    cmp = atlas.memo("compare", view, lambda: compare(atlas, view))
    ctx = common(request, atlas, view) | {"cmp": cmp, "merge_heads": merge_heads, "merge_bodies": merge_bodies,
                                          "illustrative": any(bool(p.frame["illustrative"].any())
                                                              for p in (cmp.left, cmp.right))}
    return render(request, "compare.html", ctx)


@router.get("/timeline", include_in_schema=False)
def timeline_page(request: Request, atlas: AtlasDep, view: Annotated[MapView, Query()]) -> Response:
    """The view's indicator over every year it has, one classification for all years, with a year slider."""
    tl = atlas.memo("timeline", view, lambda: timeline(atlas, view))
    ctx = common(request, atlas, view) | {"tl": tl, "map": tl["parts"],
                                          "illustrative": bool(atlas.values(view)[1]["illustrative"].any())}
    return render(request, "timeline.html", ctx)


def briefing_context(request: Request, atlas: AtlasDep, view: MapView) -> dict[str, object]:
    """The briefing's map, ranking, key figures against the plan targets and sources."""
    lang = view.lang
    rv, base, table = ranking_for(atlas, view)
    figures = verdict_rows(assess_targets(atlas.observations(), atlas.store.targets(), atlas.catalogue,
                                          atlas.plan_starts, lang), lang)
    sources = sorted(set(table["source"].dropna()) | {str(f["value_source"]) for f in figures if f["value_source"]}
                     | {str(f["target_source"]) for f in figures})
    n = 10 if len(table) > 20 else len(table)
    return common(request, atlas, view) | {
        "title": atlas.title(rv), "top": table.head(n).to_dict("records"), "n_top": n,
        "bottom": table[table["value"].notna()].tail(5).to_dict("records") if len(table) > 20 else [],
        "figures": figures, "sources": sources,
        "illustrative": bool(table["illustrative"].any()), "today": date.today().isoformat(),
    }


@router.get("/briefing", include_in_schema=False)
def briefing_page(request: Request, atlas: AtlasDep, view: Annotated[MapView, Query()]) -> Response:
    """A printable one-page briefing (A4): map, ranking, key figures against the plan, sources."""
    return render(request, "briefing.html", briefing_context(request, atlas, view))


@router.get("/api/regions/{adcode}/series", tags=["regions"])
def series_json(request: Request, atlas: AtlasDep, adcode: str, indicator: IndicatorQ = "population",
                lang: Lang = "zh") -> Response:
    """Every year a region has for an indicator, with sources, the plan target where one exists, and an SVG chart."""
    return cached_json(request, region_series(atlas, adcode, indicator, lang))


@router.get("/regions/{adcode}/series.svg", include_in_schema=False)
def series_svg(request: Request, atlas: AtlasDep, adcode: str, indicator: IndicatorQ = "population",
               lang: Lang = "zh") -> Response:
    """The same chart as a standalone SVG image."""
    return cached(request, str(region_series(atlas, adcode, indicator, lang)["svg"]), "image/svg+xml")


@router.get("/regions/{adcode}/series", include_in_schema=False)
def series_partial(request: Request, atlas: AtlasDep, adcode: str, indicator: IndicatorQ = "population",
                   lang: Lang = "zh") -> Response:
    """The chart as an HTML fragment (templates/_series.html) for the region page."""
    ctx = {"series": region_series(atlas, adcode, indicator, lang), "lang": lang,
           "t": lambda key, **kw: t(key, lang, **kw)}
    return render(request, "_series.html", ctx)
