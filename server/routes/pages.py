"""HTML pages: home, full map page and chrome-less embed, all driven by one MapView."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from layers.pages import maps
from server.deps import AtlasDep, DraftQ, ViewDep, public_origin, snapshot_of
from server.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request, atlas: AtlasDep, view: ViewDep, draft: DraftQ) -> Response:
    """Home: the default map (county population, a real census figure) and the indicator picker."""
    snap = snapshot_of(atlas, view.version, view.demo, draft)
    return render(request, "map.html", maps.map_page(atlas, snap, view, public_origin(request)) | {"home": True})


@router.get("/map")
def map_page(request: Request, atlas: AtlasDep, view: ViewDep, draft: DraftQ) -> Response:
    """A full map page for any view; the URL holds the whole view."""
    snap = snapshot_of(atlas, view.version, view.demo, draft)
    return render(request, "map.html", maps.map_page(atlas, snap, view, public_origin(request)) | {"home": False})


@router.get("/embed")
def embed(request: Request, atlas: AtlasDep, view: ViewDep, draft: DraftQ) -> Response:
    """The same map with no page chrome, for iframes; title, legend, source and date stay inside."""
    snap = snapshot_of(atlas, view.version, view.demo, draft)
    return render(request, "embed.html", maps.embed_page(atlas, snap, view), embed=True)
