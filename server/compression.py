"""Brotli or gzip on every response; a body with an ETag is compressed once per encoding and kept.

Generated pages, JSON and static files all carry ETags, so a repeat request costs a dictionary look-up instead
of a compression. Kept bodies start at a fast brotli quality and are recompressed at the best quality in a
background thread (a county map page: 43 KB at quality 5, 31 KB at 11), like precompressed static assets.
"""

from __future__ import annotations

import queue
import threading
import zlib

import anyio.to_thread
import brotli
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from layers.core.memo import Memo

MIN_SIZE = 500
MAX_BODY = 16 * 1024 * 1024  # larger bodies pass through as they are
THREAD_SIZE = 64 * 1024  # compress bodies at least this big off the event loop
FAST = {"br": 5, "gzip": 6}
# Only brotli gains from a second pass (county page: 43 KB -> 31 KB; gzip 9 saves under 1% over 6).
BEST = {"br": 11}
BEST_MAX = 2 * 1024 * 1024  # quality 11 takes ~2 s per MB: bigger bodies keep the fast pass
PENDING_MAX = 8 * 1024 * 1024  # raw bodies waiting for the second pass; more are left at the fast quality
SKIP_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "font/woff", "font/woff2",
              "application/zip", "application/gzip", "text/event-stream")


def compress(body: bytes, encoding: str, level: int) -> bytes:
    """One body in one encoding ("br" or "gzip") at a quality level."""
    if encoding == "br":
        return brotli.compress(body, quality=level)
    z = zlib.compressobj(level, zlib.DEFLATED, 31)  # wbits 31: gzip container
    return z.compress(body) + z.flush()


def choose(accept_encoding: str) -> str | None:
    """The best encoding the client accepts: brotli, then gzip; q=0 refuses one."""
    accepted = set()
    for item in accept_encoding.lower().split(","):
        name, _, params = item.strip().partition(";")
        q = params.strip().removeprefix("q=")
        try:
            if params and float(q) == 0:
                continue
        except ValueError:
            continue
        accepted.add(name.strip())
    for enc in ("br", "gzip"):
        if enc in accepted or "*" in accepted:
            return enc
    return None


class BodyCache:
    """Compressed bodies by (path, ETag, encoding), least recently used dropped past a byte budget (layers.core.memo:
    keys and bodies both count)."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024):
        self.max_bytes = max_bytes
        self.memo = Memo(size=None, max_bytes=max_bytes)
        self._lock = threading.Lock()
        self._improving: set[tuple[str, str, str]] = set()
        self._todo: queue.Queue[tuple[tuple[str, str, str], bytes]] = queue.Queue(maxsize=64)
        self._pending = 0  # bytes of the raw bodies in _todo: bounded by PENDING_MAX, outside the cache budget
        self._worker: threading.Thread | None = None

    def get(self, key: tuple[str, str, str]) -> bytes | None:
        data = self.memo.lookup(key)
        return data if isinstance(data, bytes) else None

    def put(self, key: tuple[str, str, str], data: bytes) -> None:
        self.memo.put(key, data)

    def usage(self) -> tuple[int, int]:
        """(entries, bytes) kept."""
        return self.memo.usage()

    def improve_later(self, key: tuple[str, str, str], body: bytes) -> None:
        """Recompress at the best quality in the background and swap it in if still kept (dropped when busy)."""
        if key not in self.memo:
            return
        with self._lock:
            if key in self._improving or self._pending + len(body) > PENDING_MAX:
                return
            if self._worker is None:  # a daemon thread: never holds up shutdown
                self._worker = threading.Thread(target=self._work, name="recompress", daemon=True)
                self._worker.start()
            self._improving.add(key)
            self._pending += len(body)
        try:
            self._todo.put_nowait((key, body))
        except queue.Full:
            with self._lock:
                self._improving.discard(key)
                self._pending -= len(body)

    def _work(self) -> None:
        while True:
            key, body = self._todo.get()
            try:
                better = compress(body, key[2], BEST[key[2]])
                current = self.memo.peek(key, None)
                if isinstance(current, bytes) and len(better) < len(current):
                    self.put(key, better)
            finally:
                with self._lock:
                    self._improving.discard(key)
                    self._pending -= len(body)


class Compression:
    """Pure ASGI middleware in place of Starlette's GZipMiddleware (which recompresses every response at level 9)."""

    def __init__(self, app: ASGIApp, minimum_size: int = MIN_SIZE, cache: BodyCache | None = None):
        self.app = app
        self.minimum_size = minimum_size
        self.cache = cache or BodyCache()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "POST"):
            await self.app(scope, receive, send)
            return
        encoding = choose(Headers(scope=scope).get("accept-encoding", ""))
        if encoding is None:
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        passing = False

        async def send_compressed(message: Message) -> None:
            nonlocal start, size, passing
            if message["type"] == "http.response.start":
                headers = Headers(raw=message.get("headers", []))
                ctype = headers.get("content-type", "").partition(";")[0].strip().lower()
                passing = (message["status"] in (204, 206, 304) or "content-encoding" in headers
                           or ctype in SKIP_TYPES)
                if passing:
                    await send(message)
                else:
                    start = message
                return
            if passing or message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > MAX_BODY:  # too big to hold: send what we have, as it is
                passing = True
                await send(start)
                await send({"type": "http.response.body", "body": b"".join(chunks), "more_body": True})
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            if message.get("more_body", False):
                return
            await self._finish(scope["path"], start, b"".join(chunks), encoding, send)

        await self.app(scope, receive, send_compressed)

    async def _finish(self, path: str, start: Message, body: bytes, encoding: str, send: Send) -> None:
        headers = MutableHeaders(raw=list(start.get("headers", [])))
        headers.add_vary_header("Accept-Encoding")
        if len(body) >= self.minimum_size:
            etag = headers.get("etag")
            key = (path, etag.removeprefix("W/"), encoding) if etag else None
            data = self.cache.get(key) if key else None
            if data is None:
                if len(body) >= THREAD_SIZE:
                    data = await anyio.to_thread.run_sync(compress, body, encoding, FAST[encoding])
                else:
                    data = compress(body, encoding, FAST[encoding])
                if key:
                    self.cache.put(key, data)
                    if encoding in BEST and len(body) <= BEST_MAX:
                        self.cache.improve_later(key, body)
            if len(data) < len(body):
                body = data
                headers["Content-Encoding"] = encoding
                if etag:  # the compressed bytes are another representation of the same content
                    headers["ETag"] = etag if etag.startswith("W/") else "W/" + etag
        headers["Content-Length"] = str(len(body))
        await send({**start, "headers": headers.raw})
        await send({"type": "http.response.body", "body": body})
