"""Stores outlive releases: a store made by release 0.1.0 opens under this code with its data whole, later
migrations run once and in one transaction, and a store from a newer release is refused."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from layers.core.catalogue import Catalogue
from layers.core.errors import StoreSchemaError
from layers.store import migrations
from layers.store.backends import IndicatorStore, open_store
from layers.store.migrations import Migration
from layers.store.seed import ensure_seeded, seed
from layers.store.sqlite import Store

# The tables exactly as release 0.1.0 created them (layers/store.py SCHEMA then), with no schema_version table.
# Frozen here on purpose: this is what stores in the field look like, whatever migrations.py says later.
RELEASE_0_1_0_DDL = """
CREATE TABLE IF NOT EXISTS datasets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    file_name TEXT NOT NULL DEFAULT '',
    uploader TEXT NOT NULL DEFAULT '',
    illustrative INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    row_count INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS observations (
    dataset_id INTEGER NOT NULL REFERENCES datasets(id),
    adcode TEXT NOT NULL,
    indicator TEXT NOT NULL,
    year INTEGER NOT NULL,
    value REAL NOT NULL,
    unit TEXT NOT NULL,
    period TEXT NOT NULL DEFAULT '',
    qualifier TEXT NOT NULL DEFAULT '=',
    note TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    PRIMARY KEY (dataset_id, adcode, indicator, year)
);
CREATE INDEX IF NOT EXISTS observations_key ON observations (indicator, year, adcode, dataset_id);
CREATE TABLE IF NOT EXISTS targets (
    dataset_id INTEGER NOT NULL REFERENCES datasets(id),
    plan_id TEXT NOT NULL,
    adcode TEXT NOT NULL,
    indicator TEXT NOT NULL,
    year INTEGER NOT NULL,
    value REAL NOT NULL,
    value_max REAL,
    kind TEXT NOT NULL,
    comparator TEXT NOT NULL,
    section TEXT NOT NULL,
    quote TEXT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (plan_id, adcode, indicator, year)
);
"""
LATEST = migrations.latest()
# A release after this one: its migration is the next number.
STATUS = Migration(LATEST + 1, "datasets get a status", "ALTER TABLE datasets ADD COLUMN status TEXT NOT NULL DEFAULT "
                   "'published'; CREATE INDEX IF NOT EXISTS datasets_status ON datasets (status)")


# This code's add_dataset also records a publication; while seeding a 0.1.0 store that record goes to a scratch
# table, dropped afterwards, so the store holds exactly what release 0.1.0 wrote.
SCRATCH_PUBLICATIONS = ("CREATE TABLE publications (seq INTEGER PRIMARY KEY, dataset_id INTEGER NOT NULL, "
                        "action TEXT NOT NULL, at TEXT NOT NULL); "
                        "CREATE TABLE plans (dataset_id INTEGER, plan_id TEXT, name_zh TEXT, name_en TEXT, "
                        "region TEXT, start_year INTEGER, end_year INTEGER, citation TEXT)")
SCRATCH_DROP = ("DROP TABLE publications", "DROP TABLE plans")
# What release 0.1.0 read: the newest dataset id as the version, and the newest dataset at or below it per value.
RELEASE_0_1_0_CURRENT = """
SELECT o.adcode, o.indicator, o.year, o.value, o.unit, o.period, o.qualifier, o.note, o.source,
       d.illustrative, o.dataset_id
