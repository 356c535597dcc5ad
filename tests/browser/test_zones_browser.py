"""What a visitor sees of the zones: on a 375 px phone, with the keyboard alone, and offline."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


# Share of the map's area that the title box, legend and zone key cover (locator maps keep a title box).
COVERED = """() => {
  const map = document.querySelector('.folium-map').getBoundingClientRect();
  let covered = 0;
  for (const sel of ['.ipmap-titlebox', '.ipmap-legend', '.ipmap-zonekey', '.leaflet-control-layers']) {
    const el = document.querySelector(sel);
    if (!el) continue;
    const b = el.getBoundingClientRect();
    const w = Math.max(0, Math.min(b.right, map.right) - Math.max(b.left, map.left));
    const h = Math.max(0, Math.min(b.bottom, map.bottom) - Math.max(b.top, map.top));
    covered += w * h;
  }
  return covered / (map.width * map.height);
}"""

FOCUS = """() => {
  const el = document.activeElement, s = getComputedStyle(el);
  return {tag: el.tagName, id: el.id, href: el.getAttribute('href') || '', outline: s.outlineStyle,
          width: parseFloat(s.outlineWidth)};
}"""


def test_zone_page_on_a_phone(live_server: str, phone) -> None:  # noqa: ANN001
    page = phone.page
    page.goto(f"{live_server}/zones/lanbai")
    page.wait_for_selector(".leaflet-overlay-pane path")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.locator('path[fill="url(#ipmap-zone-diag45)"]').count() >= 1
    assert page.locator(".region-list li").count() == 13
    assert not page.locator("details.ipmap-zonekey-details").get_attribute("open") is not None  # folded on a phone
    assert page.evaluate(COVERED) < 0.35
    phone.shot("zone-lanbai-phone")
    page.goto(f"{live_server}/regions/620982")
    page.wait_for_selector("svg.locator path.county.lit")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    phone.shot("region-dunhuang-phone")
    assert phone.outside() == [] and phone.errors == []


def test_map_with_zones_on_a_phone(live_server: str, phone) -> None:  # noqa: ANN001
    page = phone.page
    page.goto(f"{live_server}/map?level=county")
    page.wait_for_selector("path.leaflet-interactive")
    page.wait_for_timeout(500)  # let the opening zoom settle
    assert page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() == 87
    assert page.locator('path[fill="url(#ipmap-zone-diag135)"]').count() >= 1
    assert page.locator(".leaflet-control-layers").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    covered = page.evaluate(COVERED)
    assert covered < 0.4, covered
    x, y = phone.hover_point()
    page.mouse.move(x, y)
    tip = page.wait_for_selector(".leaflet-tooltip")
    assert "试点区域" in tip.inner_text() and "人" in tip.inner_text()
    box = tip.bounding_box()
    assert box and box["width"] <= 0.6 * 375
    phone.shot("map-zones-phone")
    page.goto(f"{live_server}/map?level=county&lang=en")  # longer labels must not widen the page either
    page.wait_for_selector("path.leaflet-interactive")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.evaluate(COVERED) < 0.4
    assert phone.outside() == [] and phone.errors == []


def test_zone_types_toggle_in_the_layer_control(live_server: str, desktop) -> None:  # noqa: ANN001
    page = desktop.page
    page.goto(f"{live_server}/map?level=county")
    page.wait_for_selector("path.leaflet-interactive")
    assert page.locator("details.ipmap-zonekey-details[open]").count() == 0  # folded until asked for
    hatch = 'path[fill="url(#ipmap-zone-diag45)"]'
    assert page.locator(hatch).count() == 1
    page.hover(".leaflet-control-layers")
    page.get_by_label("改革试验区").uncheck()
    assert page.locator(hatch).count() == 0
    page.get_by_label("改革试验区").check()
    assert page.locator(hatch).count() == 1
    desktop.shot("map-zones-desktop")
    assert desktop.errors == []


def tab_until(page, test, limit: int = 60) -> dict:  # noqa: ANN001
    for _ in range(limit):
        page.keyboard.press("Tab")
        f = page.evaluate(FOCUS)
        if test(f):
            return f
    raise AssertionError("never reached by Tab")


def test_keyboard_reaches_search_and_region_list_with_focus_shown(live_server: str, desktop) -> None:  # noqa: ANN001
    page = desktop.page
    page.goto(f"{live_server}/map?level=county")
    page.wait_for_selector("path.leaflet-interactive")
    f = tab_until(page, lambda f: f["id"] == "site-q")
    assert f["outline"] != "none" and f["width"] >= 2
    f = tab_until(page, lambda f: f["href"].startswith("/regions/"))
    assert f["outline"] != "none" and f["width"] >= 2
    page.keyboard.press("Enter")
    page.wait_for_url("**/regions/*")
    assert page.locator("h1").inner_text().startswith("城关区")
    # Search with the keyboard alone: no mouse, no script needed.
    page.goto(f"{live_server}/zones/linxia-halal-food")
    tab_until(page, lambda f: f["id"] == "site-q")
    page.keyboard.type("dh")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=dh*")
    f = tab_until(page, lambda f: f["href"].startswith("/regions/620982"))
    assert f["outline"] != "none"
    page.keyboard.press("Enter")
    page.wait_for_url("**/regions/620982")
    assert "敦煌市" in page.locator("h1").inner_text()
    # The member list beside the zone map is in the tab order.
    page.goto(f"{live_server}/zones/linxia-halal-food")
    f = tab_until(page, lambda f: f["href"].startswith("/regions/6229"))
    assert f["outline"] != "none"
    assert desktop.outside() == [] and desktop.errors == []
