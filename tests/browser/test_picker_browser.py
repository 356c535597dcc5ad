"""The picker applies a choice at once (no Show button with JavaScript on), and still works without JavaScript."""

from __future__ import annotations

import re

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
