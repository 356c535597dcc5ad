"""Dependencies: the loaded atlas, the map view read from query parameters, and a request's data version."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from layers.core.view import MapView
from layers.pages.atlas import Atlas
from layers.stats.snapshot import Snapshot


def get_atlas(request: Request) -> Atlas:
    """The atlas loaded at start-up."""
    return request.app.state.atlas


AtlasDep = Annotated[Atlas, Depends(get_atlas)]
ViewDep = Annotated[MapView, Query()]
VersionQ = Annotated[int | None, Query(ge=1, description="Data version (see /api/datasets); the newest when omitted. "
                                                         "A link with a version shows that version for good.")]


def snapshot_of(atlas: Atlas, version: int | None, demo: bool = False) -> Snapshot:
    """The data a request reads, resolved once: the version it names, else the newest published one (`demo`:
    the demonstration reading of it)."""
    return atlas.snapshot(version if version is not None else atlas.version(), demo)
