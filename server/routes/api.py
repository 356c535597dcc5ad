"""JSON API: health, regions, indicators, values and boundaries. Reads are public."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from layers.core.view import MapView
from layers.pages import api, frames
from server.caching import cached, cached_json
from server.deps import AtlasDep, DraftQ, VersionQ, snapshot_of
from server.schemas import Health, IndicatorOut, Region, RegionDetail, Values

router = APIRouter()
Level = Literal["province", "prefecture", "county"]
BOUNDARY_MAX_AGE = 7 * 24 * 3600
IMMUTABLE_MAX_AGE = 365 * 24 * 3600


@router.get("/healthz", response_model=Health, tags=["meta"])
async def healthz(atlas: AtlasDep) -> Health:
    """Liveness and the data version (changes on every import).

    On the event loop, not in the thread pool: it answers while every render slot and pool thread is busy.
    """
    if getattr(atlas.store, "embedded", False):
        version = atlas.version()  # SQLite in-process: microseconds
    else:
        version = await run_in_threadpool(atlas.version)
    return Health(status="ok", data_version=version, boundaries=str(atlas.boundaries.meta.get("source", "")))


@router.get("/api/regions", response_model=list[Region], tags=["regions"])
def regions(request: Request, atlas: AtlasDep,
            level: Level | None = Query(None, description="province, prefecture or county; all when omitted"),
            ) -> Response:
    """Every unit, or the units of one level."""
    return cached_json(request, api.regions(atlas, level), max_age=3600)


@router.get("/api/regions/{adcode}", response_model=RegionDetail, tags=["regions"])
def region(request: Request, atlas: AtlasDep, adcode: str, version: VersionQ = None, draft: DraftQ = None) -> Response:
    """One region: name, level, parent, children and every value it has, each with its source."""
    snap = snapshot_of(atlas, version, draft=draft)
    return cached_json(request, api.region(snap, adcode))


@router.get("/api/indicators", response_model=list[IndicatorOut], tags=["indicators"])
def indicators(request: Request, atlas: AtlasDep, version: VersionQ = None, draft: DraftQ = None) -> Response:
    """The indicator catalogue with the years available at each level."""
    snap = snapshot_of(atlas, version, draft=draft)
    return cached_json(request, frames.indicators(atlas, snap))


@router.get("/api/values", response_model=Values, tags=["indicators"])
def values(request: Request, atlas: AtlasDep,
           indicator: str = Query("population", description="Indicator id, see /api/indicators"),
           level: Literal["prefecture", "county"] = Query("county"),
           year: int | None = Query(None, description="Year; omitted: latest of the years with most units"),
           version: VersionQ = None,
           draft: DraftQ = None,
           demo: bool = Query(False, description="Include the illustrative demonstration values even where real ones "
                                                 "exist for the indicator and level (each value says its provenance)"),
           ) -> Response:
    """Values of one indicator and year for every unit of a level, with rank and source; missing units are null.

    Derived indicators (per 10,000 residents, growth, shares, progress) are computed from the stored inputs of
    that version; each value's note names its inputs.
    """
    view = MapView(indicator=indicator, level=level, year=year, version=version, demo=demo)
    snap = snapshot_of(atlas, version, demo, draft)
    return cached_json(request, api.values(atlas, snap, view))


@router.get("/api/boundaries", tags=["boundaries"],
            responses={200: {"content": {"application/geo+json": {}}, "description": "GeoJSON FeatureCollection"}})
def boundaries(request: Request, atlas: AtlasDep,
               level: Level = Query("county"),
               lod: int = Query(3, ge=0, le=3, description="Level of detail: 0 finest (~100 m) to 3 coarsest"),
               v: str | None = Query(None, description="Content version (see Content-Location): cached for a year"),
               ) -> Response:
    """Boundaries of a level as GeoJSON (WGS84, converted from GCJ-02), simplified as a coverage.

    The versioned URL (`&v=`, named in the Content-Location header) never changes content, so browsers keep it
    for a year without asking again; an outdated `v` redirects to the current one.
    """
    current = atlas.boundaries_checksum(level, lod)
    versioned = f"/api/boundaries?level={level}&lod={lod}&v={current}"
    if v is not None and v != current:
        return RedirectResponse(versioned, status_code=307, headers={"Cache-Control": "no-cache"})
    resp = cached(request, atlas.boundaries_json(level, lod), "application/geo+json",
                  max_age=IMMUTABLE_MAX_AGE if v else BOUNDARY_MAX_AGE)
    if v:
        resp.headers["Cache-Control"] += ", immutable"
    resp.headers["Content-Location"] = versioned
    return resp
