"""Reads never show the write token or where files live; read routes take no writes."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from server.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
# An absolute file-system path, not the path part of a URL (which follows a host name or another segment).
ABSOLUTE_PATH = re.compile(r"(?<![\w.:/%~-])/(?:work|tmp|home|root|usr|var|opt|etc|srv|mnt|proc|private)/")
SAMPLES = {"adcode": ["620100", "620982", "620000", "999999"], "dataset_id": ["1", "3", "999"],
           "fmt": ["csv", "xlsx", "svg", "pdf", "png", "exe"], "zone_id": ["lanbai", "nope"]}
# Pages (not in the schema) and error paths.
EXTRA = ["/", "/map?lang=en", "/map?level=prefecture", "/embed", "/docs", "/regions", "/regions/620100",
         "/regions/620100/series?indicator=population", "/regions/620100/series.svg?indicator=population",
         "/zones", "/zones/lanbai", "/search?q=%E5%85%B0%E5%B7%9E", "/compare?indicator=population",
         "/timeline?indicator=population", "/briefing", "/api/values?indicator=nope", "/api/values?year=abc",
         "/map?indicator=%3Cscript%3E", "/api/boundaries?lod=7", "/zones/nope", "/regions/999999", "/nope",
         "/static/nope.css"]


def get_urls(client: TestClient) -> list[str]:
    """Every GET route of the OpenAPI document (path parameters filled from samples), plus pages and errors."""
    urls = []
    for path, ops in client.get("/openapi.json").json()["paths"].items():
        if "get" not in ops:
            continue
        params = re.findall(r"{(\w+)}", path)
        if not params:
            urls.append(path)
        for name in params:
            urls += [path.replace("{" + name + "}", v) for v in SAMPLES[name]]
    return urls + EXTRA


def test_get_routes_expose_no_token_or_paths(client: TestClient, settings: Settings) -> None:
    urls = get_urls(client)
    assert {"/api/regions", "/api/values", "/api/indicators", "/healthz"} <= set(urls)
    secrets = [str(settings.token), str(settings.database), str(settings.database.parent), str(ROOT)]
    for url in urls:
        for accept in ("text/html", "application/json"):
            r = client.get(url, headers={"Accept": accept})
            assert r.status_code < 500, url
            text = r.content.decode("latin-1") + "\n".join(f"{k}: {v}" for k, v in r.headers.items())
            for secret in secrets:
                assert secret not in text, (url, secret)
            assert not ABSOLUTE_PATH.search(text), (url, ABSOLUTE_PATH.search(text))


def test_the_path_pattern_catches_paths_but_not_urls() -> None:
    assert ABSOLUTE_PATH.search('{"detail": "no such file /tmp/pytest-1/app.sqlite"}')
    assert ABSOLUTE_PATH.search("File /work/main/server/app.py, line 3")
    assert not ABSOLUTE_PATH.search("https://www.stats.gov.cn/tmp/2021.html and /api/values?x=/tmp")


def test_read_routes_refuse_other_methods(client: TestClient) -> None:
    """Anything not documented as a write answers 405 and changes nothing."""
    version = client.get("/healthz").json()["data_version"]
    spec = client.get("/openapi.json").json()["paths"]
    for path, ops in spec.items():
        url = re.sub(r"{\w+}", "620100", path)
        for method in ("post", "put", "patch", "delete"):
            if method in ops:
                continue
            r = client.request(method.upper(), url, headers={"Authorization": "Bearer test-token"}, content=b"x")
            assert r.status_code == 405, (method, url, r.status_code)
    for url in ("/", "/map", "/embed"):
        assert client.post(url, content=b"x").status_code == 405
    assert client.get("/healthz").json()["data_version"] == version


def test_method_not_allowed_names_every_method_of_the_path(client: TestClient) -> None:
    """/api/datasets takes GET and POST from two routes; a 405 there must name both."""
    r = client.request("PUT", "/api/datasets")
    assert r.status_code == 405 and set(r.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}
    assert client.delete("/api/regions").headers["allow"] == "GET, HEAD"
