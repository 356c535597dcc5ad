"""Template syntax in data is text: Folium's helper library must never evaluate what an upload carries.

The probe behind these tests committed a source of `{{ 7*7 }}` (and worse: a shell command through `cycler`) and
the public map showed `49` and the command's output; `{%raw%}` or `来源 {# 表3` broke every view of that data
with a 500. Each payload here must come back on every output exactly as it was typed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from server.app import create_app
from server.settings import Settings
from tests.conftest import EVALUATED, TEMPLATE
from tests.server.test_xss import Page, assert_inert, tooltips

AUTH = {"Authorization": "Bearer test-token"}
HTML = {"Accept": "text/html"}
YEAR = 2023
INDICATOR = "patent_applications"
COUNTIES = {"620102": 900, "620103": 450, "620104": 230, "620402": 120, "620982": 77}


def upload_rows() -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["地区", "指标", "年份", "数值", "备注"])
    for adcode, value in COUNTIES.items():
        w.writerow([adcode, "专利申请量", YEAR, value, TEMPLATE[(int(adcode) % len(TEMPLATE))]])
    return buf.getvalue().encode()


@pytest.fixture(scope="module")
def tclient(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app after an upload whose source, notes and file name are all template syntax."""
    db: Path = tmp_path_factory.mktemp("template") / "app.sqlite"
    settings = Settings(database=db, token="test-token", _env_file=None)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as c:
        r = c.post("/api/datasets", files={"file": ("{{ 7*7 }}.csv", upload_rows())},
                   data={"source": " ".join(TEMPLATE[:4]), "level": "county", "publish": "true"}, headers=AUTH)
        assert r.status_code == 200, r.text
        yield c


SOURCE = " ".join(TEMPLATE[:4])  # the probe's payload, `{{ 'EVAL' ~ 'UATED' }}`, `{%raw%}` and `来源 {# 表3`
VIEW = f"level=county&indicator={INDICATOR}&year={YEAR}"


def not_evaluated(text: str) -> None:
    for mark in EVALUATED:
        assert mark not in text, f"template evaluated: {mark!r} in output"


@pytest.mark.parametrize("url", [
    f"/map?{VIEW}", f"/map?{VIEW}&lang=en", f"/embed?{VIEW}", f"/embed?{VIEW}&lang=en",
    f"/map?{VIEW}&demo=true",
    f"/compare?{VIEW}&base_year=2022&demo=true", f"/timeline?level=county&indicator={INDICATOR}&demo=true",
    f"/briefing?{VIEW}", "/regions/620102", "/regions/620102/series?indicator=" + INDICATOR,
])
def test_pages_show_template_syntax_as_typed(tclient: TestClient, url: str) -> None:
    r = tclient.get(url, headers=HTML)
    assert r.status_code == 200, r.text[:500]
    page = assert_inert(r.text, r.headers["content-security-policy"])
    visible = "".join(page.plain) + str(page.tags) + "".join("".join(t.plain) for t in tooltips(page))
    not_evaluated(visible)
    assert "{{ 7*7 }}" in visible or "{%raw%}" in visible or "{# 表3" in visible, url


def test_the_map_shows_the_source_exactly_in_source_line_tooltip_and_ranking(tclient: TestClient) -> None:
    page = assert_inert(tclient.get(f"/map?{VIEW}", headers=HTML).text)
    assert SOURCE in page.text["ipmap-sources"]
    tips = ["".join(t.plain) for t in tooltips(page)]
    assert SOURCE in tips
    assert SOURCE in [attrs.get("title") for t, attrs in page.tags if t == "td"]


def test_json_api_returns_template_text_unchanged(tclient: TestClient) -> None:
    values = tclient.get(f"/api/values?{VIEW}").json()["values"]
    row = next(v for v in values if v["adcode"] == "620102")
    assert row["source"] == SOURCE and row["note"] == TEMPLATE[620102 % len(TEMPLATE)]
    datasets = tclient.get("/api/datasets").json()
    assert "{{ 7*7 }}.csv" in json.dumps(datasets, ensure_ascii=False)


def test_exports_carry_template_text_as_data(tclient: TestClient) -> None:
    r = tclient.get(f"/export.csv?{VIEW}")
    assert r.status_code == 200
    text = r.content.decode("utf-8-sig")
    not_evaluated(text)
    assert SOURCE in [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    r = tclient.get(f"/export.xlsx?{VIEW}")
    cells = [c.value for row in openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows() for c in row]
    assert SOURCE in cells
    r = tclient.get(f"/export.svg?{VIEW}")
    assert r.status_code == 200
    svg = r.content.decode()
    not_evaluated(svg)
    # matplotlib draws the SVG's text as glyph paths, so only "not evaluated" can be read back from it
    r = tclient.get(f"/export.pdf?{VIEW}")
    assert r.status_code == 200
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    not_evaluated(pdf_text)
    assert "{{" in pdf_text
    r = tclient.get(f"/export.png?{VIEW}&width=600&height=400&scale=1")
    assert r.status_code == 200 and r.content[:8] == b"\x89PNG\r\n\x1a\n"
    r = tclient.get(f"/briefing.pdf?{VIEW}")
    assert r.status_code == 200
    not_evaluated("".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages))
    r = tclient.get(f"/regions/620102/series.svg?indicator={INDICATOR}")
    assert r.status_code == 200
    not_evaluated(r.text)


def test_template_syntax_in_the_source_field_alone_is_taken_and_shown(tclient: TestClient) -> None:
    """The same through the form's source field on a prefecture upload: 200 on commit, literal on the map."""
    body = "地区,指标,年份,数值\r\n白银市,专利授权量,2021,5120\r\n".encode()
    for payload in ("{%raw%}", "来源 {# 表3", "{{ 'EVAL' ~ 'UATED' }}"):
        r = tclient.post("/api/datasets", files={"file": ("p.csv", body)},
                         data={"source": payload, "publish": "true"}, headers=AUTH)
        assert r.status_code == 200, r.text
        page = tclient.get("/map?level=prefecture&indicator=patent_grants&year=2021", headers=HTML)
        assert page.status_code == 200
        parsed = Page(page.text)
        not_evaluated("".join(parsed.plain))
        assert payload in parsed.text["ipmap-sources"]
