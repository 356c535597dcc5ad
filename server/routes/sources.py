"""The sources page: what each map's source line stands for, with files, licences and the arithmetic."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from layers.pages.sources import sources_page
from server.deps import AtlasDep, DraftQ, VersionQ, snapshot_of
from server.templating import page_context, render

router = APIRouter(include_in_schema=False)


@router.get("/sources")
def sources(request: Request, atlas: AtlasDep, lang: Literal["zh", "en"] = Query("zh"),
            version: VersionQ = None, draft: DraftQ = None) -> Response:
    """Every source the maps cite, as cited; uploads and dataset versions; computed values; boundaries (with a
    draft on top for a signed-in preview, so a preview's source links land on the draft's entry)."""
    snap = snapshot_of(atlas, version, draft=draft)
    return render(request, "sources.html", page_context(request, lang, **sources_page(atlas, snap, lang)))
