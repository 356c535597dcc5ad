"""Security headers on pages, API, static files, docs and every kind of error; CSP allows only hashed map scripts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from server.app import create_app
from server.csp import INLINE_SCRIPT, script_hash
from server.deps import get_atlas
from server.settings import Settings

HTML = {"Accept": "text/html"}
URLS = [
    ("GET", "/", HTML, 200),
    ("GET", "/map?level=prefecture&lang=en", HTML, 200),
    ("GET", "/embed?level=county", HTML, 200),
    ("GET", "/docs", HTML, 200),
    ("GET", "/api/values?indicator=population&level=county", {}, 200),
    ("GET", "/api/regions/620100", {}, 200),
    ("GET", "/api/boundaries?level=prefecture&lod=3", {}, 200),
    ("GET", "/healthz", {}, 200),
    ("GET", "/openapi.json", {}, 200),
    ("GET", "/static/css/site.css", {}, 200),
    ("GET", "/static/vendor/leaflet/leaflet.js", {}, 200),
    ("GET", "/static/nope.js", {}, 404),
    ("GET", "/favicon.ico", {}, 301),
    ("GET", "/nope", HTML, 404),
    ("GET", "/api/nope", {}, 404),
    ("GET", "/map?indicator=nope", HTML, 404),
    ("GET", "/api/values?level=town", {}, 422),
    ("GET", "/map?k=99", HTML, 422),
    ("POST", "/api/regions", {}, 405),
    ("DELETE", "/map", HTML, 405),
]


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app for the read-only checks of this module."""
    settings = Settings(database=tmp_path_factory.mktemp("headers") / "app.sqlite", token="test-token",
                        _env_file=None)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as c:
        yield c


def script_src(csp: str) -> str:
    return re.search(r"script-src ([^;]*)", csp).group(1)  # type: ignore[union-attr]


def assert_secure(headers: dict[str, str] | object, frame_ancestors: str = "'self'") -> None:
    h = headers  # httpx.Headers, case-insensitive
    csp = h["content-security-policy"]  # type: ignore[index]
    for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'self'", "connect-src 'self'",
                      "form-action 'self'", f"frame-ancestors {frame_ancestors}"):
        assert directive in csp, (directive, csp)
    src = script_src(csp)
    assert "'unsafe-inline'" not in src and "'unsafe-eval'" not in src and "http" not in src and "*" not in src
    assert h["x-content-type-options"] == "nosniff"  # type: ignore[index]
    assert h["referrer-policy"] == "strict-origin-when-cross-origin"  # type: ignore[index]
    assert "geolocation=()" in h["permissions-policy"]  # type: ignore[index]


@pytest.mark.parametrize(("method", "url", "headers", "status"), URLS, ids=[f"{m} {u}" for m, u, _, _ in URLS])
def test_every_response_has_security_headers(shared: TestClient, method: str, url: str, headers: dict[str, str],
                                             status: int) -> None:
    r = shared.request(method, url, headers=headers, follow_redirects=False)
    assert r.status_code == status
    assert_secure(r.headers, "*" if url.startswith("/embed") and status == 200 else "'self'")


@pytest.fixture
def crashing(settings: Settings) -> Iterator[TestClient]:
    """An app whose every route fails inside, as a bug would: the atlas dependency raises (the 500 path)."""
    app = create_app(settings)

    def boom() -> None:
        raise RuntimeError(f"secret detail {settings.database} token={settings.token}")

    app.dependency_overrides[get_atlas] = boom
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize(("url", "headers"), [("/map", HTML), ("/api/regions", {}), ("/api/values", {}),
                                              ("/healthz", {}), ("/api/regions/620100", {}), ("/compare", HTML),
                                              ("/zones/lanbai", HTML), ("/regions/620100", HTML),
                                              ("/api/zones", {}), ("/api/search?q=lanzhou", {}),
                                              ("/export.csv", {}), ("/briefing", HTML), ("/api/datasets", {})])
