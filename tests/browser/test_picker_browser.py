"""The picker applies a choice at once (no Show button with JavaScript on), and still works without JavaScript."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_choice_applies_without_the_show_button(live_years: str, desktop) -> None:  # noqa: ANN001
    page = desktop.page
    page.goto(f"{live_years}/map?level=county&indicator=patent_applications&year=2020")
    assert page.locator("form.picker button[type=submit]").is_hidden()
    note = page.locator("form.picker .picker-note")
    assert note.inner_text() == "选择后地图随即更新。"
    assert page.locator("form.picker").get_attribute("aria-describedby") == note.get_attribute("id")
    page.locator("select[name=level]").select_option("prefecture")  # a mouse or touch choice: at once
    expect(page).to_have_url(re.compile(r"level=prefecture"))
    assert "year=2020" not in page.url  # the year is dropped with the level, so the map opens on data
    page.wait_for_selector("path.leaflet-interactive")
    assert page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() == 14
    # the keyboard steps through a closed list without loading a page at each step; Enter applies
    page.locator("select[name=k]").focus()
    url = page.url
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    assert page.url == url
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"k=6"))
    expect(page.locator("[role=status]").filter(has_text="专利申请受理量")).to_have_count(1)  # said when drawn
    assert page.evaluate("document.activeElement.name") == "k"  # the focus stays on the control
    assert desktop.errors == []


def test_compare_applies_a_new_indicator_at_once(live_years: str, desktop) -> None:  # noqa: ANN001
    page = desktop.page
    page.goto(f"{live_years}/compare?level=county&indicator=patent_applications&base_year=2016&year=2023")
    page.locator("select[name=level]").select_option("prefecture")
    expect(page).to_have_url(re.compile(r"/compare\?.*level=prefecture"))
    assert "base_year=2016" not in page.url  # dropped with the level: the new level's own years
    assert page.locator("figure.ipmap-figure").count() == 3
    assert desktop.errors == []


def test_without_javascript_the_show_button_submits(live_years: str, browser) -> None:  # noqa: ANN001
    ctx = browser.new_context(java_script_enabled=False)
    try:
        page = ctx.new_page()
        page.goto(f"{live_years}/map?level=county&indicator=patent_applications")
        button = page.locator("form.picker button[type=submit]")
        assert button.is_visible() and page.locator(".picker-note").count() == 0
        page.locator("select[name=level]").select_option("prefecture")
        assert "level=county" in page.url  # nothing happens until the button
        button.click()
        expect(page).to_have_url(re.compile(r"level=prefecture"))
    finally:
        ctx.close()


def test_a_change_redraws_the_map_in_place_and_back_restores_it(live_years: str, desktop) -> None:  # noqa: ANN001
    """Year, then indicator: map, legend, ranking, title and URL change with no page load (a marker set on the
    window survives), each matching the server's state for that view; Back restores the views in turn."""
    page = desktop.page
    base = "level=prefecture&indicator=patent_applications"
    page.goto(f"{live_years}/map?{base}&year=2023")
    page.wait_for_selector(".leaflet-overlay-pane path.leaflet-interactive")
    page.evaluate("window.stillHere = true")
    first = page.locator("table.ranking tbody tr").first
    title = page.locator("h1.ipmap-title")

    page.locator("select[name=year]").select_option("2016")
    expect(page).to_have_url(re.compile(r"year=2016"))
    expect(title).to_contain_text("2016")
    want = httpx.get(f"{live_years}/map.json?{base}&year=2016").json()
    top = want["ranking"][0]
    expect(first).to_have_attribute("data-adcode", top["adcode"])
    assert float(first.get_attribute("data-value") or "nan") == top["value"]
    assert page.locator(".ipmap-figure .ipmap-illustrative").count() == 1  # made-up years: still marked
    assert page.locator("#ranking-title .flag-illustrative").is_visible()
    assert page.evaluate("window.stillHere") is True

    page.locator("select[name=indicator]").select_option("invention_patents_per_10k")
    expect(page).to_have_url(re.compile(r"indicator=invention_patents_per_10k"))
    assert "year=" not in page.url  # the year goes with the indicator, as without JavaScript
    want = httpx.get(f"{live_years}/map.json?level=prefecture&indicator=invention_patents_per_10k").json()
    expect(title).to_have_text(want["title"])
    expect(first).to_have_attribute("data-adcode", want["ranking"][0]["adcode"])
    expect(page.locator(".ipmap-figure .ipmap-illustrative")).to_have_count(0)  # real data: no mark
    legend = page.locator(".ipmap-legend").inner_text()
    assert "万人" in legend or "10k" in legend
    page.wait_for_selector(".leaflet-overlay-pane path.leaflet-interactive")
    # the tooltip of a unit on the new map reads the new indicator's value
    page.mouse.move(*desktop.hover_point())
    expect(page.locator(".ipmap-tooltip")).to_contain_text("件/万人")
    assert page.locator("form.picker select[name=indicator]").input_value() == "invention_patents_per_10k"
    assert "indicator=invention_patents_per_10k" in (page.locator("header a[hreflang]").get_attribute("href") or "")
    assert page.evaluate("window.stillHere") is True

    page.go_back()
    expect(page).to_have_url(re.compile(r"indicator=patent_applications.*year=2016"))
    expect(title).to_contain_text("2016")
    page.go_back()
    expect(page).to_have_url(re.compile(r"year=2023"))
    expect(title).to_contain_text("2023")
    assert page.locator("form.picker select[name=year]").input_value() == "2023"
    assert page.evaluate("window.stillHere") is True
    expect(page.locator("#map-region")).not_to_have_attribute("aria-busy", "true")  # the redraw has finished
    expect(page.locator(".leaflet-container")).to_have_count(1)  # the old maps are gone, not stacked
    assert desktop.errors == []
