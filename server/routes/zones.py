"""Zone pages and JSON: the list of zones and designations, and one zone with its members and comparison."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from layers.core.view import MapView, OptionalYear
from layers.pages import public
from server.caching import cached_json
from server.deps import AtlasDep, DraftQ, VersionQ, snapshot_of
from server.schemas import ZoneDetail, ZoneOut
from server.templating import page_context, render

router = APIRouter()
Lang = Literal["zh", "en"]
LangQ = Query("zh", description="Language of labels")
YearParam = Annotated[OptionalYear, Query(description="Mark the designations in force in this year; all when omitted")]


@router.get("/zones", include_in_schema=False)
def zones_page(request: Request, atlas: AtlasDep, lang: Lang = LangQ, year: YearParam = None) -> Response:
    """Every zone named in the plan and every IP designation, with members and terms."""
    data = public.zones_page(atlas, year, lang)
    map_query = MapView(lang=lang, zones_year=year).query()
    return render(request, "zones.html", page_context(request, lang, map_query=map_query, **data))


@router.get("/zones/{zone_id}", include_in_schema=False)
def zone_page(request: Request, atlas: AtlasDep, zone_id: str, lang: Lang = LangQ, version: VersionQ = None,
              draft: DraftQ = None) -> Response:
    """One zone: map, member counties, the plan's words, and the zone against the rest of the province."""
    snap = snapshot_of(atlas, version, draft=draft)
    return render(request, "zone.html", page_context(request, lang, **public.zone_page(atlas, snap, zone_id, lang)))


@router.get("/api/zones", response_model=list[ZoneOut], tags=["zones"])
def zones_json(request: Request, atlas: AtlasDep, year: YearParam = None, lang: Lang = LangQ) -> Response:
    """Every zone and designation: members (adcodes; empty and members_known=false when unknown), type and term."""
    data = public.zones_page(atlas, year, lang)
    return cached_json(request, data["plan"] + data["designations"])


@router.get("/api/zones/{zone_id}", response_model=ZoneDetail, tags=["zones"])
def zone_json(request: Request, atlas: AtlasDep, zone_id: str, lang: Lang = LangQ, version: VersionQ = None,
              draft: DraftQ = None) -> Response:
    """One zone: members, the counties they cover, citations, and the comparison with the rest of the province."""
    snap = snapshot_of(atlas, version, draft=draft)
    return cached_json(request, public.zone_json(atlas, snap, zone_id, lang))
