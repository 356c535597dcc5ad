"""Dependencies: the loaded atlas, the map view read from query parameters, and a request's data version."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request

from layers.core.errors import NotFoundError
from layers.core.view import MapView
from layers.pages.atlas import Atlas
from layers.stats.snapshot import Snapshot
from server import auth


async def get_atlas(request: Request) -> Atlas:
    """The atlas loaded at start-up (async: an attribute read needs no hop to the thread pool, so /healthz never
    waits for a pool thread while renders hold them)."""
    return request.app.state.atlas


AtlasDep = Annotated[Atlas, Depends(get_atlas)]
ViewDep = Annotated[MapView, Query()]
VersionQ = Annotated[int | None, Query(ge=1, description="Data version (see /api/datasets); the newest when omitted. "
                                                         "A link with a version shows that version for good.")]


def public_origin(request: Request) -> str:
    """The site's origin for links meant to leave the page (the embed snippet): IPMAP_PUBLIC_URL, or "" so
    they are root-relative and the page's script puts the browser's own origin before them. Never the
    request's Host header: a page is kept and sent to every later visitor."""
    return request.app.state.settings.public_url or ""


def draft_access(request: Request, atlas: AtlasDep,
                 draft: Annotated[int | None, Query(ge=1, le=2**31 - 1,
                                                    description="Preview a draft dataset as if published (signed-in "
                                                                "users and token holders only; 403 for anyone else)")]
                 = None) -> int | None:
    """`draft=ID`: checked against the caller (signed in, or a token) before any data is read; the answer is then
    marked private and no-store, so no cache the public can reach ever holds it."""
    if draft is None:
        return None
    if auth.caller(request) is None:
        raise HTTPException(403, "drafts are shown only to signed-in users (/login)", headers=auth.NO_STORE)
    meta = atlas.store.dataset(draft)
    if meta is None:
        raise NotFoundError("dataset", draft)
    request.state.private = True
    request.state.draft = {"id": draft, "name": str(meta["name"]), "state": str(meta["state"])}
    return draft


DraftQ = Annotated[int | None, Depends(draft_access)]


def snapshot_of(atlas: Atlas, version: int | None, demo: bool = False, draft: int | None = None) -> Snapshot:
    """The data a request reads, resolved once: the version it names, else the newest published one (`demo`:
    the demonstration reading of it; `draft`: a draft dataset on top of it, for a signed-in preview)."""
    return atlas.snapshot(version if version is not None else atlas.version(), demo, draft)
