"""Every query parameter is one the route takes, and every value names something that exists: the API answers
422 naming an unknown parameter, pages redirect to their URL without it, and nothing unknown is rendered or
kept. The routes are enumerated from the app itself, so a new route is covered without editing this file."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from server.draft_links import api_routes

HTML = {"Accept": "text/html"}
JUNK = {"from": "singlemessage", "isappinstalled": "0"}  # what WeChat adds to a shared link
PATH_VALUES = {"adcode": "620102", "zone_id": "lanbai", "dataset_id": "1", "fmt": "csv", "kind": "long"}


def concrete(path: str) -> str:
    """A route's path with a real value for each path parameter."""
    return re.sub(r"{(\w+)(:\w+)?}", lambda m: PATH_VALUES[m.group(1)], path)


def get_routes(client: TestClient, in_schema: bool) -> list[str]:
    return sorted({concrete(r.path) for r in api_routes(client.app.routes)  # type: ignore[attr-defined]
                   if "GET" in r.methods and r.include_in_schema == in_schema})


def test_every_api_operation_refuses_an_unknown_parameter_by_name(client: TestClient) -> None:
    kept = client.app.state.kept  # type: ignore[attr-defined]
    renders = client.app.state.atlas.cache_usage()["renders"]  # type: ignore[attr-defined]
    before = kept.usage()
    urls = get_routes(client, in_schema=True)
    assert {"/api/values", "/api/search", "/export.csv", "/briefing.pdf", "/healthz"} <= set(urls)
    for url in urls:
        r = client.get(url + "?" + urlencode({"q": "兰州"} if "search" in url else {}) + "&junk=" + "x" * 60_000)
        assert r.status_code == 422, url
        body = r.json()
        assert body["param"] == "junk" and "unknown parameter junk" in body["detail"], url
        assert "junk" not in body["allowed"] and "x" * 100 not in r.text
    both = client.get("/api/search?q=x&" + urlencode(JUNK))
    assert both.status_code == 422 and both.json()["param"] == "from, isappinstalled"
    assert kept.usage() == before  # nothing was kept for any of them
    assert client.app.state.atlas.cache_usage()["renders"] == renders  # type: ignore[attr-defined]


def test_known_parameters_still_work_and_422_is_documented(client: TestClient) -> None:
    assert client.get("/api/search?q=dh&lang=en&limit=3").status_code == 200
    assert client.get("/export.csv?level=prefecture&indicator=population").status_code == 200
    spec = client.get("/openapi.json").json()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            assert "422" in op["responses"], (method, path)


@pytest.mark.parametrize("url", ["/map?level=county&k=4", "/embed?level=prefecture", "/?lang=en", "/regions",
                                 "/regions/620102", "/zones?lang=en", "/zones/lanbai", "/search?q=%E5%85%B0",
                                 "/briefing?level=prefecture", "/regions/620102/series?indicator=population"])
def test_a_page_with_chat_app_parameters_redirects_to_its_canonical_url(client: TestClient, url: str) -> None:
    sep = "&" if "?" in url else "?"
    r = client.get(url + sep + urlencode(JUNK), headers=HTML, follow_redirects=False)
    assert r.status_code == 307
    assert r.headers["location"] == url  # relative: never built from the Host header
    assert client.get(url + sep + urlencode(JUNK), headers=HTML).status_code == 200  # the link still opens


def test_every_page_route_redirects_unknown_parameters_away(client: TestClient) -> None:
    for url in get_routes(client, in_schema=False):
        r = client.get(url + "?utm_source=x", follow_redirects=False, headers={"Host": "evil.example"})
        assert r.status_code == 307 and r.headers["location"] == url, url


def test_redirect_keeps_repeated_and_encoded_known_parameters(client: TestClient) -> None:
    r = client.get("/search?q=%E5%85%B0+%E5%B7%9E&from=x&lang=en", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == "/search?q=%E5%85%B0+%E5%B7%9E&lang=en"


@pytest.mark.parametrize(("url", "param"), [
    ("/map?level=county&region=999999", "region"),
    ("/embed?level=county&region=999999", "region"),
    ("/export.png?level=county&region=999999", "region"),
    ("/briefing.pdf?level=county&region=999999", "region"),
    ("/compare?level=county&region=620000&indicator2=nope", "indicator"),
    ("/embed?level=county&indicator2=nope", "indicator"),
    ("/embed?level=county&base_year=1990", "base_year"),
    ("/export.svg?level=county&base_year=2100", "base_year"),
    ("/embed?level=county&zones_year=2099", "zones_year"),
    ("/api/values?level=county&year=1990", "year"),
    ("/api/values?level=county&version=999", "version"),
    ("/zones?year=1960", "year"),
    ("/api/zones?year=2099", "year"),
    ("/api/datasets/1?offset=1000000000", "offset"),
])
def test_values_that_name_nothing_are_refused_before_any_render(client: TestClient, url: str, param: str) -> None:
    atlas = client.app.state.atlas  # type: ignore[attr-defined]
    client.get("/api/values?level=county")  # the newest snapshot read once, so only the view is new below
    before = {k: v for k, v in atlas.cache_usage().items() if k in ("renders", "memo")}
    r = client.get(url)
    assert r.status_code in (404, 422), url
    body = r.json()
    assert param in body["detail"] and body.get("param", param) == param, body
    after = {k: v for k, v in atlas.cache_usage().items() if k in ("renders", "memo")}
    assert after == before  # nothing drawn, nothing kept


def test_existing_units_and_years_are_accepted(client: TestClient) -> None:
    for url in ("/embed?level=county&region=620102", "/embed?level=prefecture&region=620000",
                "/embed?level=county&zones_year=2018", "/api/zones?year=2018"):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("size", ["width=4000&height=4000&scale=1.5", "width=3000&height=3000&scale=2",
                                  "width=4000&height=2500&scale=2"])
def test_an_export_canvas_over_16_million_pixels_is_refused_naming_the_limit(client: TestClient, size: str) -> None:
    r = client.get(f"/export.png?level=prefecture&{size}")
    assert r.status_code == 422 and "16,000,000 pixels" in r.json()["detail"]


def test_an_export_canvas_at_the_limit_is_allowed() -> None:
    from layers.render.image import MAX_PIXELS, ExportOptions

    assert MAX_PIXELS == 16_000_000
    for width, height, scale in ((4000, 4000, 1), (2000, 2000, 2), (1200, 900, 2)):
        opts = ExportOptions(width=width, height=height, scale=scale)
        assert opts.width * opts.scale * opts.height * opts.scale <= MAX_PIXELS
