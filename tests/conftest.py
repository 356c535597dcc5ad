"""Shared fixtures: the real bundled data, an app on a temporary store, and a live server for the browser."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient

from geo.boundaries import BoundarySet
from layers.atlas import Atlas
from layers.backends import IndicatorStore, open_store
from layers.catalogue import Catalogue
from layers.seed import ensure_seeded
from layers.store import Store
from server.app import create_app
from server.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "tests" / "screenshots"


@pytest.fixture(scope="session")
def boundaries() -> BoundarySet:
    return BoundarySet.load()


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return Catalogue.load()


# PostgreSQL for the storage tests: `.ci/postgres start` prints this variable (`make test` sets it). Without it
# only SQLite runs locally; under CI=true the postgres tests fail instead of skipping.
PG_DSN = os.environ.get("IPMAP_TEST_PG_DSN")
PG_REQUIRED = os.environ.get("CI") == "true"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.skipif(
    not PG_DSN and not PG_REQUIRED, reason="IPMAP_TEST_PG_DSN unset (eval $(bash .ci/postgres start))"))]


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a new, empty schema (then public, for PostGIS); dropped afterwards."""
    import psycopg

    if not PG_DSN:
        if PG_REQUIRED:
            pytest.fail("IPMAP_TEST_PG_DSN unset under CI: .ci/postgres did not run")
        pytest.skip("IPMAP_TEST_PG_DSN unset")
    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(PG_DSN, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {name}")
    try:
        yield f"{PG_DSN}{'&' if '?' in PG_DSN else '?'}options={quote(f'-csearch_path={name},public')}"
    finally:
        with psycopg.connect(PG_DSN, autocommit=True) as db:
            db.execute(f"DROP SCHEMA {name} CASCADE")


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each store backend in turn: "sqlite", then "postgres"."""
    return str(request.param)


@pytest.fixture
def store(backend: str, request: pytest.FixtureRequest, tmp_path: Path,
          catalogue: Catalogue) -> Iterator[IndicatorStore]:
    """The seeded store, on SQLite and (when configured) on PostgreSQL: the same tests hold for both."""
    if backend == "sqlite":
        s: IndicatorStore = Store(tmp_path / "store.sqlite")
        ensure_seeded(s, catalogue)
        yield s
        return
    url = request.getfixturevalue("pg_url")
    s = open_store(tmp_path, url)
    try:
        ensure_seeded(s, catalogue)
        yield s
    finally:
        s.close()


@pytest.fixture
def atlas(boundaries: BoundarySet, catalogue: Catalogue, store: IndicatorStore) -> Atlas:
    return Atlas(boundaries, catalogue, store)  # type: ignore[arg-type]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(database=tmp_path / "app.sqlite", token="test-token", _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app under uvicorn in its own process, as a user would run it."""
    port = free_port()
    env = os.environ | {"IPMAP_DATABASE": str(tmp_path_factory.mktemp("live") / "live.sqlite"),
                        "IPMAP_PORT": str(port), "IPMAP_TOKEN": "live-token"}
    proc = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise RuntimeError("server did not start: " + (proc.stdout.read(4000).decode() if proc.stdout else ""))
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
