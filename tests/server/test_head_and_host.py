"""HEAD answers like GET without a body, and nothing the server keeps depends on the Host header."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from server import compression
from server.app import create_app
from server.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SAME = ("content-type", "content-length", "etag", "cache-control", "content-encoding", "vary", "location")


@pytest.mark.parametrize("url", ["/healthz", "/api/indicators", "/api/values?level=prefecture", "/api/regions/620102",
                                 "/api/boundaries?level=prefecture&lod=3", "/export.csv?level=prefecture",
                                 "/map?level=prefecture", "/embed?level=county", "/regions/620102", "/zones",
                                 "/search?q=dh", "/static/css/site.css", "/docs", "/favicon.ico",
                                 "/map?level=prefecture&from=singlemessage", "/api/regions/999999"])
def test_head_answers_every_get_with_its_headers_and_no_body(client: TestClient, url: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compression, "BEST", {})  # no background recompression swapping bodies between the two
    for enc in ("br", "identity"):
        get = client.get(url, headers={"Accept-Encoding": enc}, follow_redirects=False)
        head = client.head(url, headers={"Accept-Encoding": enc}, follow_redirects=False)
        assert head.status_code == get.status_code != 405, url
        assert head.content == b""
        for name in SAME:
            assert head.headers.get(name) == get.headers.get(name), (url, enc, name)


def test_head_is_listed_where_get_is(client: TestClient) -> None:
    assert client.delete("/api/regions").headers["allow"] == "GET, HEAD"
    assert client.delete("/api/datasets").headers["allow"] == "GET, HEAD, POST"


def test_a_poisoned_host_never_reaches_a_later_visitor(client: TestClient) -> None:
    urls = ["/map?level=county", "/?lang=en", "/compare?level=county&indicator=population&base_year=2020",
            "/briefing?level=prefecture", "/embed?level=county", "/map?level=county&from=singlemessage"]
    for url in urls:
        client.get(url, headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"}, follow_redirects=False)
    for url in urls:
        for r in (client.get(url), client.get(url, headers={"Host": "evil.example"})):
            assert "evil.example" not in r.text, url
            assert all("evil.example" not in v for v in r.headers.values()), url


def test_embed_snippet_origin_is_configured_or_left_to_the_browser(settings: Settings) -> None:
    with TestClient(create_app(settings)) as c:
        snippet = re.search(r'<textarea id="ipmap-embed-code"[^>]*>([^<]*)</textarea>', c.get("/map").text)
        assert snippet and "src=&#34;/embed?level=county" in snippet.group(1)  # filled from location.origin
    public = settings.model_copy(update={"public_url": "https://ipmap.example.gov.cn"})
    with TestClient(create_app(public)) as c:
        page = c.get("/map", headers={"Host": "evil.example"}).text
        assert "src=&#34;https://ipmap.example.gov.cn/embed?level=county" in page and "evil" not in page
    js = (ROOT / "static" / "js" / "ipmap.js").read_text()
    assert "window.location.origin" in js


def test_public_url_must_be_an_origin(settings: Settings) -> None:
    assert Settings(public_url="https://ipmap.example.gov.cn/", _env_file=None).public_url == \
        "https://ipmap.example.gov.cn"  # type: ignore[call-arg]
    for bad in ("javascript:alert(1)", "ipmap.example.gov.cn", "https://x.example/?a=1"):
        with pytest.raises(ValueError, match="public_url"):
            Settings(public_url=bad, _env_file=None)  # type: ignore[call-arg]


def test_server_code_never_builds_urls_from_the_request_host() -> None:
    pattern = re.compile(r"\bbase_url\b|request\.url\b(?!\.path)|url_for\(|[\"']host[\"']")
    for path in [*(ROOT / "server").rglob("*.py"), *(ROOT / "server" / "templates").glob("*.html")]:
        assert not pattern.search(path.read_text()), (path.name, pattern.search(path.read_text()))


def test_nginx_sends_a_fixed_host_and_drops_unknown_names() -> None:
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "proxy_set_header Host $host" not in conf and "$http_host" not in conf
    assert re.search(r"listen 80 default_server;\s*server_name _;\s*return 444;", conf)
    named = re.search(r"server_name (\S+);", conf.split("return 444;")[1])
    assert named and f"proxy_set_header Host {named.group(1)};" in conf
