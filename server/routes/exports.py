"""Downloads of a view: the map as PNG/SVG/PDF, the values as CSV/XLSX, the briefing as PDF."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from layers.core.errors import UnknownParameterError
from layers.core.view import MapView
from layers.pages.briefing import briefing_file
from layers.pages.exports import view_file
from layers.pages.multiples import multiples_file
from layers.render.image import ExportOptions
from server.caching import cached
from server.deps import AtlasDep, DraftQ, ViewDep, snapshot_of

router = APIRouter(tags=["export"])
YearsQ = Annotated[str | None, Query(pattern=r"^\d{4}(-\d{4})?$", description="A range of years (2016-2023): "
                                     "small multiples, one map per year with one shared classification and legend")]
MEDIA = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf", "csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def download(request: Request, body: bytes, fmt: str, view: MapView, stem: str = "gansu-ipmap") -> Response:
    """Bytes with an ETag and a file name that says what the file holds."""
    year = f"-{view.year}" if view.year else ""
    name = f"{stem}-{view.indicator}-{view.level}{year}.{fmt}"
    resp = cached(request, body, MEDIA[fmt], max_age=300)
    resp.headers["Content-Disposition"] = f"inline; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
    return resp


@router.get("/export.{fmt}", responses={200: {"content": {m: {} for m in MEDIA.values()}}})
def export(request: Request, atlas: AtlasDep, fmt: Literal["png", "svg", "pdf", "csv", "xlsx"], view: ViewDep,
           opts: Annotated[ExportOptions, Query()], draft: DraftQ, years: YearsQ = None) -> Response:
    """The view as an image (same classes and colours as the live map) or its values as a table.

    PNG is width*scale by height*scale pixels; SVG and PDF are width/100 by height/100 inches. With `years`, the
    image is small multiples: one small map per year of the range, one classification and legend for all.
    """
    snap = snapshot_of(atlas, view.version, view.demo, draft)
    if years is not None:
        if fmt == "csv" or fmt == "xlsx":
            raise UnknownParameterError("years", f"{years} with .{fmt}", ["png", "svg", "pdf"])
        return download(request, multiples_file(atlas, snap, view, years, fmt, opts), fmt,
                        view.model_copy(update={"year": None}), f"gansu-ipmap-{years}")
    return download(request, view_file(atlas, snap, view, fmt, opts), fmt, view)


@router.get("/briefing.pdf", responses={200: {"content": {"application/pdf": {}}}})
def briefing(request: Request, atlas: AtlasDep, view: ViewDep, draft: DraftQ) -> Response:
    """The briefing as an A4 PDF: map, ranking, key figures against the plan, sources (page 2: full ranking)."""
    snap = snapshot_of(atlas, view.version, view.demo, draft)
    return download(request, briefing_file(atlas, snap, view), "pdf", view, "gansu-ipmap-briefing")
