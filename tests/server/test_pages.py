"""Pages over HTTP: size, offline, headers, language, errors as readable pages."""

from __future__ import annotations

import gzip
import re

import pytest
from fastapi.testclient import TestClient

HTML = {"Accept": "text/html"}
EXTERNAL = re.compile(r"""(?:src|href|url)\s*[=(]\s*["']?(?:https?:)?//""", re.I)


@pytest.mark.parametrize("url", ["/", "/map?level=county&indicator=population", "/map?level=prefecture",
                                 "/embed?level=county", "/map?lang=en"])
def test_pages_are_offline(client: TestClient, url: str) -> None:
    r = client.get(url, headers=HTML)
    assert r.status_code == 200
    assert not EXTERNAL.search(r.text), EXTERNAL.search(r.text)


def test_county_page_under_150kb_gzip(client: TestClient) -> None:
    r = client.get("/map?level=county&indicator=population")
    assert len(gzip.compress(r.content)) < 150_000
    assert r.text.count('"type": "Feature"') + r.text.count('"type":"Feature"') >= 87


def test_security_headers(client: TestClient) -> None:
    r = client.get("/", headers=HTML)
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'self'" in csp and "object-src 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"]


def test_home_is_chinese_first_with_picker(client: TestClient) -> None:
    r = client.get("/", headers=HTML)
    assert '<html lang="zh-CN">' in r.text and "甘肃知识产权地图" in r.text
    assert 'name="indicator"' in r.text and "常住人口" in r.text


def test_english(client: TestClient) -> None:
    r = client.get("/map?lang=en", headers=HTML)
    assert '<html lang="en">' in r.text and "Resident population" in r.text and "Chengguan District" in r.text


def test_embed_has_title_legend_source_and_datum_but_no_chrome(client: TestClient) -> None:
    r = client.get("/embed?level=county", headers=HTML)
    assert "ipmap-legend" in r.text and 'class="ipmap-title"' in r.text
    assert "来源：" in r.text and "第七次全国人口普查" in r.text and "WGS84" in r.text
    assert "示意图，非标准地图" in r.text  # no approval number set: it says it is schematic
    assert 'class="picker"' not in r.text and "<header" not in r.text


def test_lanzhou_new_area_rule_is_on_the_county_map(client: TestClient) -> None:
    r = client.get("/map?level=county&indicator=population", headers=HTML)
    assert "兰州新区" in r.text and "4,359,446" in r.text


def test_unknown_indicator_page_is_a_readable_404(client: TestClient) -> None:
    r = client.get("/map?indicator=nope", headers=HTML)
    assert r.status_code == 404
    assert "text/html" in r.headers["content-type"] and "population" in r.text and "Traceback" not in r.text


def test_bad_level_page_is_422(client: TestClient) -> None:
    r = client.get("/map?level=town", headers=HTML)
    assert r.status_code == 422 and "level" in r.text


def test_page_etag(client: TestClient) -> None:
    r = client.get("/map?level=prefecture")
    assert client.get("/map?level=prefecture", headers={"If-None-Match": r.headers["etag"]}).status_code == 304


def test_no_tile_layer_by_default(client: TestClient) -> None:
    assert "L.tileLayer" not in client.get("/map", headers=HTML).text


def test_tile_url_is_an_option(tmp_path) -> None:  # noqa: ANN001
    from server.app import create_app
    from server.settings import Settings

    settings = Settings(database=tmp_path / "t.sqlite", tile_url="http://tiles.intranet.example/{z}/{x}/{y}.png",
                        tile_attribution="Intranet tiles", _env_file=None)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as c:
        r = c.get("/map", headers=HTML)
    assert "L.tileLayer" in r.text and "tiles.intranet.example/{z}/{x}/{y}.png" in r.text
    assert "img-src 'self' data: http://tiles.intranet.example" in r.headers["content-security-policy"]
