"""Place names as a reader sees them: prefecture names on a prefecture map, county names once zoomed in, never
two over each other, and never in the way of the pointer."""

from __future__ import annotations

import pytest

from tests.browser.conftest import watch

pytestmark = pytest.mark.browser

VISIBLE = """() => [...document.querySelectorAll('.ipmap-label span')]
  .filter(s => getComputedStyle(s.parentElement).visibility !== 'hidden')
  .map(s => { const r = s.getBoundingClientRect(); return [s.textContent, r.left, r.top, r.right, r.bottom]; })"""
# What the pointer reaches at the middle of each visible name: the unit's own path, not the name.
UNDER = """() => [...document.querySelectorAll('.ipmap-label span')]
  .filter(s => getComputedStyle(s.parentElement).visibility !== 'hidden')
  .map(s => { const r = s.getBoundingClientRect();
              const el = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
              return el ? el.tagName : null; })"""


def overlaps(labels: list[list[object]]) -> list[tuple[object, object]]:
    out = []
    for i, (a, al, at, ar, ab) in enumerate(labels):
        for b, bl, bt, br, bb in labels[i + 1:]:
            if al < br and ar > bl and at < bb and ab > bt:  # type: ignore[operator]
                out.append((a, b))
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_prefecture_map_names_its_prefectures(live_server: str, browser, lang: str) -> None:  # noqa: ANN001
    w = watch(browser, 1440, 900)
    try:
        w.page.goto(f"{live_server}/map?level=prefecture&lang={lang}")
        w.page.wait_for_selector(".ipmap-label span")
        w.page.wait_for_timeout(300)
        shown = w.page.evaluate(VISIBLE)
        names = {s[0] for s in shown}
        assert len(shown) >= 12, names  # of 14: only where two would collide does the smaller give way
        assert ("兰州市" if lang == "zh" else "Lanzhou") in " ".join(names)
        assert overlaps(shown) == []
        assert set(w.page.evaluate(UNDER)) <= {"path"}  # hovering a name hovers its unit
        w.shot(f"labels-prefecture-1440-{lang}")
        assert w.errors == []
    finally:
        w.page.context.close()


@pytest.mark.parametrize(("url", "width", "height"), [("/map?level=prefecture&lang=en", 375, 812),
                                                     ("/embed?level=prefecture", 320, 240)])
def test_names_never_overlap_on_a_phone_or_a_small_embed(live_server: str, browser, url: str, width: int,  # noqa: ANN001
                                                         height: int) -> None:
    """On a phone the fit zooms in animation: names placed by where they stood mid-flight used to overlap
    (Dingxi over Linxia and Tianshui at 375 px)."""
    w = watch(browser, width, height)
    try:
        w.page.goto(f"{live_server}{url}")
        w.page.wait_for_selector(".ipmap-label span")
        w.page.wait_for_timeout(400)
        shown = w.page.evaluate(VISIBLE)
        assert len(shown) >= 4 and overlaps(shown) == []
        w.shot(f"labels-prefecture-{width}")
        assert w.errors == []
    finally:
        w.page.context.close()


def test_county_names_appear_when_zoomed_in(live_server: str, desktop) -> None:  # noqa: ANN001
    page = desktop.page
    page.goto(f"{live_server}/map?level=county")
    page.wait_for_selector("path.leaflet-interactive")
    page.wait_for_timeout(300)
    assert page.evaluate(VISIBLE) == []  # the whole province: 87 names would be a blur
    page.evaluate("window.ipmapMaps[0].map.setView([36.06, 103.83], 8.5, {animate: false})")  # around Lanzhou
    page.wait_for_timeout(300)
    shown = page.evaluate(VISIBLE)
    assert "城关区" in {s[0] for s in shown} and len(shown) >= 10
    assert overlaps(shown) == []
    box = page.evaluate("(() => { const r = window.ipmapMaps[0].map.getContainer().getBoundingClientRect();"
                        " return [r.left, r.top, r.right, r.bottom]; })()")
    assert all(box[0] <= s[1] and s[3] <= box[2] and box[1] <= s[2] and s[4] <= box[3] for s in shown)
    desktop.shot("labels-county-zoomed")
    assert desktop.errors == []


@pytest.mark.parametrize(("lang", "words"), [("zh", ["放大", "缩小", "图层"]),
                                             ("en", ["Zoom in", "Zoom out", "Layers"])])
def test_leaflet_controls_in_the_page_language(live_server: str, desktop, lang: str,  # noqa: ANN001
                                               words: list[str]) -> None:
    page = desktop.page
    page.goto(f"{live_server}/map?level=county&lang={lang}")
    page.wait_for_selector(".leaflet-control-layers-toggle")
    titles = [page.locator(sel).first.get_attribute(attr) for sel in (".leaflet-control-zoom-in",
              ".leaflet-control-zoom-out", ".leaflet-control-layers-toggle") for attr in ("title", "aria-label")]
    assert titles == [w for w in words for _ in range(2)]
    assert desktop.errors == []
