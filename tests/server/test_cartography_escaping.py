"""The chart, small multiples, drill-down and symbol maps on hostile data: region names, sources, notes and units
that carry markup and template syntax come back as the text typed, never as markup or evaluated."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from fastapi.testclient import TestClient

from tests.server.test_xss import Page, assert_inert, tooltips

HTML = {"Accept": "text/html"}


def visible(text: str) -> str:
    page = Page(text)
    return "".join(page.plain) + "".join("".join(t.plain) for t in tooltips(page))


def not_evaluated(text: str, hostile: dict[str, object]) -> None:
    for mark in hostile["evaluated"]:  # type: ignore[attr-defined]
        assert mark not in text


def test_chart_shows_hostile_names_and_sources_as_text(hostile_client: TestClient, hostile: dict) -> None:
    for lang in ("zh", "en"):
        url = f"/chart?indicator=population&level=county&regions=620102,620982,620100&lang={lang}"
        r = hostile_client.get(url, headers=HTML)
        assert r.status_code == 200, r.text[:300]
        page = assert_inert(r.text, r.headers["content-security-policy"])
        shown = visible(r.text)
        not_evaluated(shown, hostile)
        name = hostile["names"]["620102"][0 if lang == "zh" else 1]
        assert name in shown  # the chip, the table row, the line label and the point titles say it as typed
        assert hostile["source"] in shown
        assert not [t for t, a in page.tags if t in ("img", "script") and a.get("src") == "x"]
    svg = hostile_client.get("/chart.svg?indicator=population&level=county&regions=620102,620100").text
    root = ET.fromstring(svg)  # well-formed: nothing the data carried closed or opened an element
    texts = "".join(root.itertext())
    not_evaluated(texts, hostile)
    assert hostile["names"]["620102"][0] in texts and hostile["source"] in texts
    assert not [el for el in root.iter() if el.tag.split("}")[-1] in ("script", "img", "foreignObject")]
    png = hostile_client.get("/chart.png?indicator=population&level=county&regions=620102,620100")
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
