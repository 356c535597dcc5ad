"""Compression, kept responses and versioned boundaries over HTTP: fast repeats that never serve stale data."""

from __future__ import annotations

import gzip

import brotli
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from layers.pages import frames
from layers.store.sqlite import DatasetMeta
from server.app import create_app
from server.compression import choose
from server.settings import Settings

PAGES = ["/map?level=county", "/api/values?level=county", "/api/indicators", "/static/vendor/leaflet/leaflet.js",
         "/api/boundaries?level=county&lod=3"]


@pytest.mark.parametrize("url", PAGES)
def test_brotli_gzip_and_identity_carry_the_same_bytes(client: TestClient, url: str) -> None:
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "content-encoding" not in plain.headers
    raw_plain = plain.content
    for enc, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        with client.stream("GET", url, headers={"Accept-Encoding": enc}) as r:
            body = b"".join(r.iter_raw())
            assert r.headers["content-encoding"] == enc, url
            assert "accept-encoding" in r.headers["vary"].lower()
            assert r.headers["etag"].startswith("W/")
            assert int(r.headers["content-length"]) == len(body) < len(raw_plain)
            assert decode(body) == raw_plain


def test_compressed_etag_revalidates(client: TestClient) -> None:
    first = client.get("/map?level=county", headers={"Accept-Encoding": "br"})
    again = client.get("/map?level=county", headers={"Accept-Encoding": "br", "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    static = client.get("/static/css/site.css", headers={"Accept-Encoding": "gzip"})
    assert client.get("/static/css/site.css", headers={"If-None-Match": static.headers["etag"]}).status_code == 304


def test_accept_encoding_negotiation() -> None:
    assert choose("gzip, deflate, br, zstd") == "br"
    assert choose("gzip;q=1.0, br;q=0") == "gzip"
    assert choose("identity") is None and choose("") is None
    assert choose("*") == "br"


def test_an_import_invalidates_kept_pages_and_maps(client: TestClient) -> None:
    atlas = client.app.state.atlas  # type: ignore[attr-defined]
    urls = ["/map?level=county", "/embed?level=county", "/api/values?level=county", "/api/regions/620102"]
    before = {u: client.get(u) for u in urls}
    assert all("1,484,016" in before[u].text or "1484016" in before[u].text for u in urls)
    assert all(client.get(u).content == before[u].content for u in urls)  # kept, identical
    rows = pd.DataFrame([{"adcode": "620102", "indicator": "population", "year": 2020, "value": 2_345_678.0,
                          "unit": "人", "source": "caching test"}])
    atlas.store.add_dataset(DatasetMeta(name="t", kind="upload", source="test"), rows)
    for u in urls:
        after = client.get(u, headers={"If-None-Match": before[u].headers["etag"]})
        assert after.status_code == 200, u
        assert "2,345,678" in after.text or "2345678" in after.text, u
        assert "1,484,016" not in after.text and "1484016" not in after.text, u


def test_repeat_requests_do_no_work(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    client.get("/map?level=prefecture")
    calls: list[str] = []
    for name in ("render_map", "values", "indicators"):
        original = getattr(frames, name)
        monkeypatch.setattr(frames, name, lambda *a, _n=name, _f=original, **kw: calls.append(_n) or _f(*a, **kw))
    for _ in range(3):
        assert client.get("/map?level=prefecture").status_code == 200
    assert calls == []
    client.get("/map?level=prefecture&k=4")
    assert "render_map" in calls  # a new view is rendered


def test_errors_and_healthz_are_not_kept(client: TestClient) -> None:
    assert client.get("/api/values?indicator=nope").status_code == 404
    assert client.get("/api/values?indicator=nope").status_code == 404
    v1 = client.get("/healthz").json()["data_version"]
    atlas = client.app.state.atlas  # type: ignore[attr-defined]
    atlas.store.add_dataset(DatasetMeta(name="t", kind="upload", source="test"), pd.DataFrame(
        [{"adcode": "620102", "indicator": "population", "year": 2020, "value": 1.0, "unit": "人", "source": "t"}]))
    assert client.get("/healthz").json()["data_version"] == v1 + 1


def test_versioned_boundaries_are_immutable(client: TestClient) -> None:
    plain = client.get("/api/boundaries?level=county&lod=3")
    versioned = plain.headers["content-location"]
    assert versioned.startswith("/api/boundaries?level=county&lod=3&v=")
    r = client.get(versioned)
    assert r.status_code == 200 and r.content == plain.content
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    stale = client.get("/api/boundaries?level=county&lod=3&v=0000", follow_redirects=False)
    assert stale.status_code == 307 and stale.headers["location"] == versioned
    other = client.get("/api/boundaries?level=county&lod=2").headers["content-location"]
    assert other != versioned and "lod=2" in other


def test_cache_budget_zero_keeps_nothing_and_still_serves(settings: Settings,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    with TestClient(create_app(settings.model_copy(update={"cache_mb": 0}))) as client:
        atlas = client.app.state.atlas  # type: ignore[attr-defined]
        first = client.get("/map?level=prefecture")
        calls: list[str] = []
        original = frames._render_map
        monkeypatch.setattr(frames, "_render_map", lambda *a: calls.append("render") or original(*a))
        again = [client.get("/map?level=prefecture", headers={"accept-encoding": enc}) for enc in ("br", "gzip")]
        assert [r.status_code for r in again] == [200, 200]
        assert len({r.headers["etag"].removeprefix("W/") for r in [first, *again]}) == 1
        assert calls == ["render", "render"]  # nothing kept: each request drew its map again
        assert atlas.cache_usage()["renders"] == (0, 0)


def test_cache_budget_is_split_between_the_caches(settings: Settings) -> None:
    s = settings.model_copy(update={"cache_mb": 8})
    parts = [s.cache_bytes(p) for p in ("renders", "responses", "compressed", "memo", "geometry")]
    assert parts == [3 * 2**20, 2 * 2**20, 2**20, 2**20, 2**20] and sum(parts) == 8 * 2**20
