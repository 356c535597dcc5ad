"""Compare, timeline and briefing pages, and a region's time series (JSON, SVG, HTML partial)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from layers.pages import briefing, compare, landing, timeline
from layers.pages.series import region_series
from server.caching import cached, cached_json
from server.deps import AtlasDep, DraftQ, VersionQ, ViewDep, public_origin, snapshot_of
from server.templating import render

router = APIRouter()
IndicatorQ = Annotated[str, Query(description="Indicator id, see /api/indicators")]
Lang = Annotated[str, Query(pattern="^(zh|en)$", description="Language of labels")]


@router.get("/compare", include_in_schema=False)
def compare_page(request: Request, atlas: AtlasDep, view: ViewDep, draft: DraftQ) -> Response:
    """Two years (and their change) or two indicators side by side, one classification, synced pan and zoom."""
    snap = snapshot_of(atlas, view.version, view.demo, draft)
    if (choice := landing.one_year(atlas, snap, view, "compare", public_origin(request))) is not None:
        return render(request, "one_year.html", choice)
    return render(request, "compare.html", compare.compare_page(atlas, snap, view, public_origin(request)))


@router.get("/timeline", include_in_schema=False)
def timeline_page(request: Request, atlas: AtlasDep, view: ViewDep, draft: DraftQ) -> Response:
    """The view's indicator over every year it has, one classification for all years, with a year slider."""
    snap = snapshot_of(atlas, view.version, view.demo, draft)
    if (choice := landing.one_year(atlas, snap, view, "timeline", public_origin(request))) is not None:
        return render(request, "one_year.html", choice)
    return render(request, "timeline.html", timeline.timeline_page(atlas, snap, view, public_origin(request)))


@router.get("/briefing", include_in_schema=False)
def briefing_page(request: Request, atlas: AtlasDep, view: ViewDep, draft: DraftQ) -> Response:
    """A printable one-page briefing (A4): map, ranking, key figures against the plan, sources."""
    snap = snapshot_of(atlas, view.version, view.demo, draft)
    return render(request, "briefing.html", briefing.briefing_page(atlas, snap, view, public_origin(request)))


@router.get("/api/regions/{adcode}/series", tags=["regions"])
def series_json(request: Request, atlas: AtlasDep, adcode: str, indicator: IndicatorQ = "population",
                lang: Lang = "zh", version: VersionQ = None, draft: DraftQ = None) -> Response:
    """Every year a region has for an indicator, with sources, the plan target where one exists, and an SVG chart."""
    snap = snapshot_of(atlas, version, draft=draft)
    return cached_json(request, region_series(snap, adcode, indicator, lang))


@router.get("/regions/{adcode}/series.svg", include_in_schema=False)
def series_svg(request: Request, atlas: AtlasDep, adcode: str, indicator: IndicatorQ = "population",
               lang: Lang = "zh", version: VersionQ = None, draft: DraftQ = None) -> Response:
    """The same chart as a standalone SVG image."""
    snap = snapshot_of(atlas, version, draft=draft)
    return cached(request, str(region_series(snap, adcode, indicator, lang)["svg"]), "image/svg+xml")


@router.get("/regions/{adcode}/series", include_in_schema=False)
def series_partial(request: Request, atlas: AtlasDep, adcode: str, indicator: IndicatorQ = "population",
                   lang: Lang = "zh", version: VersionQ = None, draft: DraftQ = None) -> Response:
    """The chart as an HTML fragment (templates/_series.html) for the region page."""
    snap = snapshot_of(atlas, version, draft=draft)
    return render(request, "_series.html", {"series": region_series(snap, adcode, indicator, lang), "lang": lang})
