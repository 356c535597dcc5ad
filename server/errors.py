"""Map geo/ and layers/ errors to HTTP statuses in one place; no stack trace ever reaches a client."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount

from geo.errors import UnknownLevelError
from layers.core.errors import (
    AccountError,
    DatasetStateError,
    ImportRejectedError,
    NotFoundError,
    UnknownParameterError,
    UnreadableFileError,
)
from layers.render.image import ExportError
from server.limits import RendersBusyError
from server.params import CanonicalRedirect, UnexpectedParametersError
from server.schemas import ErrorOut

log = logging.getLogger("ipmap")
STATUS: dict[type[Exception], int] = {
    UnknownParameterError: 404,
    UnknownLevelError: 422,
    NotFoundError: 404,
    UnreadableFileError: 400,
    ImportRejectedError: 422,
    ExportError: 503,
    DatasetStateError: 409,
    AccountError: 422,
    UnexpectedParametersError: 422,
}


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def _respond(request: Request, status: int, body: dict[str, object]) -> Response:
    if _wants_html(request):
        templates = request.app.state.templates
        return templates.TemplateResponse(request, "error.html", {"status": status, "error": body,
                                                                  "lang": request.query_params.get("lang", "zh")},
                                          status_code=status)
    return JSONResponse(body, status_code=status)


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(request: Request) -> str:
    """Every method some route takes at this path: Starlette's 405 names only the first route's methods."""
    routes = [r for r in request.app.router.routes if not isinstance(r, Mount)]
    allowed = [m for m in METHODS if any(r.matches(dict(request.scope, method=m))[0] == Match.FULL for r in routes)]
    if "GET" in allowed and "HEAD" not in allowed:
        allowed.insert(allowed.index("GET") + 1, "HEAD")  # server.middleware.HeadAsGet answers HEAD for every GET
    return ", ".join(allowed)


def document(app: FastAPI) -> None:
    """/openapi.json states the error bodies this module really sends: every 4xx of every operation is an ErrorOut,
    any operation may answer 422 (an unknown parameter), one that takes parameters 404 (no such region,
    indicator, year), and a download 503 when the render slots are full (server.limits)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        spec = build()
        components = spec.setdefault("components", {}).setdefault("schemas", {})
        error = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(error.pop("$defs", {}), ErrorOut=error)
        body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for ops in spec["paths"].values():
            for op in ops.values():
                responses = op.setdefault("responses", {})
                if op.get("parameters") or op.get("requestBody"):
                    responses.setdefault("404", {"description": "No such region, indicator, year or dataset"})
                # server.params: a query parameter a read does not take is refused on every read.
                responses.setdefault("422", {"description": "A parameter is malformed, out of range or not one "
                                                            "this operation takes"})
                if "export" in op.get("tags", []):
                    responses.setdefault("503", {"description": "Every render slot is busy: try again after "
                                                                "Retry-After seconds"})
                for status, response in responses.items():
                    if status.startswith(("4", "503")):
                        response["content"] = body
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        app.openapi_schema = spec
        return spec

    app.openapi = openapi  # type: ignore[method-assign]


def install(app: FastAPI) -> None:
    """Register the handlers, and document what they send."""
    document(app)

    async def known(request: Request, exc: Exception) -> Response:
        body: dict[str, object] = {"detail": str(exc)}
        for attr in ("param", "allowed", "report", "summary"):
            if hasattr(exc, attr):
                body[attr] = getattr(exc, attr)
        return _respond(request, STATUS[type(exc)], body)

    for exc_type in STATUS:
        app.add_exception_handler(exc_type, known)

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = [{"param": ".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]), "msg": e["msg"]}
                  for e in exc.errors()]
        detail = "; ".join(f"{e['param']}: {e['msg']}" for e in errors)
        return _respond(request, 422, {"detail": detail, "errors": errors})

    app.add_exception_handler(RequestValidationError, invalid)

    async def canonical(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, CanonicalRedirect)
        return RedirectResponse(exc.location, status_code=307)

    app.add_exception_handler(CanonicalRedirect, canonical)

    async def busy(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RendersBusyError)
        resp = _respond(request, 503, {"detail": str(exc)})
        resp.headers["Retry-After"] = str(exc.retry_after)
        resp.headers["Cache-Control"] = "no-store"
        return resp

    app.add_exception_handler(RendersBusyError, busy)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        resp = _respond(request, exc.status_code, {"detail": str(exc.detail)})
        for k, v in (exc.headers or {}).items():
            resp.headers[k] = v
        if exc.status_code == 405 and (allow := allowed_methods(request)):
            resp.headers["Allow"] = allow
        return resp

    app.add_exception_handler(StarletteHTTPException, http_error)

    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        return _respond(request, 500, {"detail": "internal error"})

    app.add_exception_handler(Exception, crash)
