"""Where a kept (cached) request spends its time: pyinstrument over the ASGI app called directly, no HTTP client."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from pyinstrument import Profiler

from server.app import create_app, load_atlas
from server.settings import Settings

URLS = [("/map", b"level=county&indicator=population"), ("/api/values", b"indicator=population&level=county"),
        ("/api/indicators", b"")]
OUT = Path(__file__).resolve().parent / "out"


async def call(app: object, path: str, query: bytes) -> int:
    """One GET through the whole middleware stack; returns the status."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": query, "root_path": "",
             "headers": [(b"host", b"127.0.0.1"), (b"accept-encoding", b"gzip")], "client": ("127.0.0.1", 1),
             "server": ("127.0.0.1", 80), "app": app}
    status = 0

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])  # type: ignore[call-overload]

    await app(scope, receive, send)  # type: ignore[operator]
    return status


async def requests(app: object, repeat: int) -> None:
    for _ in range(repeat):
        for path, query in URLS:
            assert await call(app, path, query) == 200


def main(repeat: int = 500) -> None:
    """Warm every URL, then profile `repeat` rounds; write bench/out/profile.txt and .html."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database=Path(tmp) / "profile.sqlite", _env_file=None)  # type: ignore[call-arg]
        app = create_app(settings)
        app.state.atlas = load_atlas(settings)
        asyncio.run(requests(app, 2))
        profiler = Profiler(interval=0.0001, async_mode="enabled")
        profiler.start()
        asyncio.run(requests(app, repeat))
        profiler.stop()
    OUT.mkdir(exist_ok=True)
    (OUT / "profile.txt").write_text(profiler.output_text(unicode=True, color=False))
    (OUT / "profile.html").write_text(profiler.output_html())
    per = profiler.last_session.duration / (repeat * len(URLS)) * 1e3 if profiler.last_session else 0
    print(f"wrote {OUT / 'profile.txt'}: {per:.3f} ms per kept request")


if __name__ == "__main__":
    main()
