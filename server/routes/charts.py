"""The chart view: several regions of one indicator over every year, as a page, an SVG and a PNG."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from layers.pages.chart import Scale, chart_file, chart_page
from server.caching import cached
from server.deps import AtlasDep, DraftQ, ViewDep, snapshot_of
from server.templating import render

router = APIRouter(tags=["chart"])
RegionsQ = Annotated[str | None, Query(max_length=200, pattern=r"^\d{6}(,\d{6})*$",
                                       description="Regions (adcodes, comma-separated) drawn as one line each; "
                                                   "default: the selected region, else the view's top five")]
ScaleQ = Annotated[Scale, Query(description="Value axis: linear (from zero) or log")]
MEDIA = {"svg": "image/svg+xml", "png": "image/png"}


@router.get("/chart", include_in_schema=False)
def chart(request: Request, atlas: AtlasDep, view: ViewDep, draft: DraftQ, regions: RegionsQ = None,
          scale: ScaleQ = "linear") -> Response:
    """One line per region over every year, plan targets on their own years, provenance marks per point."""
    snap = snapshot_of(atlas, view.version, view.demo, draft)
    return render(request, "chart.html", chart_page(atlas, snap, view, regions, scale))


@router.get("/chart.{fmt}", responses={200: {"content": {m: {} for m in MEDIA.values()}}})
def chart_download(request: Request, atlas: AtlasDep, fmt: Literal["svg", "png"], view: ViewDep, draft: DraftQ,
                   regions: RegionsQ = None, scale: ScaleQ = "linear") -> Response:
    """The chart as a standalone SVG (hover titles kept) or a PNG, with its sources."""
    snap = snapshot_of(atlas, view.version, view.demo, draft)
    body = chart_file(atlas, snap, view, regions, scale, fmt)
    resp = cached(request, body, MEDIA[fmt], max_age=300)
    name = f"gansu-ipmap-chart-{view.indicator}.{fmt}"
    resp.headers["Content-Disposition"] = f"inline; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
    return resp
