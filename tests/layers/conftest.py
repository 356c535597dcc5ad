"""Writer processes for the crash and concurrency tests: each makes one big add_dataset in its own process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from layers.core.catalogue import Catalogue
from layers.store.seed import ensure_seeded
from layers.store.sqlite import Store

ROOT = Path(__file__).resolve().parents[2]

# argv: store path, rows, tag, value. Prints "ready" before the write and "done <id>" after the commit;
# with a go-file it waits for that file to appear first, so two writers start together.
WRITER = """
import sys, time, pathlib
import pandas as pd
from layers.store.sqlite import DatasetMeta, Store
path, n, tag, value = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
go = pathlib.Path(sys.argv[5]) if len(sys.argv) > 5 else None
obs = pd.DataFrame({"adcode": [f"9{i:08d}" for i in range(n)], "indicator": "write_test", "year": 2020,
                    "value": value, "unit": "x", "source": tag, "note": tag})
print("ready", flush=True)
while go is not None and not go.exists():
    time.sleep(0.005)
dataset_id = Store(pathlib.Path(path)).add_dataset(DatasetMeta(name=tag, kind="upload", source=tag), obs)
print("done", dataset_id, flush=True)
"""


def start_writer(store: Path, rows: int, tag: str, value: float, go: Path | None = None) -> subprocess.Popen[str]:
    """Start a writer process and wait until its frame is built (it prints 'ready')."""
    args = [sys.executable, "-c", WRITER, str(store), str(rows), tag, str(value)] + ([str(go)] if go else [])
    proc = subprocess.Popen(args, cwd=ROOT, env=os.environ | {"PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    assert line == "ready", line + (proc.stderr.read() if proc.stderr else "")
    return proc


@pytest.fixture
def sqlite_store(tmp_path: Path, catalogue: Catalogue) -> Store:
    """The seeded SQLite store (these tests are about its file, WAL and locking; PostgreSQL has its own tests)."""
    s = Store(tmp_path / "store.sqlite")
    ensure_seeded(s, catalogue)
    return s


@pytest.fixture
def writer() -> Callable[..., subprocess.Popen[str]]:
    """start_writer(store, rows, tag, value, go=None) -> the running process, past its 'ready' line."""
    return start_writer
