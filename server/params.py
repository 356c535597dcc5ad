"""Only declared query parameters get past routing: the API refuses the others, pages drop them by redirect.

One app-wide dependency (create_app) reads the matched GET route's declared query parameters from FastAPI's own
dependency tree (a pydantic model such as MapView counts with each of its fields), once per route. A name the
route does not take never reaches a cache key or a render:
- API routes and downloads (everything in /openapi.json: /api/..., /export.*, /briefing.pdf, /healthz) answer
  422 naming the unknown parameters and listing the ones the route takes;
- pages (the routes left out of the schema: /, /map, /embed, /compare, /regions/..., /zones/..., /search, ...)
  answer 307 to the same URL without them, so a link that picked up `from=singlemessage&isappinstalled=0`
  in a chat app still opens its page. 307, not 301: browsers keep a 301 for good, and a name dropped today
  may be a real parameter tomorrow; 307 also keeps HEAD a HEAD. The Location is relative, never built from Host.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel


class UnexpectedParametersError(Exception):
    """Query parameters the route does not take (answered 422 with their names and the allowed ones)."""

    def __init__(self, unknown: list[str], allowed: list[str]):
        self.param = ", ".join(unknown)
        self.allowed = allowed
        shown = ", ".join(allowed) or "none"
        super().__init__(f"unknown parameter{'s' if len(unknown) > 1 else ''} {self.param}; this URL takes: {shown}")


class CanonicalRedirect(Exception):  # noqa: N818 - not an error: the page lives at another URL
    """A page asked with parameters it does not take: answered 307 to `location`, which leaves them out."""

    def __init__(self, location: str):
        self.location = location
        super().__init__(location)


def _model(annotation: Any) -> type[BaseModel] | None:
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def declared(dependant: Dependant) -> frozenset[str]:
    """The query parameter names a dependency tree takes (a model parameter contributes its fields' names)."""
    names: set[str] = set()
    todo = [dependant]
    while todo:
        current = todo.pop()
        for field in current.query_params:
            model = _model(field.field_info.annotation)
            if model is None:
                names.add(field.alias)
            else:
                names |= {info.alias or name for name, info in model.model_fields.items()}
        todo.extend(current.dependencies)
    return frozenset(names)


# Route -> its names, computed on first use; routes are fixed at start-up, and each entry holds its route so
# that its id is never reused.
_NAMES: dict[int, tuple[APIRoute, frozenset[str]]] = {}


def _route_names(route: APIRoute) -> frozenset[str]:
    hit = _NAMES.get(id(route))
    if hit is None or hit[0] is not route:
        hit = _NAMES[id(route)] = (route, declared(route.dependant))
    return hit[1]


async def only_declared(request: Request) -> None:
    """The app-wide dependency: refuse (API) or redirect away (pages) any query parameter the route does not take.
    Async: a set look-up on the event loop, no thread hop."""
    route = request.scope.get("route")
    # Reads only: they are what is kept and rendered. An upload checks its token first and its fields after,
    # so a caller without the token learns nothing else (server.routes.datasets).
    if request.method != "GET" or not isinstance(route, APIRoute) or not request.scope.get("query_string"):
        return
    allowed = _route_names(route)
    pairs = request.query_params.multi_items()
    unknown = sorted({k for k, _ in pairs if k not in allowed})
    if not unknown:
        return
    if route.include_in_schema:
        raise UnexpectedParametersError(unknown, sorted(allowed))
    kept = [(k, v) for k, v in pairs if k in allowed]
    path = "/" + (request.scope.get("root_path", "") + request.scope["path"]).lstrip("/")  # never "//host"
    raise CanonicalRedirect(quote(path) + ("?" + urlencode(kept) if kept else ""))
