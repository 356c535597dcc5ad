"""ETag and Cache-Control for generated responses: a repeat request costs a hash compare and a 304."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from fastapi import Request
from fastapi.responses import Response


def etag_of(body: bytes) -> str:
    """Strong ETag from the body bytes (same bytes on every instance, since renders are deterministic)."""
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def cached(request: Request, body: bytes | str, media_type: str, max_age: int = 60,
           headers: Mapping[str, str] | None = None) -> Response:
    """A response with ETag; 304 when the client already has it (with the same extra headers).

    A draft preview (server.deps.draft_access marks the request private) gets `private, no-store` and no ETag
    instead: no response cache, compressed-body cache or browser cache keeps it.
    """
    data = body.encode("utf-8") if isinstance(body, str) else body
    draft = getattr(request.state, "draft", None)
    if getattr(request.state, "private", False):
        private = {"Cache-Control": "private, no-store", **(headers or {})}
        if draft:
            private["X-Draft-Preview"] = str(draft["id"])
        return Response(content=data, media_type=media_type, headers=private)
    tag = etag_of(data)
    headers = {"ETag": tag, "Cache-Control": f"public, max-age={max_age}", **(headers or {})}
    # Weak comparison (RFC 9110 13.1.2): a compressed copy carries the same tag as W/"...".
    if tag in [t.strip().removeprefix("W/") for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(content=data, media_type=media_type, headers=headers)


def cached_json(request: Request, payload: object, max_age: int = 60) -> Response:
    """JSON with ETag; non-ASCII kept as is."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=_default)
    return cached(request, body, "application/json", max_age)


def _default(obj: object) -> object:
    if hasattr(obj, "item"):
        return obj.item()  # NumPy scalars
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")
