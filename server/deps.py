"""Dependencies: the loaded atlas, and the map view read from query parameters."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from layers.core.view import MapView
from layers.pages.atlas import Atlas


def get_atlas(request: Request) -> Atlas:
    """The atlas loaded at start-up."""
    return request.app.state.atlas


AtlasDep = Annotated[Atlas, Depends(get_atlas)]
ViewDep = Annotated[MapView, Query()]
