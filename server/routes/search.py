"""Search for regions and zones: a plain GET form that works without JavaScript, and its JSON twin."""

from __future__ import annotations

from dataclasses import asdict
from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from layers.pages import public
from layers.stats.search import MAX_QUERY, Hit
from server.caching import cached_json
from server.deps import AtlasDep
from server.templating import page_context, render

router = APIRouter()
Lang = Literal["zh", "en"]
QueryQ = Query("", max_length=MAX_QUERY, description="Chinese, pinyin (tones optional), initials, English or adcode")


@router.get("/search", include_in_schema=False)
def search_page(request: Request, atlas: AtlasDep, q: str = QueryQ, lang: Lang = Query("zh")) -> Response:
    """Results as links to region and zone pages."""
    return render(request, "search.html", page_context(request, lang, q=q, hits=public.search_page(atlas, q, lang)))


@router.get("/api/search", response_model=list[Hit], tags=["search"])
def search_json(request: Request, atlas: AtlasDep, q: str = QueryQ, lang: Lang = Query("zh"),
                limit: int = Query(20, ge=1, le=100)) -> Response:
    """Regions and zones matching q, best first (exact, then prefix, then substring)."""
    return cached_json(request, [asdict(h) for h in public.search_page(atlas, q, lang, limit)], max_age=3600)
