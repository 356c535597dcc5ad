"""Shared fixtures: the real bundled data, an app on a temporary store, and a live server for the browser."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from geo.boundaries import BoundarySet
from layers.atlas import Atlas
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


@pytest.fixture
def store(tmp_path: Path, catalogue: Catalogue) -> Store:
    s = Store(tmp_path / "store.sqlite")
    ensure_seeded(s, catalogue)
    return s


@pytest.fixture
def atlas(boundaries: BoundarySet, catalogue: Catalogue, store: Store) -> Atlas:
    return Atlas(boundaries, catalogue, store)


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