def test_internal_error_is_a_plain_500_with_headers(crashing: TestClient, settings: Settings, url: str,
                                                    headers: dict[str, str]) -> None:
    r = crashing.get(url, headers=headers)
    assert r.status_code == 500
    assert_secure(r.headers)
    for leak in ("Traceback", "RuntimeError", "secret detail", str(settings.token), str(settings.database),
                 "site-packages", 'File "'):
        assert leak not in r.text, leak
    if headers:
        assert "text/html" in r.headers["content-type"] and "<h1>500</h1>" in r.text
    else:
        assert r.json() == {"detail": "internal error"}


def inline_hashes(html: str) -> set[str]:
    """What a browser would compute: sha256 of every inline <script> body in the page."""
    return {script_hash(m.group(1)) for m in INLINE_SCRIPT.finditer(html)}


@pytest.mark.parametrize("url", ["/", "/map?level=county&indicator=population&lang=en", "/embed?level=prefecture",
                                 "/docs"])
def test_csp_allows_exactly_the_pages_own_inline_scripts(shared: TestClient, url: str) -> None:
    r = shared.get(url, headers=HTML)
    allowed = set(re.findall(r"'sha256-[A-Za-z0-9+/=]+'", script_src(r.headers["content-security-policy"])))
    page = inline_hashes(r.text)
    assert page and allowed == page


def test_csp_hashes_change_with_the_map(shared: TestClient) -> None:
    a = shared.get("/map?level=county", headers=HTML).headers["content-security-policy"]
    b = shared.get("/map?level=prefecture", headers=HTML).headers["content-security-policy"]
    assert a != b and script_src(a) != script_src(b)


def test_not_modified_page_keeps_its_policy(shared: TestClient) -> None:
    """Browsers merge a 304's headers into the cached page: a different CSP there would block the map."""
    r = shared.get("/map?level=prefecture", headers=HTML)
    again = shared.get("/map?level=prefecture", headers=HTML | {"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304
    assert again.headers["content-security-policy"] == r.headers["content-security-policy"]
    api = shared.get("/api/regions")
    api304 = shared.get("/api/regions", headers={"If-None-Match": api.headers["etag"]})
    assert api304.status_code == 304 and "content-security-policy" not in api304.headers
    assert api304.headers["x-content-type-options"] == "nosniff"


def test_only_the_embed_may_be_framed_by_any_site(shared: TestClient) -> None:
    embed = shared.get("/embed?level=prefecture", headers=HTML).headers["content-security-policy"]
    assert embed.endswith("frame-ancestors *")
    for url in ("/", "/map?level=prefecture", "/compare?level=prefecture&indicator=patent_applications", "/zones",
                "/sources", "/embed?level=nope"):
        assert shared.get(url, headers=HTML).headers["content-security-policy"].endswith("frame-ancestors 'self'"), url


def test_frame_ancestors_is_configurable(tmp_path: Path) -> None:
    ancestors = "'self' https://intranet.example.cn"
    settings = Settings(database=tmp_path / "f.sqlite", frame_ancestors=ancestors, _env_file=None)  # type: ignore[call-arg]
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as c:
        for url in ("/embed?level=county", "/map", "/api/regions", "/static/css/map.css", "/nope"):
            assert_secure(c.get(url, headers=HTML).headers, ancestors)
        app.state.atlas.snapshot = None  # a bug: the embed now fails with a 500
        r = c.get("/embed", headers=HTML)
        assert r.status_code == 500
        assert_secure(r.headers, ancestors)


def test_static_files_are_cached_and_not_sniffed(shared: TestClient) -> None:
    r = shared.get("/static/vendor/leaflet/leaflet.js")
    assert r.headers["cache-control"] == "public, max-age=86400"
    assert "javascript" in r.headers["content-type"] and r.headers["x-content-type-options"] == "nosniff"


def test_map_parts_are_found_wherever_a_page_keeps_them() -> None:
    from dataclasses import dataclass

    from server.csp import context_script_hashes

    @dataclass
    class Panel:
        parts: dict[str, str]

    one = {"head": "<script>var a = 1;</script><script src='/static/x.js'></script>", "body": "", "script": "go(1)"}
    two = {"head": "", "body": "", "script": "go(2)"}
    found = context_script_hashes({"map": one, "panels": [Panel(two)], "rows": [{"head": 1}], "n": 3})
    assert found == (script_hash("var a = 1;"), script_hash("go(1)"), script_hash("go(2)"))
