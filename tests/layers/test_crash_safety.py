"""An import killed with SIGKILL mid-write leaves the store at the previous version, intact and writable."""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

import pandas as pd
import pytest

from layers.store.sqlite import DatasetMeta, Store

ROWS = 400_000  # about 5 s of writing; the kill comes after a few MB of it


def wal(store: Store) -> Path:
    return store.path.with_name(store.path.name + "-wal")


@pytest.mark.parametrize("kill_at_mb", [2, 8])
def test_sigkill_mid_import_leaves_previous_version(sqlite_store: Store, writer, kill_at_mb: int) -> None:  # noqa: ANN001
    before_version = sqlite_store.version()
    before = sqlite_store.observations()
    proc = writer(sqlite_store.path, ROWS, "killed", 1.0)
    deadline = time.monotonic() + 60
    while not (wal(sqlite_store).exists() and wal(sqlite_store).stat().st_size > kill_at_mb * 1_000_000):
        assert proc.poll() is None, "writer finished before it could be killed: raise ROWS"
        assert time.monotonic() < deadline, "writer never grew the WAL"
        time.sleep(0.01)
    assert proc.poll() is None  # still inside its one transaction
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    assert proc.stdout is not None and "done" not in proc.stdout.read()
    assert wal(sqlite_store).stat().st_size > kill_at_mb * 1_000_000  # the half-written frames are still on disk

    # Reopening recovers from the WAL: uncommitted frames are ignored.
    assert sqlite_store.version() == before_version
    pd.testing.assert_frame_equal(sqlite_store.observations(), before)
    with sqlite3.connect(sqlite_store.path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT COUNT(*) FROM observations WHERE source = 'killed'").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM datasets WHERE name = 'killed'").fetchone()[0] == 0
    # ...and it takes the next import as usual.
    small = pd.DataFrame({"adcode": ["620100"], "indicator": "population", "year": 2021, "value": 1.0,
                          "unit": "人", "source": "after the crash"})
    assert sqlite_store.add_dataset(DatasetMeta(name="next", kind="upload", source="after the crash"), small) == \
        before_version + 1