FROM observations o JOIN datasets d ON d.id = o.dataset_id
WHERE o.dataset_id = (
    SELECT MAX(o2.dataset_id) FROM observations o2
    WHERE o2.adcode = o.adcode AND o2.indicator = o.indicator AND o2.year = o.year AND o2.dataset_id <= {version}
)
"""


def make_release_0_1_0_sqlite(path: Path, catalogue: Catalogue) -> None:
    """A seeded SQLite store as release 0.1.0 left it: its DDL, its seed written through add_dataset."""
    with sqlite3.connect(path) as db:
        db.executescript(RELEASE_0_1_0_DDL + ";" + SCRATCH_PUBLICATIONS)
    db.close()
    seed(Store(path), catalogue)
    with sqlite3.connect(path) as db:
        for drop in SCRATCH_DROP:
            db.execute(drop)
    db.close()


def make_release_0_1_0(location: tuple[Path, str | None], catalogue: Catalogue) -> IndicatorStore:
    """The same on either backend; returns the store opened by this code, not yet initialised."""
    path, url = location
    if url is None:
        make_release_0_1_0_sqlite(path, catalogue)
    else:
        import psycopg

        from layers.store.postgres import pg_schema

        with psycopg.connect(url, autocommit=True) as db:
            db.execute(pg_schema(RELEASE_0_1_0_DDL))
            for scratch in SCRATCH_PUBLICATIONS.split("; "):
                db.execute(scratch)
    store = open_store(path, url)
    if url is not None:
        seed(store, catalogue)  # type: ignore[arg-type]
        with psycopg.connect(url, autocommit=True) as db:
            for drop in SCRATCH_DROP:
                db.execute(drop)
    return store


def read_0_1_0(location: tuple[Path, str | None], query: str) -> pd.DataFrame:
    """A query on the store's file or database itself, as release 0.1.0 would have run it."""
    path, url = location
    if url is None:
        with sqlite3.connect(path) as db:
            out = pd.read_sql_query(query, db)
        db.close()
        return out
    import psycopg

    with psycopg.connect(url) as db, db.cursor() as cur:
        cur.execute(query)
        return pd.DataFrame.from_records(cur.fetchall(), columns=[d.name for d in cur.description or []])


def contents_0_1_0(location: tuple[Path, str | None]) -> tuple[int, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """What a reader of release 0.1.0 got from the store, in contents()' shape."""
    version = int(read_0_1_0(location, "SELECT COALESCE(MAX(id), 0) AS v FROM datasets")["v"].iloc[0])
    obs = read_0_1_0(location, RELEASE_0_1_0_CURRENT.format(version=version))
    obs["illustrative"] = obs["illustrative"].astype(bool)
    tgt = read_0_1_0(location, "SELECT plan_id, adcode, indicator, year, value, value_max, kind, comparator, section, "
                               "quote, source FROM targets")
    ds = read_0_1_0(location, "SELECT id, name, kind, source, file_name, uploader, illustrative, created_at, "
                              "row_count FROM datasets ORDER BY id")
    return (version, obs.sort_values(["adcode", "indicator", "year"], ignore_index=True),
            tgt.sort_values(["plan_id", "adcode", "indicator", "year"], ignore_index=True), ds)


@pytest.fixture
def location(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Path, str | None]]:
    if backend == "sqlite":
        yield tmp_path / "old.sqlite", None
    else:
        yield tmp_path / "unused.sqlite", request.getfixturevalue("pg_url")


@pytest.fixture
def old(location: tuple[Path, str | None], catalogue: Catalogue) -> Iterator[IndicatorStore]:
    store = make_release_0_1_0(location, catalogue)
    yield store
    store.close()


