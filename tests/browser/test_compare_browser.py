"""Compare, timeline, embed and briefing in headless Chromium: offline, linked table and map, synced maps."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser
IND = "indicator=patent_applications"


def test_compare_maps_are_synced_and_offline(live_years: str, desktop) -> None:  # noqa: ANN001
    page = desktop.page
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{live_years}/compare?level=county&{IND}&base_year=2016&year=2023")
    page.wait_for_function("window.ipmapMaps && window.ipmapMaps.length === 3")
    page.wait_for_timeout(200)
    assert page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() == 3 * 87
    # the whole ranking (both years' value, change, % change, rank change, per 10k, share) fits its panel
    assert page.evaluate("(w => w.scrollWidth <= w.clientWidth)(document.querySelector('.ranking-wrap'))")
    desktop.shot("compare-county")
    zooms = "window.ipmapMaps.map(e => e.map.getZoom())"
    before = page.evaluate(zooms)
    page.evaluate("window.ipmapMaps[0].map.setZoom(window.ipmapMaps[0].map.getZoom() + 1, {animate: false})")
    page.wait_for_timeout(300)
    after = page.evaluate(zooms)
    assert after[1] == after[0] == before[0] + 1 and after[2] == after[0]
    assert desktop.outside() == [] and desktop.errors == []


def test_ranking_row_and_map_select_each_other(live_years: str, desktop) -> None:  # noqa: ANN001
    page = desktop.page
    page.goto(f"{live_years}/map?level=prefecture&{IND}")
    page.wait_for_function("window.ipmapMaps && window.ipmapMaps.length === 1")
    page.locator("table.ranking tr[data-adcode='620400'] td").first.click()
    assert page.evaluate("window.ipmapLayerFor('620400').options.color") == "#d7191c"
    assert "region=620400" in page.url
    # and the reverse: clicking the unit on the map marks its row
    page.evaluate("window.ipmapLayerFor('620100').fire('click')")
    assert page.locator("table.ranking tr[data-adcode='620100']").get_attribute("aria-selected") == "true"
    assert page.locator("table.ranking tr.selected").count() == 1
    assert page.evaluate("window.ipmapLayerFor('620400').options.color") != "#d7191c"
    # sorting by change puts the largest change first
    page.locator("th button[data-sort=change]").click()
    changes = page.locator("table.ranking tbody tr").evaluate_all(
        "rows => rows.map(r => parseFloat(r.dataset.change)).filter(v => !isNaN(v))")
    assert changes == sorted(changes, reverse=True) and len(changes) == 14
    # and by % change on request, the column showing it
    page.goto(f"{live_years}/compare?level=prefecture&{IND}&base_year=2016&year=2023")
    page.locator("th button[data-sort=change-pct]").click()
    pcts = page.locator("table.ranking tbody tr").evaluate_all(
        "rows => rows.map(r => parseFloat(r.dataset.changePct)).filter(v => !isNaN(v))")
    assert pcts == sorted(pcts, reverse=True) and len(pcts) == 14
    first = page.locator("table.ranking tbody tr").first.locator("td").nth(4).inner_text()
    assert first == f"{'+' if pcts[0] > 0 else ''}{pcts[0]:.1f}%"
    assert desktop.outside() == [] and desktop.errors == []


def test_timeline_slider_restyles_units(live_years: str, desktop) -> None:  # noqa: ANN001
    page = desktop.page
    page.goto(f"{live_years}/timeline?level=county&{IND}")
    page.wait_for_function("window.ipmapMaps && window.ipmapMaps.length === 1")
    fill = "window.ipmapLayerFor('620102').options.fillColor"
    data = page.evaluate("JSON.parse(document.getElementById('ipmap-timeline-data').textContent)")
    last = page.evaluate(fill)
    assert last == data["fills"]["620102"][-1]
    page.locator("#ipmap-year").fill("0")
    assert page.evaluate(fill) == data["fills"]["620102"][0]
    assert page.locator("#ipmap-year-label").inner_text() == "2016" and "year=2016" in page.url
    desktop.shot("timeline-county-2016")
    assert desktop.outside() == [] and desktop.errors == []


def test_timeline_ranking_follows_the_slider(live_years: str, desktop) -> None:  # noqa: ANN001
    page = desktop.page
    page.goto(f"{live_years}/timeline?level=county&{IND}&lang=en")
    page.wait_for_function("window.ipmapMaps && window.ipmapMaps.length === 1")
    data = page.evaluate("JSON.parse(document.getElementById('ipmap-timeline-data').textContent)")
    rows = "table.ranking tbody tr"

    def table() -> list[list[str]]:
        return page.locator(rows).evaluate_all("rs => rs.map(r => [r.dataset.adcode, r.cells[0].textContent.trim(),"
                                               " r.cells[2].textContent.trim(), r.cells[3].textContent.trim()])")

    latest = table()
    page.locator("#ipmap-year").fill("0")  # 2016, the first year: no change to show
    first = table()
    values = {code: v[0] for code, v in data["values"].items() if v[0] is not None}
    top = max(values, key=lambda code: values[code])
    assert first[0][0] == top and first[0][1] == "1"  # the row order is 2016's ranking
    assert first[0][2] == data["rankings"][0]["rows"][top][8]  # and its value is 2016's
    assert {r[3] for r in first} == {"—"} and first != latest
    assert "→" not in page.locator("#ranking-title + .ranking-help").inner_text()
    ranks = page.locator(rows).evaluate_all("rs => rs.map(r => parseFloat(r.dataset.rank))")
    assert ranks == sorted(ranks)
    page.locator("th button[data-sort=value]").click()  # sorted by value, the next year keeps that order
    page.locator("#ipmap-year").fill("3")
    shown = page.locator(rows).evaluate_all("rs => rs.map(r => parseFloat(r.dataset.value))")
    assert shown == sorted(shown, reverse=True)
    assert "2018→2019" in page.locator("#ranking-title + .ranking-help").inner_text()
    assert desktop.errors == []


def test_embed_fits_small_frame_without_outside_requests(live_years: str, browser) -> None:  # noqa: ANN001
    from tests.browser.conftest import watch

    w = watch(browser, 480, 360)
    try:
        w.page.goto(f"{live_years}/embed?level=county&{IND}")
        w.page.wait_for_selector("path.leaflet-interactive")
        assert w.page.locator(".ipmap-legend").is_visible() and w.page.locator(".ipmap-title").is_visible()
        assert w.page.evaluate("document.documentElement.scrollWidth") <= 480
        w.shot("embed-county-480x360")
        w.page.set_viewport_size({"width": 900, "height": 600})
        w.page.wait_for_timeout(300)
        w.shot("embed-county-900x600")
        assert w.outside() == [] and w.errors == []
    finally:
        w.page.context.close()


def test_briefing_prints(live_years: str, desktop) -> None:  # noqa: ANN001
    page = desktop.page
    page.goto(f"{live_years}/briefing?level=county&{IND}")
    page.wait_for_function("document.querySelector('figure.map img').complete")
    assert page.evaluate("document.querySelector('figure.map img').naturalWidth") > 0
    page.set_viewport_size({"width": 900, "height": 1300})
    desktop.shot("briefing-county")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    assert desktop.outside() == [] and desktop.errors == []
