"""Shared fixtures: the real bundled data, an app on a temporary store, and a live server for the browser."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import httpx
import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from geo.boundaries import BoundarySet
from layers.core.catalogue import Catalogue
from layers.pages.atlas import Atlas
from layers.stats.snapshot import Snapshot
from layers.store.backends import IndicatorStore, open_store
from layers.store.seed import ensure_seeded
from layers.store.sqlite import DatasetMeta, Store
from server.app import create_app
from server.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "tests" / "screenshots"


def map_text(parts: dict[str, object]) -> str:
    """All a rendered map's text: head, body, script and every piece of its caption (title, legend, sources)."""
    return "".join(map_text(v) if isinstance(v, dict) else str(v) for v in parts.values())


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


def newest(atlas: Atlas) -> Snapshot:
    """The newest data version of an atlas: what a request naming no version reads."""
    return atlas.snapshot(atlas.version())


@pytest.fixture
def atlas(boundaries: BoundarySet, catalogue: Catalogue, store: IndicatorStore) -> Atlas:
    return Atlas(boundaries, catalogue, store)  # type: ignore[arg-type]


YEARS = tuple(range(2016, 2024))
MADE_UP = "made-up test series (illustrative)"


def add_illustrative_years(store: Store, boundaries: BoundarySet, indicator: str = "patent_applications",
                           years: tuple[int, ...] = YEARS, missing: tuple[str, ...] = ("620821", "620523")) -> int:
    """A made-up, seeded series for every prefecture and county, marked illustrative, as one dataset."""
    rng = np.random.default_rng(7)
    rows = []
    for level in ("prefecture", "county"):
        for adcode in boundaries.units(level, 3).adcode:
            if adcode in missing:
                continue
            start = float(rng.integers(20, 900)) * (8 if level == "prefecture" else 1)
            growth = rng.normal(1.06, 0.08)
            for i, year in enumerate(years):
                rows.append({"adcode": adcode, "indicator": indicator, "year": year,
                             "value": round(start * growth**i), "unit": "件", "source": MADE_UP})
    meta = DatasetMeta(name="test years", kind="test", source=MADE_UP, illustrative=True)
    return store.add_dataset(meta, pd.DataFrame(rows).drop_duplicates(["adcode", "year"]))


@pytest.fixture
def years_store(store: Store, boundaries: BoundarySet) -> Store:
    """The seeded store plus eight made-up years of patent applications."""
    add_illustrative_years(store, boundaries)
    return store


GAPPY = "pct_applications"  # no seeded county series, so units left out of a made-up series stay missing


@pytest.fixture
def gappy_atlas(boundaries: BoundarySet, catalogue: Catalogue, store: Store) -> Atlas:
    """The seeded store plus eight made-up years of an indicator, with 620821 and 620523 missing throughout."""
    add_illustrative_years(store, boundaries, indicator=GAPPY)
    return Atlas(boundaries, catalogue, store)


@pytest.fixture
def years_atlas(boundaries: BoundarySet, catalogue: Catalogue, years_store: Store) -> Atlas:
    return Atlas(boundaries, catalogue, years_store)


@pytest.fixture
def years_client(client: TestClient, boundaries: BoundarySet) -> TestClient:
    """The app with eight made-up years of patent applications in its store."""
    add_illustrative_years(client.app.state.atlas.store, boundaries)  # type: ignore[attr-defined]
    return client


@pytest.fixture
def gappy_client(client: TestClient, boundaries: BoundarySet) -> TestClient:
    """The app with a made-up series in which 620821 and 620523 are missing throughout."""
    add_illustrative_years(client.app.state.atlas.store, boundaries, indicator=GAPPY)  # type: ignore[attr-defined]
    return client


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


@contextmanager
def serve(db: Path) -> Iterator[str]:
    """The real app under uvicorn in its own process, on a given store, as a user would run it."""
    port = free_port()
    env = os.environ | {"IPMAP_DATABASE": str(db), "IPMAP_PORT": str(port), "IPMAP_TOKEN": "live-token"}
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


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app on a fresh store."""
    with serve(tmp_path_factory.mktemp("live") / "live.sqlite") as url:
        yield url


@pytest.fixture(scope="session")
def live_years(tmp_path_factory: pytest.TempPathFactory, boundaries: BoundarySet, catalogue: Catalogue
               ) -> Iterator[str]:
    """The real app on a store with eight made-up years of patent applications."""
    db = tmp_path_factory.mktemp("live-years") / "live.sqlite"
    s = Store(db)
    ensure_seeded(s, catalogue)
    add_illustrative_years(s, boundaries)
    with serve(db) as url:
        yield url


# Hostile data for the XSS tests: markup and script in every string a visitor can see.
XSS = ("<img src=x onerror=alert(1)>", "</script><script>alert(2)</script>", "\"'><svg onload=alert(3)>")
# Template syntax: plain text in HTML, but once run as a template by Folium's helper library (see
# layers/render/folium_text.py). Evaluated, each leaves one of EVALUATED in the output or raises a 500.
TEMPLATE = ("{{ 'EVAL' ~ 'UATED' }}",
            "CHK {{ 7*7 }} id={{ cycler.__init__.__globals__.os.popen(dict(id=1)|first).read() }}",  # the probe's
            "{%raw%}", "来源 {# 表3",
            "}} {% endraw %} {% for x in 'Z9q' %}Z9qZ9qZ9q{% endfor %}")
EVALUATED = ("EVALUATED", "CHK 49", "uid=", "gid=", "Z9qZ9qZ9qZ9q")
HOSTILE_NAMES = {  # adcode -> (name_zh, name_en)
    "620102": ("城关区" + XSS[0] + TEMPLATE[0], "Chengguan " + XSS[1] + TEMPLATE[1]),
    "620100": ("兰州市" + XSS[2] + TEMPLATE[4], "Lanzhou " + XSS[0] + TEMPLATE[3]),
    "620982": ("敦煌市" + XSS[1] + TEMPLATE[2], "Dunhuang " + XSS[2] + TEMPLATE[0]),
}
HOSTILE_YEAR = 2019  # population 2019: every county but three (620982 among them, so the legend names it)
HOSTILE_SOURCE = "统计公报 " + XSS[0] + XSS[1] + TEMPLATE[0]  # the probe's own payload: test_template_injection
HOSTILE_NOTE, HOSTILE_UNIT = XSS[1] + TEMPLATE[3], XSS[2] + TEMPLATE[2]


def make_hostile(app: object, boundaries: BoundarySet) -> None:
    """Give a started app hostile region names, and a dataset whose source, note, unit and name carry markup."""
    import pandas as pd

    from layers.store.sqlite import DatasetMeta

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
                         "unit": HOSTILE_UNIT, "source": HOSTILE_SOURCE, "note": HOSTILE_NOTE})
    atlas.store.add_dataset(DatasetMeta(name=XSS[0] + TEMPLATE[0], kind="upload", source=XSS[1] + TEMPLATE[2],
                                        file_name=XSS[2] + TEMPLATE[4]), rows)
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
    return {"xss": XSS, "template": TEMPLATE, "evaluated": EVALUATED, "names": HOSTILE_NAMES, "year": HOSTILE_YEAR,
            "source": HOSTILE_SOURCE, "note": HOSTILE_NOTE, "unit": HOSTILE_UNIT}
