"""Any Unicode text a planner types as a source is either refused with a report or shown exactly as typed on every
output: never evaluated, never a 5xx. Generated strings lean on template and markup fragments."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.app import create_app
from server.settings import Settings
from tests.conftest import EVALUATED, TEMPLATE
from tests.server.test_xss import Page, tooltips

AUTH = {"Authorization": "Bearer test-token"}
HTML = {"Accept": "text/html"}
VIEW = "level=prefecture&indicator=patent_grants&year=2021"
ROWS = "地区,指标,年份,数值\r\n白银市,专利授权量,2021,5120\r\n天水市,专利授权量,2021,640\r\n".encode()

FRAGMENTS = st.sampled_from(["{{", "}}", "{%", "%}", "{#", "#}", "{%raw%}", "{% endraw %}", "<", ">", "&", "\"",
                             "'", "=", "\\", "\u202e", "来源", "表3", " ", *TEMPLATE])
PLAIN = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12)
TEXT = st.lists(st.one_of(FRAGMENTS, PLAIN), min_size=1, max_size=6).map("".join)


@pytest.fixture(scope="module")
def rclient(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db: Path = tmp_path_factory.mktemp("roundtrip") / "app.sqlite"
    with TestClient(create_app(Settings(database=db, token="test-token", _env_file=None))) as c:  # type: ignore[call-arg]
        yield c


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT)
def test_a_typed_source_is_refused_or_shown_literally(rclient: TestClient, text: str) -> None:
    r = rclient.post("/api/datasets", files={"file": ("s.csv", ROWS)}, data={"source": text, "publish": "true"},
                     headers=AUTH)
    assert r.status_code < 500, r.text
    if r.status_code != 200:
        assert r.status_code in (400, 422) and r.json()["report"], r.text
        return
    values = rclient.get(f"/api/values?{VIEW}").json()["values"]
    stored = next(v for v in values if v["adcode"] == "620400")["source"].strip()
    assert stored == text.strip()
    for url in (f"/map?{VIEW}", f"/embed?{VIEW}&lang=en"):
        page = rclient.get(url, headers=HTML)
        assert page.status_code == 200
        assert not [m for m in EVALUATED if m in page.text and m not in stored]
        parsed = Page(page.text)
        assert stored in parsed.text["ipmap-sources"]
        assert stored in ["".join(t.plain).strip() for t in tooltips(parsed)]
    exported = rclient.get(f"/export.csv?{VIEW}")
    assert exported.status_code == 200
    rows = csv.reader(io.StringIO(exported.content.decode("utf-8-sig"), newline=""))
    cells = [c.strip() for row in rows for c in row]
    assert stored in cells or ("'" + stored) in cells  # a formula-looking cell gets a leading apostrophe
