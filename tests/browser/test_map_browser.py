"""What a person sees: the county map in real headless Chromium, offline, with tooltip and legend."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser



def test_county_population_map(live_server: str, desktop) -> None:  # noqa: ANN001
    page = desktop.page
    page.goto(f"{live_server}/map?level=county&indicator=population")
    page.wait_for_selector("path.leaflet-interactive")
    paths = page.locator(".leaflet-overlay-pane path.leaflet-interactive")
    assert paths.count() == 87
    legend = page.locator(".ipmap-legend")
    assert legend.is_visible() and "人" in legend.inner_text()
    assert "常住人口" in page.locator(".ipmap-title").inner_text()
    # Hover a county that no control covers and read its tooltip.
    x, y = desktop.hover_point()
    page.mouse.move(x, y)
    tip = page.wait_for_selector(".leaflet-tooltip")
    text = tip.inner_text()
    assert "人" in text and "第" in text and "第七次全国人口普查" in text
    desktop.shot("county-population")
    assert desktop.outside() == []
    assert desktop.errors == []


def test_prefecture_map_english(live_server: str, desktop) -> None:  # noqa: ANN001
    page = desktop.page
    page.goto(f"{live_server}/map?level=prefecture&lang=en")
    page.wait_for_selector("path.leaflet-interactive")
    assert page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() == 14
    assert "Resident population" in page.locator(".ipmap-title").inner_text()
    assert "persons" in page.locator(".ipmap-legend").inner_text()
    desktop.shot("prefecture-population-en")
    assert desktop.outside() == [] and desktop.errors == []


def test_embed_and_phone(live_server: str, phone) -> None:  # noqa: ANN001
    page = phone.page
    page.goto(f"{live_server}/embed?level=county")
    page.wait_for_selector("path.leaflet-interactive")
    assert page.locator(".ipmap-legend").is_visible()
    phone.shot("embed-county-phone")
    page.goto(f"{live_server}/map?level=county")
    page.wait_for_selector("path.leaflet-interactive")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    phone.shot("map-county-phone")
    assert phone.outside() == [] and phone.errors == []


def test_picker_opens_latest_year_of_a_new_indicator(live_server: str, desktop) -> None:  # noqa: ANN001
    page = desktop.page
    page.goto(f"{live_server}/map?level=prefecture&indicator=population&year=2020")
    page.select_option("select[name=indicator]", "valid_invention_patents")  # applies at once
    page.wait_for_url("**indicator=valid_invention_patents**")
    page.wait_for_selector("path.leaflet-interactive")
    assert "year=" not in page.url and "indicator=valid_invention_patents" in page.url
    assert "2024" in page.locator(".ipmap-title").inner_text()
    assert desktop.errors == []
