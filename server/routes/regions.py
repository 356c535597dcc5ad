"""Region pages: the list of every region, and one region with its map, values, ranks and zones."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from layers.pages import public
from server.deps import AtlasDep, DraftQ, VersionQ, snapshot_of
from server.templating import page_context, render

router = APIRouter(include_in_schema=False)
Lang = Literal["zh", "en"]


@router.get("/regions")
def regions_page(request: Request, atlas: AtlasDep, lang: Lang = Query("zh")) -> Response:
    """The province, its prefectures and their counties, as links."""
    return render(request, "regions.html", page_context(request, lang, **public.regions_tree(atlas)))


@router.get("/regions/{adcode}")
def region_page(request: Request, atlas: AtlasDep, adcode: str, lang: Lang = Query("zh"),
                version: VersionQ = None, draft: DraftQ = None) -> Response:
    """One region: location map, values with sources and ranks, zones, parent and children."""
    snap = snapshot_of(atlas, version, draft=draft)
    return render(request, "region.html", page_context(request, lang, **public.region_page(atlas, snap, adcode, lang)))
