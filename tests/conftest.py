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


# Hostile data for the XSS tests: markup and script in every string a visitor can see.
XSS = ("<img src=x onerror=alert(1)>", "</script><script>alert(2)</script>", "\"'><svg onload=alert(3)>")
HOSTILE_NAMES = {  # adcode -> (name_zh, name_en)
    "620102": ("城关区" + XSS[0], "Chengguan " + XSS[1]),
    "620100": ("兰州市" + XSS[2], "Lanzhou " + XSS[0]),
    "620982": ("敦煌市" + XSS[1], "Dunhuang " + XSS[2]),
}
HOSTILE_YEAR = 2019  # population 2019: every county but three (620982 among them, so the legend names it)
HOSTILE_SOURCE = "统计公报 " + XSS[0] + XSS[1]


def make_hostile(app: object, boundaries: BoundarySet) -> None:
    """Give a started app hostile region names, and a dataset whose source, note, unit and name carry markup."""
    import pandas as pd

    from layers.store import DatasetMeta

    state = app.state  # type: ignore[attr-defined]
    atlas = state.atlas
    layers = {}
    for key, gdf in boundaries.layers.items():
        gdf = gdf.copy()
        for adcode, (zh, en) in HOSTILE_NAMES.items():
            if "adcode" in gdf:
                gdf.loc[gdf.adcode == adcode, ["name_zh", "name_en"]] = [zh, en]
        layers[key] = gdf
    hostile = BoundarySet(layers, boundaries.meta)
    pop = atlas.store.observations()
    pop = pop[(pop.indicator == "population") & (pop.year == 2020)
              & pop.adcode.isin(hostile.units("county", 3).adcode) & ~pop.adcode.isin(["620982", "620821", "620523"])]
    rows = pd.DataFrame({"adcode": pop.adcode, "indicator": "population", "year": HOSTILE_YEAR, "value": pop.value,
                         "unit": XSS[2], "source": HOSTILE_SOURCE, "note": XSS[1]})
    atlas.store.add_dataset(DatasetMeta(name=XSS[0], kind="upload", source=XSS[1], file_name=XSS[2]), rows)
    state.atlas = Atlas(hostile, atlas.catalogue, atlas.store, atlas.tile_url, atlas.tile_attribution)


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory: pytest.TempPathFactory, boundaries: BoundarySet) -> Iterator[TestClient]:
    """The app (token "test-token") on hostile data, shared by a module's tests: see make_hostile."""
    settings = Settings(database=tmp_path_factory.mktemp("hostile") / "app.sqlite", token="test-token",
                        _env_file=None)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as c:
        make_hostile(c.app, boundaries)
        yield c


@pytest.fixture(scope="session")
def hostile() -> dict[str, object]:
    """What make_hostile plants: payloads, region names, the 2019 source, for tests to look for."""
    return {"xss": XSS, "names": HOSTILE_NAMES, "year": HOSTILE_YEAR, "source": HOSTILE_SOURCE}
