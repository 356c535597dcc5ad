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
        w.page.goto(f"{live_years}/zones?lang=en")
        name = w.page.locator("table.zones-table tbody th[scope=row]").first
        assert name.evaluate("e => getComputedStyle(e).position") == "sticky"  # the zone's name stays in view
        assert w.errors == []
    finally:
        w.page.context.close()
