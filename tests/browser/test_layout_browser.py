"""Nothing on the province: every unit's centre can be seen and hovered on the map, embed and compare pages.

A unit counts as covered when the topmost element at its representative point (inside its polygon) is not part
of its own map's panes: a title box, legend, zone key, Leaflet control, page text, or nothing (off screen).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, expect

from geo.boundaries import BoundarySet
from tests.browser.conftest import watch

pytestmark = pytest.mark.browser

COVERED = """([points, role]) => {
  const out = [];
  for (const entry of window.ipmapMaps || []) {
    if (role && entry.role !== role) continue;
    entry.map.getContainer().scrollIntoView({block: 'center'});
    const box = entry.map.getContainer().getBoundingClientRect(), panes = entry.map.getPane('mapPane');
    for (const [code, latlng] of Object.entries(points)) {
      const p = entry.map.latLngToContainerPoint(latlng);
      const el = document.elementFromPoint(box.left + p.x, box.top + p.y);
      if (!el || !panes.contains(el)) out.push([entry.role, code, el ? el.tagName + '.' + el.className : null]);
    }
  }
  window.scrollTo(0, 0);
  return out;
}"""
# The words around the map (title, legend, sources, zone key) must not overlap the map's own box.
TEXT_ON_MAP = """() => {
  const out = [];
  for (const entry of window.ipmapMaps || []) {
    const m = entry.map.getContainer().getBoundingClientRect();
    const fig = entry.map.getContainer().closest('.ipmap-figure');
    for (const el of fig.querySelectorAll('.ipmap-title, .ipmap-legend, .ipmap-sources, .ipmap-zonekey')) {
      const b = el.getBoundingClientRect();
      if (!b.width || !b.height) continue;
      const w = Math.min(b.right, m.right) - Math.max(b.left, m.left);
      const h = Math.min(b.bottom, m.bottom) - Math.max(b.top, m.top);
      if (w > 0.5 && h > 0.5) out.push(el.className);
    }
  }
  return out;
}"""


def centres(boundaries: BoundarySet, level: str) -> dict[str, list[float]]:
    """adcode -> [lat, lng] of a point inside each unit."""
    units = boundaries.units(level, 3)
    return {a: [p.y, p.x] for a, p in zip(units.adcode, units.geometry.representative_point(), strict=True)}


def covered(page: Page, points: dict[str, list[float]], role: str | None = "main") -> list[list[str]]:
    page.wait_for_selector("path.leaflet-interactive")
    page.wait_for_timeout(300)  # the fit after the first layout
    return page.evaluate(COVERED, [points, role])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_county_is_covered_on_a_desktop_map(live_server: str, browser, boundaries: BoundarySet,  # noqa: ANN001
                                               lang: str) -> None:
    w = watch(browser, 1440, 900)
    try:
        w.page.goto(f"{live_server}/map?level=county&lang={lang}")
        hidden = covered(w.page, centres(boundaries, "county"))
        assert hidden == [], hidden
        assert w.page.evaluate(TEXT_ON_MAP) == []
        assert w.page.locator(".ipmap-title").is_visible() and w.page.locator(".ipmap-legend").is_visible()
        source = w.page.locator(".ipmap-sources").first.inner_text()
        assert ("第七次全国人口普查" if lang == "zh" else "2020 population census") in source
        assert "tudigong" not in source and "MIT" not in source
        w.shot(f"layout-map-county-1440-{lang}")
        w.page.goto(f"{live_server}/map?level=county&indicator=invention_patents_per_10k&lang={lang}")
        assert covered(w.page, centres(boundaries, "county")) == []
        assert w.outside() == [] and w.errors == []
    finally:
        w.page.context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_county_is_covered_in_small_embeds(live_server: str, browser, boundaries: BoundarySet,  # noqa: ANN001
                                              lang: str) -> None:
    points = centres(boundaries, "county")
    w = watch(browser, 600, 400)
    try:
        w.page.goto(f"{live_server}/embed?level=county&lang={lang}")
        assert covered(w.page, points) == []
        assert w.page.evaluate(TEXT_ON_MAP) == []
        w.shot(f"layout-embed-600x400-{lang}")
        w.page.set_viewport_size({"width": 320, "height": 240})
        w.page.wait_for_timeout(300)  # refits to the smaller frame
        assert len(covered(w.page, points)) <= 0.1 * len(points)
        assert w.page.locator(".ipmap-title").is_visible() and w.page.locator(".ipmap-sources").first.is_visible()
        assert w.page.evaluate("document.documentElement.scrollWidth") <= 320
        w.shot(f"layout-embed-320x240-{lang}")
        assert w.outside() == [] and w.errors == []
    finally:
        w.page.context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_at_most_a_tenth_covered_on_a_phone(live_server: str, browser, boundaries: BoundarySet,  # noqa: ANN001
                                            lang: str) -> None:
    w = watch(browser, 375, 812)
    try:
        for level, indicator in (("county", "population"), ("prefecture", "patent_applications")):
            points = centres(boundaries, level)
            w.page.goto(f"{live_server}/map?level={level}&indicator={indicator}&lang={lang}")
            hidden = covered(w.page, points)
            assert len(hidden) <= 0.1 * len(points), hidden
            assert w.page.evaluate("document.documentElement.scrollWidth") <= 375
            w.shot(f"layout-map-{level}-phone-{lang}")
        w.page.goto(f"{live_server}/embed?level=county&lang={lang}")
        assert len(covered(w.page, centres(boundaries, "county"))) <= 0.1 * 87
        w.shot(f"layout-embed-phone-{lang}")
        assert w.outside() == [] and w.errors == []
    finally:
        w.page.context.close()


@pytest.mark.parametrize("size", [(1440, 900), (375, 812)])
def test_compare_maps_hide_no_county(live_server: str, browser, boundaries: BoundarySet,  # noqa: ANN001
                                     size: tuple[int, int]) -> None:
    points = centres(boundaries, "county")
    w = watch(browser, *size)
    try:
        for lang in ("zh", "en"):
            w.page.goto(f"{live_server}/compare?level=county&indicator=patent_applications&lang={lang}")
            hidden = covered(w.page, points, None)
            assert w.page.evaluate("(window.ipmapMaps || []).length") == 3
            limit = 0 if size[0] > 760 else 0.1 * 3 * len(points)
            assert len(hidden) <= limit, hidden[:10]
            assert w.page.evaluate(TEXT_ON_MAP) == []
            w.shot(f"layout-compare-{size[0]}-{lang}")
        assert w.outside() == [] and w.errors == []
    finally:
        w.page.context.close()


def test_zone_hatching_is_off_until_asked_for(live_server: str, desktop) -> None:  # noqa: ANN001
    page = desktop.page
    page.goto(f"{live_server}/map?level=county")
    page.wait_for_selector("path.ipmap-zone")
    opacity = "getComputedStyle(document.querySelector('path.ipmap-zone')).fillOpacity"
    assert page.evaluate(opacity) == "0"
    assert page.locator("details.ipmap-zonekey-details[open]").count() == 0  # folded by default
    page.locator("details.ipmap-zonekey-details summary").click()
    page.get_by_label("区域加阴影").check()
    assert page.evaluate(opacity) == "1"
    desktop.shot("layout-zones-hatched")
    assert desktop.errors == []


def test_copying_the_embed_code_says_so(live_server: str, desktop) -> None:  # noqa: ANN001
    page = desktop.page
    page.goto(f"{live_server}/map?level=county")
    page.locator("details.embed-box summary").click()
    status = page.locator("#ipmap-copy-status")
    assert status.get_attribute("aria-live") == "polite" and status.inner_text() == ""
    page.locator("#ipmap-copy-embed").click()
    expect(status).to_have_text(re.compile(r".+"))  # (no wait_for_function: the page's CSP forbids its eval)
    assert status.inner_text() in ("✓ 已复制到剪贴板", "无法自动复制，代码已选中，请按 Ctrl+C") and status.is_visible()
    assert desktop.errors == []


@contextmanager
def other_site(html: str) -> Iterator[str]:
    """Another origin (a briefing site) serving one page: the same machine, another port."""
    body = html.encode()

    class One(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), One)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


def test_another_site_can_frame_the_embed_but_not_the_pages(live_server: str, desktop) -> None:  # noqa: ANN001
    page = desktop.page
    html = (f'<iframe id="embed" src="{live_server}/embed?level=prefecture" width="600" height="400"></iframe>'
            f'<iframe id="page" src="{live_server}/map?level=prefecture" width="600" height="400"></iframe>')
    with other_site(html) as url:
        page.goto(url)
        embed = page.frame_locator("#embed")
        embed.locator(".leaflet-overlay-pane path.leaflet-interactive").first.wait_for()
        assert embed.locator(".leaflet-overlay-pane path.leaflet-interactive").count() == 14  # the units
        framed = page.locator("#page").element_handle().content_frame()
        assert framed is not None and not framed.url.startswith(live_server)  # the page itself is refused: an error
