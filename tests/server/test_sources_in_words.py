"""The chart view and small multiples name their sources for people, as the maps do: one line in the page's
language, each name linked to /sources on the page. Script paths, package names, licences and the internal
'computed: sum of N units' arithmetic belong on /sources only."""

from __future__ import annotations

import io
import re

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

HTML = {"accept": "text/html"}
DEVELOPER_TEXT = ("make_county_patents", ".py", "cnmaps", "MIT", "ILLUSTRATIVE", "sum of")
CHART = "indicator=patent_applications&level=prefecture&regions=620100,620200"


def visible(html: str) -> str:
    """What a reader sees: tags, and the attributes inside them, dropped."""
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_chart_page_says_its_sources_in_words_linked_to_the_sources_page(client: TestClient,
                                                                             lang: str) -> None:
    r = client.get(f"/chart?{CHART}&lang={lang}", headers=HTML)
    assert r.status_code == 200
    shown = visible(r.text)
    for dev in DEVELOPER_TEXT:
        assert dev not in shown, dev
    assert ("县级专利数为示意数据" if lang == "zh" else "illustrative") in shown
    assert 'href="/sources' in r.text


def test_the_chart_files_say_their_sources_in_words(client: TestClient) -> None:
    svg = client.get(f"/chart.svg?{CHART}").text
    for dev in DEVELOPER_TEXT:
        assert dev not in svg, dev
    assert "来源：" in svg and "示意数据" in svg


def test_small_multiples_footer_matches_every_other_map_file(client: TestClient) -> None:
    r = client.get("/export.pdf?level=prefecture&indicator=patent_applications&years=2021-2022")
    assert r.status_code == 200
    text = PdfReader(io.BytesIO(r.content)).pages[0].extract_text()
    for dev in DEVELOPER_TEXT:
        assert dev not in text, dev
    assert "示意图，非标准地图" in text  # no approval number set: the file says it is schematic, as a map's does
    assert "Albers" in text and "来源：" in text
