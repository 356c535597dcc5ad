"""What a person sees of the chart view, the symbol map and a drill-down, in real headless Chromium, offline."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# The centre of a circle that nothing covers (a smaller circle may lie on a larger one's centre).
FREE_SYMBOL = """() => {
  for (const p of document.querySelectorAll('path.ipmap-symbol')) {
    const b = p.getBoundingClientRect();
    const x = b.x + b.width / 2, y = b.y + b.height / 2;
    if (b.width > 8 && document.elementFromPoint(x, y) === p) return [x, y, p.getAttribute('data-adcode')];
  }
  return null;
}"""
# The largest circle's radius on the map, and the key's circles as [value, radius] with the key's top value.
SIZES = """() => {
  const r = Math.max(...[...document.querySelectorAll('path.ipmap-symbol')]
                       .map(p => p.getBoundingClientRect().width / 2));
  const key = document.querySelector('svg.ipmap-symbol-legend');
  return [r, +key.getAttribute('data-top'),
          [...key.querySelectorAll('circle')].map(c => [+c.getAttribute('data-value'), +c.getAttribute('r')])];
}"""


def test_chart_lines_points_and_hover_titles(live_server: str, desktop) -> None:  # noqa: ANN001
    page = desktop.page
    page.goto(f"{live_server}/chart?indicator=patent_applications&level=prefecture&regions=620100,620200")
    chart = page.locator("svg.ipmap-linechart")
    assert chart.is_visible()
    assert page.locator("svg.ipmap-linechart g.ipmap-line").count() == 2
    points = page.locator("svg.ipmap-linechart .ipmap-point")
    assert points.count() == 16
    box = points.first.bounding_box()
    assert box and box["width"] >= 6  # a mark a person can see and point at
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    hit = page.evaluate("([x, y]) => { const e = document.elementFromPoint(x, y); return e && "
                        "e.querySelector('title') && e.querySelector('title').textContent; }", [x, y])
    assert hit and "兰州市 · 2016" in hit and "件" in hit  # what hovering it shows
    points.first.focus()  # each point is in the tab order
    assert page.evaluate("document.activeElement.getAttribute('data-year')") == "2016"
    labels = page.locator("svg.ipmap-linechart .ipmap-line-label").all_text_contents()
    assert any("兰州市" in t for t in labels) and any("嘉峪关市" in t for t in labels)
    boxes = [b for b in (lb.bounding_box() for lb in page.locator(".ipmap-line-label").all()) if b]
    for a, b in zip(boxes, boxes[1:], strict=False):  # end labels never overlap
        assert a["y"] + a["height"] <= b["y"] + 1 or b["y"] + b["height"] <= a["y"] + 1
    desktop.shot("chart-prefectures")
    page.goto(f"{live_server}/chart?indicator=invention_patents_per_10k&regions=620000,620100&scale=log")
    assert page.locator("g.ipmap-target").count() == 1
    desktop.shot("chart-target-log")
    assert desktop.outside() == [] and desktop.errors == []


def test_symbol_map_hover_keyboard_and_selection(live_server: str, desktop) -> None:  # noqa: ANN001
    page = desktop.page
    desktop.page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{live_server}/map?level=county&indicator=population")
    page.wait_for_selector("path.ipmap-symbol")
    symbols = page.locator("path.ipmap-symbol")
    assert symbols.count() == 87
    assert page.locator(".leaflet-ipmap-symbols-pane path.ipmap-symbol").count() == 87  # above every unit
    legend = page.locator(".ipmap-symbol-legend")
    assert legend.is_visible() and legend.locator("circle").count() == 3
    found = page.evaluate(FREE_SYMBOL)
    assert found, "every circle is covered"
    page.mouse.move(found[0], found[1])
    tip = page.wait_for_selector(".leaflet-tooltip")
    assert "人" in tip.inner_text()
    page.mouse.move(5, 5)
    first = symbols.first  # the largest circle, drawn first: 城关区
    assert first.get_attribute("tabindex") == "0" and "城关区" in (first.get_attribute("aria-label") or "")
    first.focus()
    tip = page.wait_for_selector(".leaflet-tooltip")
    assert "城关区" in tip.inner_text()
    page.keyboard.press("Enter")
    page.wait_for_selector("tr.selected[data-adcode='620102']")
    assert "region=620102" in page.url
    box = first.bounding_box()
    assert box
    cx, cy, r = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, box["width"] / 4
    hits = [page.evaluate("([x, y]) => { const e = document.elementFromPoint(x, y); "
                          "return [e.classList.contains('ipmap-symbol'), e.getAttribute('data-adcode')]; }",
                          [cx + dx, cy + dy]) for dx, dy in ((0, 0), (r, 0), (-r, 0), (0, r), (0, -r))]
    # circles only (smaller ones lie on the largest): the selected unit's shape, brought forward, stays under them
    assert all(is_circle for is_circle, _ in hits)
    desktop.shot("symbols-county")
    wide, top, key = page.evaluate(SIZES)
    page.set_viewport_size({"width": 375, "height": 812})  # a phone: smaller circles, so the counties do not merge
    page.goto(f"{live_server}/map?level=county&indicator=population")
    page.wait_for_selector("path.ipmap-symbol")
    phone, top, phone_key = page.evaluate(SIZES)
    for _ in range(20):  # the layout may still settle (the map is re-fitted when its box changes size)
        page.wait_for_timeout(250)
        again = page.evaluate(SIZES)
        if again == [phone, top, phone_key]:
            break
        phone, top, phone_key = again
    assert 0 < phone < wide * 0.7
    for (value, r), (_, r_wide) in zip(phone_key, key, strict=True):  # the key on the map's scale, areas as values
        assert abs(r - phone * (value / top) ** 0.5) < 0.2 and r < r_wide
    desktop.shot("symbols-county-phone")
    assert desktop.outside() == [] and desktop.errors == []


def test_drill_down_map(live_server: str, desktop) -> None:  # noqa: ANN001
    page = desktop.page
    page.goto(f"{live_server}/map?level=prefecture&indicator=population")
    page.locator("tr[data-adcode='620100'] a.drill").click()
    page.wait_for_selector(".drill-crumbs")
    assert page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() >= 8
    assert page.locator("path.ipmap-symbol").count() == 8
    assert page.locator("table.ranking tbody tr").count() == 8
    desktop.shot("drill-lanzhou")
    page.locator(".drill-crumbs a").first.click()
    page.wait_for_selector("tr.selected[data-adcode='620100']")
    assert desktop.outside() == [] and desktop.errors == []
