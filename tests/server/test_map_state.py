"""/map.json and /map.js, what the map page's script redraws itself from: the same figures as the full page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from geo.boundaries import BoundarySet
from server.app import create_app
from server.csp import INLINE_SCRIPT
from server.settings import Settings
from tests.conftest import add_illustrative_years

MADE_UP = "/map?level=prefecture&indicator=patent_applications&year=2019&k=4&style=choropleth"
CSV = "地区,指标,年份,数值\n兰州市,专利授权量,2023,4321\n".encode()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, boundaries: BoundarySet) -> Iterator[TestClient]:
    """One app for the module (its maps drawn once): the bundled data plus eight made-up years of applications."""
    settings = Settings(database=tmp_path_factory.mktemp("state") / "app.sqlite", token="test-token",
                        _env_file=None)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as c:
        add_illustrative_years(c.app.state.atlas.store, boundaries)  # type: ignore[attr-defined]
        yield c


def state_and_page(client: TestClient, url: str) -> tuple[dict, str]:
    state = client.get(url.replace("/map?", "/map.json?"))
    page = client.get(url)
    assert state.status_code == page.status_code == 200, url
    return state.json(), page.text


def test_the_state_shows_what_the_full_page_shows(client: TestClient) -> None:
    state, page = state_and_page(client, MADE_UP)
    assert state["url"] == MADE_UP
    assert re.search(r'<h1 class="ipmap-title">([^<]+)</h1>', page)[1] == state["title"]  # type: ignore[index]
    assert state["title"] == "专利申请受理量（2019年，市州）"
    # the ranking: same units in the same order with the same values (None where the page says no data)
    rows = re.findall(r'<tr data-adcode="(\d+)" data-rank="[^"]*" data-value="([^"]*)"', page)
    assert [(r["adcode"], "" if r["value"] is None else str(r["value"])) for r in state["ranking"]] == rows
    assert len(rows) == 14 and state["ranking"][0]["rank"] == 1
    # the legend's classes and every word around the map, as the page has them
    assert state["caption"]["legend"] in page and state["caption"]["sources"] in page
    assert len(re.findall(r"ipmap-legend-swatch|<i\b", state["caption"]["legend"])) >= 4
    # made-up data: marked in the state, in its figure and in its ranking heading, as on the page
    assert state["illustrative"] is True and state["watermark"] == "示意数据，非真实统计"
    assert "⚠ 示意数据，非真实统计" in state["caption"]["flag"] and state["caption"]["flag"] in state["figure"]
    assert 'data-watermark="示意数据，非真实统计"' in state["figure"]
    assert all(r["illustrative"] for r in state["ranking"] if r["value"] is not None)
    assert 'class="flag-illustrative"' in state["panel"]
    # the panel and figure are the page's own parts
    assert state["panel"].strip()[:40] in page and 'name="year"' in state["panel"]
    assert '<option value="2019" selected>' in state["panel"]
    # the map script comes from the same data version
    assert re.search(r"^/map\.js\?.*version=\d+", state["script"])


def test_real_data_carries_no_illustrative_mark(client: TestClient) -> None:
    state, page = state_and_page(client, "/map?level=prefecture&indicator=population")
    assert state["illustrative"] is False and state["caption"]["flag"] == "" and state["watermark"] == ""
    assert "ipmap-illustrative" not in state["figure"] and "is-illustrative" not in state["figure"]
    assert state["view"]["year"] == 2020 and state["ranking"][0]["name_zh"] == "兰州市"


def test_the_map_script_is_the_page_script_as_a_file(client: TestClient) -> None:
    state, page = state_and_page(client, "/map?level=prefecture&indicator=population")
    r = client.get(state["script"])
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
    inline = max(INLINE_SCRIPT.findall(page), key=len)
    assert inline in r.text and r.text.startswith("(function () {")
    assert client.get(state["script"], headers={"If-None-Match": r.headers["etag"]}).status_code == 304
    assert "<script" not in state["figure"] + state["panel"]  # nothing in the parts would need a hash to run


def test_unknown_parameters_and_names_are_refused_before_any_render(client: TestClient) -> None:
    r = client.get("/map.json?level=prefecture&from=singlemessage")
    assert r.status_code == 422 and "from" in r.json()["detail"]
    assert client.get("/map.json?level=prefecture&indicator=nope").status_code == 404
    url = "/map.json?level=prefecture&indicator=population"
    assert client.head(url).status_code == 200
    r = client.get(url)
    assert r.headers["cache-control"].startswith("public") and r.headers["etag"]
    assert client.get(url, headers={"If-None-Match": r.headers["etag"]}).status_code == 304


def test_a_draft_preview_is_private(client: TestClient) -> None:
    auth = {"Authorization": "Bearer test-token"}
    draft = client.post("/api/datasets", files={"file": ("t.csv", CSV)}, data={"source": "草稿"},
                        headers=auth).json()["dataset_id"]
    url = f"/map.json?level=prefecture&indicator=patent_grants&year=2023&draft={draft}"
    assert client.get(url).status_code == 403
    r = client.get(url, headers=auth)
    assert r.status_code == 200 and r.headers["cache-control"] == "private, no-store" and "etag" not in r.headers
    state = r.json()
    assert any(row["value"] == 4321 for row in state["ranking"]) and f"draft={draft}" in state["script"]
    s = client.get(state["script"], headers=auth)
    assert s.status_code == 200 and s.headers["cache-control"] == "private, no-store"
    assert client.get(state["script"]).status_code == 403