def contents(store: IndicatorStore) -> tuple[int, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Everything a reader gets, in a stable order."""
    obs = store.observations().sort_values(["adcode", "indicator", "year"], ignore_index=True)
    tgt = store.targets().sort_values(["plan_id", "adcode", "indicator", "year"], ignore_index=True)
    ds = store.datasets()[["id", "name", "kind", "source", "file_name", "uploader", "illustrative", "created_at",
                           "row_count"]]
    return store.version(), obs, tgt, ds


def assert_same(before: tuple[int, pd.DataFrame, pd.DataFrame, pd.DataFrame], store: IndicatorStore) -> None:
    after = contents(store)
    assert after[0] == before[0]
    for a, b in zip(before[1:], after[1:], strict=True):
        pd.testing.assert_frame_equal(a, b, check_dtype=False)


def test_migrations_are_numbered_in_order() -> None:
    assert [m.version for m in migrations.MIGRATIONS] == list(range(1, len(migrations.MIGRATIONS) + 1))
    assert all(m.statements() for m in migrations.MIGRATIONS)


def test_a_release_0_1_0_store_opens_with_its_data(location: tuple[Path, str | None], old: IndicatorStore,
                                                  catalogue: Catalogue) -> None:
    before = contents_0_1_0(location)
    assert before[0] == 4 and len(before[1]) > 1000 and len(before[2]) > 0
    ensure_seeded(old, catalogue)  # what start-up does
    assert old.schema_version() == LATEST
    assert_same(before, old)  # the same data, and the same version number: version=4 links still mean it
    ensure_seeded(old, catalogue)  # and again: nothing reapplied, nothing reseeded
    assert old.schema_version() == LATEST and len(old.datasets()) == 4
    assert list(old.datasets()["version"]) == [1, 2, 3, 4]  # each dataset published as it was written


def test_a_later_migration_runs_once_and_keeps_the_data(old: IndicatorStore, catalogue: Catalogue,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    old.init()
    before = contents(old)
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, STATUS))
    old.init()
    assert old.schema_version() == LATEST + 1
    assert set(old.datasets().status) == {"published"}
    assert_same(before, old)
    old.init()  # a second start applies nothing (ADD COLUMN twice would fail)
    assert old.schema_version() == LATEST + 1


def test_a_failing_migration_leaves_the_store_as_it_was(old: IndicatorStore, monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    old.init()
    before = contents(old)
    broken = Migration(LATEST + 1, "half a change", "ALTER TABLE datasets ADD COLUMN status TEXT; "
                                           "INSERT INTO no_such_table VALUES (1)")
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, broken))
    with pytest.raises(Exception, match="no_such_table"):
        old.init()
    monkeypatch.undo()
    assert old.schema_version() == LATEST
    assert "status" not in old.datasets().columns
    assert_same(before, old)


def test_a_store_from_a_newer_release_is_refused(old: IndicatorStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, STATUS))
    old.init()
    monkeypatch.undo()
    with pytest.raises(StoreSchemaError, match=f"schema version {LATEST + 1}, newer than this release knows "
                                               f"\\({LATEST}\\)"):
        old.init()


def test_instances_starting_together_migrate_once(location: tuple[Path, str | None], old: IndicatorStore,
                                                  catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, STATUS))
    stores = [open_store(*location) for _ in range(4)]
    errors: list[BaseException] = []

    def start(s: IndicatorStore) -> None:
        try:
            ensure_seeded(s, catalogue)
        except BaseException as e:  # noqa: BLE001 - collected and asserted below
            errors.append(e)

    threads = [threading.Thread(target=start, args=(s,)) for s in stores]
    try:
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=60)
        assert errors == []
        assert {s.schema_version() for s in stores} == {LATEST + 1}
        assert {s.version() for s in stores} == {4}
    finally:
        for s in stores:
            s.close()


def test_sqlite_keeps_a_copy_before_migrating(tmp_path: Path, catalogue: Catalogue,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ipmap.sqlite"
    make_release_0_1_0_sqlite(path, catalogue)
    store = Store(path)
    store.init()
    adopted = Store(tmp_path / "ipmap.sqlite.schema-1.bak")  # a 0.1.0 store records no version: it is schema 1
    assert adopted.schema_version() == 0 and "publications" not in _tables(adopted.path)
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, STATUS))
    store.init()
    kept = Store(tmp_path / f"ipmap.sqlite.schema-{LATEST}.bak")
    assert kept.schema_version() == LATEST and kept.version() == 4
    assert "status" not in kept.datasets().columns and "status" in store.datasets().columns


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    db.close()
    return names
