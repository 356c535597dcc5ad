"""Downloads of a view: the map as PNG/SVG/PDF, the values as CSV/XLSX, the briefing as PDF."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from layers.core.i18n import t
from layers.core.view import MapView
from layers.pages.exports import export_data, table
from layers.pages.maps import ranking_for
from layers.render.briefing_pdf import briefing_pdf
from layers.render.image import ExportOptions, render
from layers.render.tables import to_csv, to_xlsx
from layers.stats.targets import assess_targets, verdict_rows
from server.caching import cached
from server.deps import AtlasDep

router = APIRouter(tags=["export"])
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
def export(request: Request, atlas: AtlasDep, fmt: Literal["png", "svg", "pdf", "csv", "xlsx"],
           view: Annotated[MapView, Query()], opts: Annotated[ExportOptions, Query()]) -> Response:
    """The view as an image (same classes and colours as the live map) or its values as a table.

    PNG is width*scale by height*scale pixels; SVG and PDF are width/100 by height/100 inches.
    """
    if fmt in ("csv", "xlsx"):
        df = atlas.memo("table", view, lambda: table(atlas, view))
        return download(request, to_csv(df) if fmt == "csv" else to_xlsx(df), fmt, view)
    body = atlas.memo(f"export-{fmt}-{opts.model_dump_json()}", view,
                      lambda: render(export_data(atlas, view), fmt, opts))  # type: ignore[arg-type]
    return download(request, body, fmt, view)


@router.get("/briefing.pdf", responses={200: {"content": {"application/pdf": {}}}})
def briefing(request: Request, atlas: AtlasDep, view: Annotated[MapView, Query()]) -> Response:
    """The briefing as an A4 PDF: map, ranking, key figures against the plan, sources (page 2: full ranking)."""
    def build() -> bytes:
        rv, _, rows = ranking_for(atlas, view)
        figures = verdict_rows(assess_targets(atlas.observations(), atlas.store.targets(), atlas.catalogue,
                                              atlas.plan_starts, view.lang), view.lang)
        unit = rv.indicator.unit_en if view.lang == "en" else rv.indicator.unit
        heading = f"{t('app_title', view.lang)} · {t('briefing_title', view.lang)}"
        return briefing_pdf(export_data(atlas, view), rows, figures, heading, f"{t('value', view.lang)} ({unit})")

    return download(request, atlas.memo("briefing-pdf", view, build), "pdf", view, "gansu-ipmap-briefing")
