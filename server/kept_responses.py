"""Whole GET responses kept by (path, query, data version): a repeat view costs one version read, not a render.

Only responses that declare themselves shareable are kept: status 200 with an ETag and `Cache-Control: public`
(what server.caching.cached sends). A route whose body depends on anything but its URL and the store's data
(a per-request nonce, a cookie, a user) must send `private` or `no-store`, and then it is never kept. The data
version is read from the store on every request, so an import through any instance invalidates every instance.
"""

from __future__ import annotations

from dataclasses import dataclass

import anyio.to_thread
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from layers.core.memo import Memo

MAX_BYTES = 64 * 1024 * 1024
SKIP_PREFIXES = ("/static/", "/healthz")


@dataclass(frozen=True)
class Kept:
    """One response as sent: start message headers and the whole body."""

    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: str


class ResponseCache:
    """Pure ASGI middleware; sits inside compression, so kept bodies are compressed once by their ETag.

    Each kept response weighs its key (path and query string), its headers and its body (layers.core.memo), so a
    long query string costs its own bytes out of the same budget.
    """

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BYTES, memo: Memo | None = None):
        self.app = app
        self.memo = memo if memo is not None else Memo(size=None, max_bytes=max_bytes)
        self.max_bytes = self.memo.max_bytes if self.memo.max_bytes is not None else max_bytes

    def usage(self) -> tuple[int, int]:
        """(entries, bytes) kept."""
        return self.memo.usage()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        app_state = getattr(scope.get("app"), "state", None)
        atlas = getattr(app_state, "atlas", None)
        if (scope["type"] != "http" or scope["method"] != "GET" or atlas is None
                or scope["path"].startswith(SKIP_PREFIXES)):
            await self.app(scope, receive, send)
            return
        if getattr(atlas.store, "embedded", False):
            version = atlas.version()  # SQLite in-process: microseconds, not worth a thread hop
        else:
            version = await anyio.to_thread.run_sync(atlas.version)
        key = (scope["path"], scope.get("query_string", b""), version)
        kept = self._get(key)
        if kept is not None:
            await self._replay(kept, scope, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False) and start is not None:
                    self._maybe_put(key, start, b"".join(chunks))
            await send(message)

        await self.app(scope, receive, keep)

    def _get(self, key: tuple[str, bytes, int]) -> Kept | None:
        kept = self.memo.lookup(key)
        return kept if isinstance(kept, Kept) else None

    def _maybe_put(self, key: tuple[str, bytes, int], start: Message, body: bytes) -> None:
        headers = Headers(raw=start.get("headers", []))
        cache_control = headers.get("cache-control", "")
        etag = headers.get("etag")
        if (start["status"] != 200 or not etag or "public" not in cache_control or "no-store" in cache_control
                or len(body) > self.max_bytes):
            return
        self.memo.put(key, Kept(list(start.get("headers", [])), body, etag.removeprefix("W/")))

    async def _replay(self, kept: Kept, scope: Scope, send: Send) -> None:
        match = Headers(scope=scope).get("if-none-match", "")
        if kept.etag in [t.strip().removeprefix("W/") for t in match.split(",")]:
            # What a 304 may update on the cached copy; a page's own policy travels with it, as the route sends it.
            headers = [(k, v) for k, v in kept.headers
                       if k.lower() in (b"etag", b"cache-control", b"vary", b"content-security-policy")]
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": 200, "headers": kept.headers})
        await send({"type": "http.response.body", "body": kept.body})
