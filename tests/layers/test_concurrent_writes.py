"""Two imports at once land as two separate, complete versions: never a mix of their rows."""

from __future__ import annotations

import sqlite3
import threading

import pandas as pd

from layers.store.sqlite import DatasetMeta, Store

ROWS = 60_000


def assert_versions_are_whole(store: Store, tags: dict[str, float], rows: int) -> dict[str, int]:
    """Every row of each new version carries that version's own tag and value, and all of them are there."""
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = dict(db.execute(f"SELECT name, id FROM datasets WHERE name IN ({','.join('?' * len(tags))})",
                              list(tags)).fetchall())
        assert set(ids) == set(tags), ids
        for tag, dataset_id in ids.items():
            count, = db.execute("SELECT row_count FROM datasets WHERE id = ?", (dataset_id,)).fetchone()
            mine = db.execute("SELECT source, note, value, COUNT(*) FROM observations WHERE dataset_id = ?"
                              " GROUP BY source, note, value", (dataset_id,)).fetchall()
            assert mine == [(tag, tag, tags[tag], rows)] and count == rows, (tag, mine)
    assert len(set(ids.values())) == len(ids)
    return ids


def test_two_processes_import_at_once(sqlite_store: Store, writer, tmp_path) -> None:  # noqa: ANN001
    before = sqlite_store.version()
    go = tmp_path / "go"
    a = writer(sqlite_store.path, ROWS, "import-a", 1.0, go)
    b = writer(sqlite_store.path, ROWS, "import-b", 2.0, go)
    go.touch()  # both start their transaction now
    outs = [p.communicate(timeout=120) for p in (a, b)]
    assert a.returncode == 0 and b.returncode == 0, outs
    ids = assert_versions_are_whole(sqlite_store, {"import-a": 1.0, "import-b": 2.0}, ROWS)
    assert sorted(ids.values()) == [before + 1, before + 2]
    assert {f"done {ids['import-a']}", f"done {ids['import-b']}"} == {o.strip() for o, _ in outs}
    # The newest version wins for the shared keys; the older one is still there as its own version.
    newest = sqlite_store.observations()
    shared = newest[newest.indicator == "write_test"]
    last = max(ids, key=ids.__getitem__)
    assert len(shared) == ROWS and set(shared.source) == {last}
    older = sqlite_store.observations(min(ids.values()))
    assert set(older[older.indicator == "write_test"].source) == {min(ids, key=ids.__getitem__)}


def test_threads_share_one_store(sqlite_store: Store) -> None:
    """The server's thread pool: several add_dataset calls at once on one Store object."""
    tags = {f"thread-{i}": float(i) for i in range(4)}
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(tags))

    def run(tag: str, value: float) -> None:
        obs = pd.DataFrame({"adcode": [f"9{i:08d}" for i in range(5_000)], "indicator": "write_test",
                            "year": 2020, "value": value, "unit": "x", "source": tag, "note": tag})
        barrier.wait()
        try:
            sqlite_store.add_dataset(DatasetMeta(name=tag, kind="upload", source=tag), obs)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=item) for item in tags.items()]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert errors == []
    assert_versions_are_whole(sqlite_store, tags, 5_000)
