"""The map page redrawn in place: the page's state for a view as JSON, and its map's script as a file.

When a control changes, static/js/instant.js asks /map.json for the new view and loads the map's script from
/map.js (the script the full page carries inline under its CSP hash, served here as a file of this origin so the
page's `script-src 'self'` lets it run: no inline script, no eval).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from layers.pages import maps
from server.caching import cached, cached_json
from server.deps import AtlasDep, DraftQ, ViewDep, public_origin, snapshot_of
from server.templating import render_fragment

router = APIRouter()


@router.get("/map.json", tags=["maps"])
def map_json(request: Request, atlas: AtlasDep, view: ViewDep, draft: DraftQ) -> Response:
    """A map page's state for a view: title, the words around the map (escaped HTML), the illustrative flag, the
    ranking in order, the page's URL, the HTML of its panel and figure, and the URL of its map script (pinned to
    the data version read here, so the map and the words come from one snapshot)."""
    snap = snapshot_of(atlas, view.version, view.demo, draft)
    page = maps.map_page(atlas, snap, view, public_origin(request)) | {"home": False}
    script = f"/map.js?{view.query(version=snap.version)}" + (f"&draft={draft}" if draft is not None else "")
    return cached_json(request, maps.map_state(page) | {
        "panel": render_fragment(request, "_map_panel.html", page),
        "figure": render_fragment(request, "_map_figure.html", page),
        "script": script})


@router.get("/map.js", include_in_schema=False)
def map_script(request: Request, atlas: AtlasDep, view: ViewDep, draft: DraftQ) -> Response:
    """The view's map setup script: what the full page inlines, wrapped in a function (layers.pages.maps)."""
    snap = snapshot_of(atlas, view.version, view.demo, draft)
    return cached(request, maps.map_script(atlas, snap, view), "text/javascript; charset=utf-8")
