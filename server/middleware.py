"""Security headers on every response (500 pages included), and cache headers on static files."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.csp import Policy


def content_security_policy(frame_ancestors: str, tile_url: str | None) -> str:
    """The default policy: only our own origin, and no inline script (pages that draw a map add its hashes)."""
    return Policy(frame_ancestors, tile_url).header()


class SecurityHeaders:
    """Pure ASGI middleware (no body buffering): adds headers as the response starts.

    A response that sets its own Content-Security-Policy (a page allowing its map scripts by hash) keeps it.
    A 304 gets no default policy: browsers merge a 304's headers into the cached page, and the default
    (no inline scripts) would then block the cached map.
    """

    def __init__(self, app: ASGIApp, csp: str):
        self.app = app
        self.csp = (b"content-security-policy", csp.encode())
        self.headers = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
            (b"permissions-policy", b"geolocation=(), camera=(), microphone=()"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = self.headers if message["status"] == 304 else [self.csp, *self.headers]
                headers += [(k, v) for k, v in extra if k not in names]
                if static and b"cache-control" not in names:
                    headers.append((b"cache-control", b"public, max-age=86400"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HeadAsGet:
    """HEAD answered on every GET route with the GET's status and headers (Content-Length, ETag, encoding
    included) and no body: the request goes through as a GET, so kept responses serve it too, and only the body
    is dropped on the way out. FastAPI's routes take only the methods they name, so HEAD was a 405 everywhere."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] != "http.response.body":
                await send(message)
            elif not message.get("more_body", False):
                await send({"type": "http.response.body", "body": b""})

        await self.app(dict(scope, method="GET"), receive, without_body)


class SecuredFastAPI(FastAPI):
    """FastAPI with SecurityHeaders outside everything, so even the 500 page that Starlette's outermost error
    middleware writes carries them (middleware added with add_middleware sits inside that one)."""

    def build_middleware_stack(self) -> ASGIApp:
        return HeadAsGet(SecurityHeaders(super().build_middleware_stack(), self.state.csp.header()))
