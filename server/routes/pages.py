"""HTML pages: home, full map page and chrome-less embed, all driven by one MapView."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from layers.atlas import Atlas
from layers.classify import MAX_K, MIN_K
from layers.i18n import t
from layers.ranking import ranking_for
from layers.view import MapView
from server.caching import cached
from server.csp import context_script_hashes
from server.deps import AtlasDep

router = APIRouter(include_in_schema=False)
SCHEMES = ("quantiles", "natural_breaks", "equal_interval")


def ranking_context(request: Request, atlas: Atlas, view: MapView) -> dict[str, object]:
    """The ranking beside a map, the links that carry the view, and the embed snippet."""
    rv, base, table = ranking_for(atlas, view)
    query = view.query()
    src = f"{str(request.base_url).rstrip('/')}/embed?{query}"
    snippet = (f'<iframe src="{src}" title="{atlas.title(rv)}" width="100%" height="520" '
               'style="border:0;max-width:100%" loading="lazy"></iframe>')
    return {"ranking": table.to_dict("records"), "base": base, "query": query, "embed_snippet": snippet,
            "has_per_10k": bool(table["per_10k"].notna().any()), "has_share": bool(table["share"].notna().any())}


def page_context(request: Request, atlas: Atlas, view: MapView) -> dict[str, object]:
    """Everything a map page shows: the map parts, the picker choices and the ranking beside the map."""
    parts = atlas.render_map(view)
    rv, values = atlas.values(view)
    lang = view.lang
    mappable = [i for i in atlas.indicators() if view.level in i["levels"]]
    return ranking_context(request, atlas, view) | {
        "lang": lang, "t": lambda key, **kw: t(key, lang, **kw), "view": view, "rv": rv, "map": parts,
        "indicators": mappable, "years": rv.years, "schemes": SCHEMES, "ks": range(MIN_K, MAX_K + 1),
        "unit": rv.indicator.unit_en if lang == "en" else rv.indicator.unit,
        "other_lang_query": view.model_copy(update={"lang": "en" if lang == "zh" else "zh"}).query(),
        "illustrative": bool(values["illustrative"].any()), "demo_hidden": atlas.hides_illustrative(view),
        "data_version": atlas.version(), "zone_years": atlas.zones.years(),
    }


def render(request: Request, template: str, context: dict[str, object]) -> Response:
    """Render a template and return it with an ETag, and a CSP allowing exactly its maps' inline scripts."""
    html = request.app.state.templates.get_template(template).render({"request": request, **context})
    csp = request.app.state.csp.header(context_script_hashes(context))
    return cached(request, html, "text/html; charset=utf-8", headers={"Content-Security-Policy": csp})


@router.get("/")
def home(request: Request, atlas: AtlasDep, view: Annotated[MapView, Query()]) -> Response:
    """Home: the default map (county population, a real census figure) and the indicator picker."""
    return render(request, "map.html", page_context(request, atlas, view) | {"home": True})


@router.get("/map")
def map_page(request: Request, atlas: AtlasDep, view: Annotated[MapView, Query()]) -> Response:
    """A full map page for any view; the URL holds the whole view."""
    return render(request, "map.html", page_context(request, atlas, view) | {"home": False})


@router.get("/embed")
def embed(request: Request, atlas: AtlasDep, view: Annotated[MapView, Query()]) -> Response:
    """The same map with no page chrome, for iframes; title, legend, source and date stay inside."""
    parts = atlas.render_map(view)
    return render(request, "embed.html", {"lang": view.lang, "map": parts, "view": view})
