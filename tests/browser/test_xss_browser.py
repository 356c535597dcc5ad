"""Hostile data in real Chromium: markup in names, sources and parameters shows as text and no dialog fires,
with the CSP on and, to show the escaping alone holds, with the CSP bypassed."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

# A point inside the path of the unit with this adcode that is on top there (not under the title box or legend),
# or null; Folium's GeoJSON layers are globals of the page.
POINT_ON = """(adcode) => {
  for (const v of Object.values(window)) {
    if (!(v instanceof L.GeoJSON)) continue;
    for (const l of v.getLayers()) {
      if (!l.feature || l.feature.properties.adcode !== adcode) continue;
      const b = l._path.getBoundingClientRect();
      for (let i = 1; i < 8; i++) for (let j = 1; j < 8; j++) {
        const x = b.x + b.width * i / 8, y = b.y + b.height * j / 8;
        if (document.elementFromPoint(x, y) === l._path) return [x, y];
      }
    }
  }
  return null;
}"""
def point_on(page: Page, adcode: str) -> list[float]:
    """POINT_ON once the map has stopped moving (it fits itself after load): the same answer twice running."""
    last = None
    for _ in range(50):
        point = page.evaluate(POINT_ON, adcode)
        if point is not None and point == last:
            return point  # type: ignore[no-any-return]
        last = point
        time.sleep(0.1)
    raise AssertionError(f"no settled point on {adcode}: {last}")


PLANTED = "document.querySelectorAll('img[src=\"x\"], svg[onload], [onerror], [onload]').length"


@pytest.fixture(scope="module")
def hostile_server(hostile_client: TestClient) -> Iterator[str]:
    """The hostile app (already started by its TestClient) served by uvicorn on loopback, in a thread."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(hostile_client.app, host="127.0.0.1", port=port, lifespan="off",
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


QUOTED_SOURCE = "\"统计\" ' onmouseover='alert(1)' & R&D"  # no tag: an upload takes it, the page must quote it


@pytest.fixture(scope="module")
def uploaded(hostile_server: str) -> str:
    """Patent grants for 白银市 uploaded over HTTP with an attribute-breaking source; the map URL that shows them."""
    csv = "地区,指标,年份,数值,备注\r\n白银市,专利授权量,2023,640,\"\"\" autofocus onfocus=\"\"alert(2)\"\"\"\r\n"
    r = httpx.post(f"{hostile_server}/api/datasets", files={"file": ("q.csv", csv.encode())},
                   data={"source": QUOTED_SOURCE, "publish": "true"},
                   headers={"Authorization": "Bearer test-token"}, timeout=30)
    assert r.status_code == 200, r.text
    return f"{hostile_server}/map?level=prefecture&indicator=patent_grants&year=2023"


@pytest.fixture(params=["csp", "no-csp"])
def visitor(request: pytest.FixtureRequest, browser: Browser) -> Iterator[tuple[object, bool]]:
    """A desktop page with dialogs recorded; once as served, once with the CSP bypassed."""
    if request.param == "csp":
        yield request.getfixturevalue("desktop"), True
        return
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)

    class Bare:
        page = ctx.new_page()
        dialogs: list[str] = []
        errors: list[str] = []

    Bare.page.on("dialog", lambda d: (Bare.dialogs.append(d.message), d.dismiss()))
    Bare.page.on("pageerror", lambda e: Bare.errors.append(str(e)))
    yield Bare, False
    ctx.close()


def test_hostile_data_shows_as_text_and_runs_nothing(hostile_server: str, uploaded: str, visitor,  # noqa: ANN001
                                                     hostile: dict) -> None:
    w, _ = visitor
    page = w.page
    names, source = hostile["names"], hostile["source"]
    page.goto(f"{hostile_server}/map?level=county&year={hostile['year']}")
    page.wait_for_selector("path.leaflet-interactive")
    assert page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() == 87
    assert source in page.locator(".ipmap-sources").first.inner_text()
    assert names["620982"][0] in page.locator(".ipmap-legend").inner_text()
    assert names["620102"][0] in page.locator("table.ranking").inner_text()
    for adcode in ("620102", "620982"):
        page.mouse.move(*point_on(page, adcode))
        tip = page.wait_for_selector(".leaflet-tooltip").inner_text()
        assert names[adcode][0] in tip, tip
        if adcode == "620102":
            assert source in tip
    assert page.evaluate(PLANTED) == 0

    for url in (f"/map?level=county&year={hostile['year']}&lang=en", f"/embed?level=county&year={hostile['year']}",
                "/map?level=prefecture", "/embed?level=prefecture&lang=en"):
        page.goto(hostile_server + url)
        page.wait_for_selector("path.leaflet-interactive")
        page.mouse.move(*point_on(page, "620100" if "prefecture" in url else "620102"))
        page.wait_for_selector(".leaflet-tooltip")
        assert page.evaluate(PLANTED) == 0, url
    page.goto(uploaded)  # the upload's source, on the map and in 白银市's tooltip
    page.wait_for_selector("path.leaflet-interactive")
    assert QUOTED_SOURCE in page.locator(".ipmap-sources").first.inner_text()
    page.mouse.move(*point_on(page, "620400"))
    assert QUOTED_SOURCE in page.wait_for_selector(".leaflet-tooltip").inner_text()
    assert page.evaluate(PLANTED) == 0
    for payload in hostile["xss"]:  # reflected in the error page
        page.goto(f"{hostile_server}/map?indicator={quote(payload)}")
        assert payload.split("'")[-1] in page.locator("main").inner_text()  # shown (repr quotes the quote)
        assert page.evaluate(PLANTED) == 0

    assert w.dialogs == []
    assert [e for e in w.errors if "status of 404" not in e] == []  # the error pages are 404s, nothing else
    page.evaluate("() => alert('control')")  # the recorder does see a dialog when one fires
    assert w.dialogs == ["control"]
