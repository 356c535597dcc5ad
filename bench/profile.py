"""Where a kept (cached) request spends its time: pyinstrument over repeated requests, in-process."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi.testclient import TestClient
from pyinstrument import Profiler

from server.app import create_app
from server.settings import Settings

URLS = ["/map?level=county&indicator=population", "/api/values?indicator=population&level=county",
        "/api/indicators"]
OUT = Path(__file__).resolve().parent / "out"


def main(repeat: int = 300) -> None:
    """Warm every URL, then profile `repeat` requests of each; write bench/out/profile.txt and .html."""
    with tempfile.TemporaryDirectory() as tmp, TestClient(create_app(Settings(
            database=Path(tmp) / "profile.sqlite", _env_file=None))) as client:  # type: ignore[call-arg]
        for u in URLS:
            client.get(u, headers={"Accept-Encoding": "gzip"})
        profiler = Profiler(interval=0.0002, async_mode="disabled")
        profiler.start()
        for _ in range(repeat):
            for u in URLS:
                client.get(u, headers={"Accept-Encoding": "gzip"})
        profiler.stop()
    OUT.mkdir(exist_ok=True)
    (OUT / "profile.txt").write_text(profiler.output_text(unicode=True, color=False, show_all=True))
    (OUT / "profile.html").write_text(profiler.output_html())
    print(f"wrote {OUT / 'profile.txt'}")


if __name__ == "__main__":
    main()
