"""On a phone (375 px wide): no page scrolls sideways, and a tapped unit keeps the map in view."""

from __future__ import annotations

import pytest

from tests.browser.conftest import watch

pytestmark = pytest.mark.browser

PAGES = ["/briefing?level=county&indicator=patent_applications", "/briefing?level=county&indicator=patent_applications"
         "&lang=en", "/briefing?level=prefecture&lang=en", "/zones", "/zones?lang=en", "/sources?lang=en",
         "/regions/620982?lang=en", "/compare?level=county&indicator=patent_applications&lang=en"]


def test_no_page_scrolls_sideways_at_375(live_years: str, browser) -> None:  # noqa: ANN001
    w = watch(browser, 375, 812)
    try:
        wide = {}
        for path in PAGES:
            w.page.goto(f"{live_years}{path}")
            w.page.wait_for_load_state("load")
            width = w.page.evaluate("document.documentElement.scrollWidth")
            if width > 375:
                wide[path] = width
        assert wide == {}
        # the last page, compare in English: its ranking scrolls in its box with the region's name held in view
        region = w.page.locator(".ranking tbody tr:first-child td:nth-child(2)")
        assert region.evaluate("e => getComputedStyle(e).position") == "sticky"
        w.page.goto(f"{live_years}/zones?lang=en")
        name = w.page.locator("table.zones-table tbody th[scope=row]").first
        assert name.evaluate("e => getComputedStyle(e).position") == "sticky"  # the zone's name stays in view
        assert w.errors == []
    finally:
        w.page.context.close()


def test_tapping_a_county_keeps_the_map_and_its_tooltip_in_view(live_server: str, browser) -> None:  # noqa: ANN001
    ctx = browser.new_context(viewport={"width": 375, "height": 812}, has_touch=True, is_mobile=True)
    try:
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{live_server}/map?level=county&style=choropleth")  # the shapes (circles would lie on them)
        page.wait_for_selector("path.leaflet-interactive")
        page.wait_for_timeout(300)
        page.locator(".mapwrap").scroll_into_view_if_needed()
        before = page.evaluate("window.scrollY")
        x, y = page.evaluate("""() => {
          const m = window.ipmapMaps[0].map, box = m.getContainer().getBoundingClientRect();
          const p = m.latLngToContainerPoint(window.ipmapLayerFor('620102').getCenter());
          return [box.left + p.x, box.top + p.y]; }""")  # 城关区
        page.touchscreen.tap(x, y)
        page.wait_for_selector(".leaflet-tooltip")
        page.wait_for_timeout(300)
        assert page.evaluate("window.scrollY") == before  # the page stayed where the reader was
        tip = page.locator(".leaflet-tooltip").bounding_box()
        assert tip is not None and tip["y"] >= 0 and tip["y"] + tip["height"] <= 812  # the tooltip on screen
        assert "城关区" in page.locator(".leaflet-tooltip").inner_text()
        assert page.locator("tr[data-adcode='620102']").get_attribute("aria-selected") == "true"
        assert errors == []
    finally:
        ctx.close()
