"""Several processes on one store (SQLite file or PostgreSQL database): they seed once, number versions in
commit order, and each sees the others' writes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from layers.core.catalogue import Catalogue
from layers.store.backends import IndicatorStore, open_store
from layers.store.migrations import V1_TABLES
from layers.store.postgres import PgStore, pg_query, pg_schema
from layers.store.seed import ensure_seeded
from layers.store.sqlite import DatasetMeta, Store


@pytest.fixture
def location(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Path, str | None]]:
    """Where a new, empty store lives: (sqlite path, None) or (unused path, postgresql URL)."""
    if backend == "sqlite":
        yield tmp_path / "shared.sqlite", None
    else:
        yield tmp_path / "unused.sqlite", request.getfixturevalue("pg_url")


def opened(location: tuple[Path, str | None], n: int) -> list[IndicatorStore]:
    return [open_store(*location) for _ in range(n)]


def one_row(value: float, adcode: str = "620102") -> pd.DataFrame:
    return pd.DataFrame([{"adcode": adcode, "indicator": "population", "year": 2020, "value": value, "unit": "人",
                          "source": "test"}])


def value_of(store: IndicatorStore, adcode: str = "620102") -> float:
    obs = store.observations()
    return float(obs[(obs.adcode == adcode) & (obs.indicator == "population") & (obs.year == 2020)].value.iloc[0])


def test_instances_starting_together_seed_once(location: tuple[Path, str | None], catalogue: Catalogue) -> None:
    stores = opened(location, 4)
    try:
        threads = [threading.Thread(target=ensure_seeded, args=(s, catalogue)) for s in stores]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=60)
        reference = Store(location[0].with_name("reference.sqlite"))
        ensure_seeded(reference, catalogue)
        expected = reference.version()
        assert len(stores[0].datasets()) == expected
        assert {s.version() for s in stores} == {expected}
    finally:
        for s in stores:
            s.close()


def test_a_write_through_one_instance_is_seen_by_the_other(location: tuple[Path, str | None],
                                                            catalogue: Catalogue) -> None:
    a, b = opened(location, 2)
    try:
        ensure_seeded(a, catalogue)
        before = b.version()
        v = a.add_dataset(DatasetMeta(name="via a", kind="upload", source="test"), one_row(42.0))
        assert b.version() == v == before + 1
        assert value_of(b) == 42.0
        assert b.datasets().iloc[-1]["name"] == "via a"
    finally:
        a.close()
        b.close()


def test_concurrent_writers_get_consecutive_versions_in_commit_order(location: tuple[Path, str | None],
                                                                     catalogue: Catalogue) -> None:
    stores = opened(location, 3)
    try:
        ensure_seeded(stores[0], catalogue)
        start = stores[0].version()
        ids: list[int] = []
        lock = threading.Lock()

        def write(s: IndicatorStore, i: int) -> None:
            for j in range(4):
                v = s.add_dataset(DatasetMeta(name=f"w{i}-{j}", kind="upload", source="test"),
                                  one_row(1000 * i + j, adcode="620103"))
                with lock:
                    ids.append(v)

        threads = [threading.Thread(target=write, args=(s, i)) for i, s in enumerate(stores)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=60)
        assert sorted(ids) == list(range(start + 1, start + 13))
        datasets = stores[1].datasets()
        assert list(datasets.id) == list(range(1, start + 13))
        # The newest dataset wins: its value is the one every instance reads.
        newest = datasets.iloc[-1]["name"]
        i, j = (int(x) for x in newest[1:].split("-"))
        assert {value_of(s, "620103") for s in stores} == {1000 * i + j}
    finally:
        for s in stores:
            s.close()


def test_one_dataset_reads_back_as_written(store: IndicatorStore) -> None:
    rows = pd.concat([one_row(5.0), one_row(6.0, adcode="620103")], ignore_index=True)
    v = store.add_dataset(DatasetMeta(name="two rows", kind="upload", source="test", uploader="bench",
                                      illustrative=True), rows)
    meta = store.dataset(v)
    assert meta is not None and meta["name"] == "two rows" and meta["row_count"] == 2
    assert meta["uploader"] == "bench" and bool(meta["illustrative"]) is True
    assert store.dataset(v + 1) is None
    written = store.dataset_observations(v)
    assert list(written.adcode) == ["620102", "620103"] and list(written.value) == [5.0, 6.0]
    assert list(written.qualifier) == ["=", "="] and list(written.period) == ["", ""]


def test_postgres_dialect_keeps_doubles_and_named_parameters() -> None:
    ddl = pg_schema(V1_TABLES)
    assert "REAL" not in ddl and "value DOUBLE PRECISION NOT NULL" in ddl
    assert pg_query("WHERE a <= :version AND b::text = :other_name") == \
        "WHERE a <= %(version)s AND b::text = %(other_name)s"


def test_postgres_store_is_chosen_by_url(tmp_path: Path) -> None:
    assert isinstance(open_store(tmp_path / "x.sqlite", None), Store)
    assert isinstance(open_store(tmp_path / "x.sqlite", "postgresql://u@127.0.0.1:1/db"), PgStore)
    with pytest.raises(ValueError, match="postgresql://"):
        open_store(tmp_path / "x.sqlite", "mysql://u@h/db")
