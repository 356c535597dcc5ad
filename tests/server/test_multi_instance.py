"""Two app processes on one PostgreSQL database, as behind a reverse proxy: a dataset uploaded through one, or
written beside them, is what both serve; each one's kept maps go stale by the version read from the database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pandas as pd
import pytest

from layers.core.catalogue import Catalogue
from layers.store.backends import open_store
from layers.store.seed import ensure_seeded
from layers.store.sqlite import DatasetMeta

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "multi-instance-token"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(url: str, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if proc.poll() is not None:
            raise RuntimeError("server exited: " + (proc.stdout.read().decode() if proc.stdout else ""))
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


@pytest.fixture
def location(pg_url: str, tmp_path: Path) -> tuple[Path, str | None]:
    """The shared store: a PostgreSQL URL (the SQLite path is unused, so no instance could fall back to it)."""
    return tmp_path / "unused.sqlite", pg_url


@pytest.fixture
def two_instances(location: tuple[Path, str | None]) -> Iterator[list[str]]:
    """Two `ipmap serve` processes on the same store, each on its own port."""
    database, url = location
    procs, urls = [], []
    try:
        for _ in range(2):
            port = free_port()
            env = os.environ | {"IPMAP_DATABASE": str(database), "IPMAP_PORT": str(port), "IPMAP_TOKEN": TOKEN}
            env.pop("IPMAP_DATABASE_URL", None)
            if url:
                env["IPMAP_DATABASE_URL"] = url
            procs.append(subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(port)],
                                          cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
            urls.append(f"http://127.0.0.1:{port}")
        for u, p in zip(urls, procs, strict=True):
            wait_up(u, p)
        yield urls
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=10)


def county_value(base: str, adcode: str) -> tuple[int, float | None]:
    body = httpx.get(base + "/api/values?indicator=population&level=county").json()
    return body["data_version"], next(v["value"] for v in body["values"] if v["adcode"] == adcode)


def upload_through_one_is_served_by_the_other(a: str, b: str) -> None:
    url = "/api/values?indicator=valid_invention_patents&level=county&year=2023"
    before = httpx.get(b + "/healthz").json()["data_version"]
    kept = httpx.get(b + url)  # B keeps this response for the current version
    assert kept.status_code in (200, 404)
    csv = "地区,指标,年份,数值\n城关区,有效发明专利量,2023,2968\n".encode("gbk")
    r = httpx.post(a + "/api/datasets", params={"source": "multi-instance test", "level": "county", "publish": "true"},
                   headers={"Authorization": f"Bearer {TOKEN}"}, files={"file": ("one.csv", csv)})
    assert r.status_code == 200, r.text
    assert httpx.get(b + "/healthz").json()["data_version"] == before + 1
    body = httpx.get(b + url).json()
    assert body["data_version"] == before + 1
    assert next(v for v in body["values"] if v["adcode"] == "620102")["value"] == 2968


def test_writes_are_served_by_every_instance(two_instances: list[str], location: tuple[Path, str | None],
                                             catalogue: Catalogue) -> None:
    a, b = two_instances
    upload_through_one_is_served_by_the_other(a, b)  # a planner's upload through the proxy lands on one instance
    # ... and a dataset written beside the apps (another tool on the shared database) reaches both.
    versions = {httpx.get(u + "/healthz").json()["data_version"] for u in (a, b)}
    assert len(versions) == 1, "both instances read the same store"
    before = versions.pop()
    assert county_value(b, "620102") == (before, 1_484_016)
    embeds = {u: httpx.get(u + "/embed?level=county") for u in (a, b)}  # warm both render caches
    assert all("1,484,016" in r.text for r in embeds.values())

    store = open_store(*location)
    try:
        ensure_seeded(store, catalogue)  # already seeded by the apps: a no-op
        assert store.version() == before
        rows = pd.DataFrame([{"adcode": "620102", "indicator": "population", "year": 2020, "value": 7_654_321.0,
                              "unit": "人", "source": "multi-instance test"}])
        new = store.add_dataset(DatasetMeta(name="written beside the apps", kind="upload", source="test"), rows)
    finally:
        store.close()

    assert new == before + 1
    for u in (a, b):
        assert httpx.get(u + "/healthz").json()["data_version"] == new
        assert county_value(u, "620102") == (new, 7_654_321)
        again = httpx.get(u + "/embed?level=county", headers={"If-None-Match": embeds[u].headers["etag"]})
        assert again.status_code == 200, "the cached map of the old version must not be served"
        assert "7,654,321" in again.text and "1,484,016" not in again.text
