"""The chart, small multiples, drill-down and symbol maps on hostile data: region names, sources, notes and units
that carry markup and template syntax come back as the text typed, never as markup or evaluated."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from fastapi.testclient import TestClient
from pypdf import PdfReader

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


def test_small_multiples_carry_hostile_sources_as_text(hostile_client: TestClient, hostile: dict) -> None:
    r = hostile_client.get("/export.pdf?level=county&indicator=population&years=2019-2020")
    assert r.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    not_evaluated(text, hostile)
    assert "{{" in text and "2019" in text and "2020" in text
    svg = hostile_client.get("/export.svg?level=county&indicator=population&years=2019-2020")
    assert svg.status_code == 200
    ET.fromstring(svg.content)  # well-formed whatever the data held
    not_evaluated(svg.text, hostile)


def test_map_page_offers_small_multiples_of_the_views_years(client: TestClient) -> None:
    page = Page(client.get("/map?level=prefecture&indicator=patent_applications", headers=HTML).text)
    hrefs = [a.get("href") or "" for t, a in page.tags if t == "a"]
    assert any(h.startswith("/export.pdf?") and h.endswith("years=2016-2023") for h in hrefs)


def test_drill_down_names_its_hostile_prefecture_as_text(hostile_client: TestClient, hostile: dict) -> None:
    for lang in ("zh", "en"):
        for url in (f"/map?level=county&within=620100&year=2019&lang={lang}",
                    f"/embed?level=county&within=620100&year=2019&lang={lang}"):
            r = hostile_client.get(url, headers=HTML)
            assert r.status_code == 200, r.text[:300]
            assert_inert(r.text, r.headers["content-security-policy"])
            shown = visible(r.text)
            not_evaluated(shown, hostile)
            assert hostile["names"]["620100"][0 if lang == "zh" else 1] in shown
    page = Page(hostile_client.get("/map?level=county&within=620100&year=2019", headers=HTML).text)
    code = next(p for p in page.plain if "<iframe" in p)  # the embed snippet as the textarea shows it
    inner = Page(code)  # pasted into another page, it is one iframe and nothing else
    assert [t for t, _ in inner.tags] == ["iframe"]
    assert hostile["names"]["620100"][0] in (inner.tags[0][1].get("title") or "")
    r = hostile_client.get("/export.pdf?level=county&within=620100&year=2019")
    assert r.status_code == 200
    not_evaluated("".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages), hostile)
