"""Headless Debian Chromium driven by Playwright, with every request and console error recorded."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("IPMAP_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
# A point whose topmost element is a unit's path (not covered by the title box, legend or zone key).
HOVER_POINT = """() => {
  for (const p of document.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive')) {
    const b = p.getBoundingClientRect();
    const x = b.x + b.width / 2, y = b.y + b.height / 2;
    if (document.elementFromPoint(x, y) === p) return [x, y];
  }
  return null;
}"""
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: run `make system-deps` (Debian chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@dataclass
class Watched:
    page: Page
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def outside(self) -> list[str]:
        """Requests that left the app's own server (anything not on 127.0.0.1)."""
        return [u for u in self.requests if urlsplit(u).hostname not in ("127.0.0.1", None) and
                not u.startswith(("data:", "about:"))]

    def hover_point(self) -> tuple[float, float]:
        """Screen point of a unit's path that nothing covers, for a real mouse hover."""
        point = self.page.evaluate(HOVER_POINT)
        assert point, "no uncovered unit path on the page"
        return point[0], point[1]

    def shot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path


def watch(browser: Browser, width: int = 1280, height: int = 800) -> Watched:
    ctx = browser.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    w = Watched(page)
    page.on("request", lambda r: w.requests.append(r.url))
    page.on("console", lambda m: w.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: w.errors.append(str(e)))
    page.on("dialog", lambda d: (w.dialogs.append(d.message), d.dismiss()))
    return w


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Watched]:
    w = watch(browser)
    yield w
    w.page.context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Watched]:
    w = watch(browser, 375, 740)
    yield w
    w.page.context.close()
