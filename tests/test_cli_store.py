"""The store through `ipmap`: init-db upgrades an old store, backup copies a store being written, restore brings
a copy back and keeps what it replaces, PostgreSQL is pointed to pg_dump."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from layers.core.catalogue import Catalogue
from layers.store.sqlite import DatasetMeta, Store
from server.cli import app
from tests.layers.test_migrations import LATEST, make_release_0_1_0_sqlite

runner = CliRunner()
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "var" / "ipmap.sqlite"
    monkeypatch.setenv("IPMAP_DATABASE", str(path))
    monkeypatch.delenv("IPMAP_DATABASE_URL", raising=False)
    return path


def rows(n: int, value: float) -> pd.DataFrame:
    return pd.DataFrame({"adcode": ["620102"] * n, "indicator": ["patent_applications"] * n,
                         "year": list(range(1000, 1000 + n)), "value": [value] * n, "unit": ["件"] * n,
                         "source": ["test"] * n})


def test_init_db_upgrades_a_release_0_1_0_store(db: Path, catalogue: Catalogue) -> None:
    db.parent.mkdir()
    make_release_0_1_0_sqlite(db, catalogue)
    r = runner.invoke(app, ["init-db"])
    assert r.exit_code == 0, r.output
    assert f"{db}: version 4 (schema {LATEST})" in r.output


def test_backup_while_writing_is_one_commit_whole(db: Path, tmp_path: Path) -> None:
    assert runner.invoke(app, ["init-db"]).exit_code == 0
    store = Store(db)
    stop = threading.Event()

    def write() -> None:  # datasets of 2,000 rows land one after another while the copies are taken
        while not stop.is_set():
            store.add_dataset(DatasetMeta(name="w", kind="upload", source="test"), rows(2000, 1.0))

    writer = threading.Thread(target=write)
    writer.start()
    try:
        outputs = [runner.invoke(app, ["backup", str(tmp_path / f"copy{i}.sqlite")]) for i in range(5)]
    finally:
        stop.set()
        writer.join(timeout=60)
    assert all(r.exit_code == 0 for r in outputs), [r.output for r in outputs]
    assert len({Store(tmp_path / f"copy{i}.sqlite").version() for i in range(5)}) > 1, "writes went on meanwhile"
    for i in range(5):
        copy = sqlite3.connect(tmp_path / f"copy{i}.sqlite")
        assert copy.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        # Every dataset in a copy has all the rows it says it wrote: no copy caught one half-written.
        short = copy.execute("SELECT d.id FROM datasets d LEFT JOIN observations o ON o.dataset_id = d.id "
                             "LEFT JOIN targets t ON t.dataset_id = d.id GROUP BY d.id "
                             "HAVING COUNT(DISTINCT o.rowid) + COUNT(DISTINCT t.rowid) != MAX(d.row_count)")
        assert short.fetchall() == []
        copy.close()
    assert not list(tmp_path.glob("*.partial"))
    assert f"to {tmp_path / 'copy0.sqlite'}: data version" in outputs[0].output


def test_restore_brings_a_backup_back_and_keeps_the_replaced_store(db: Path, tmp_path: Path) -> None:
    assert runner.invoke(app, ["init-db"]).exit_code == 0
    backup = tmp_path / "before import #1 (100%?).sqlite"  # characters a file: URI must escape
    r = runner.invoke(app, ["backup", str(backup)])
    assert r.exit_code == 0 and f"data version 4, schema {LATEST}" in r.output, r.output
    r = runner.invoke(app, ["import", str(DATA / "gbk-short-names-total.csv"), "--indicator", "patent_applications",
                            "--source", "市州报表 2022"])
    assert r.exit_code == 0 and "dataset 5" in r.output, r.output

    r = runner.invoke(app, ["backup", str(backup)])
    assert r.exit_code == 2 and "--force" in r.output
    serving = Store(db)  # a running instance's kept reader connection
    assert serving.version() == 5
    r = runner.invoke(app, ["restore", str(backup)])
    assert r.exit_code == 0, r.output
    assert f"data version 4, schema {LATEST}" in r.output and "restart running instances" in r.output
    assert serving.version() == 4 and len(serving.datasets()) == 4
    (kept,) = db.parent.glob("ipmap.sqlite.before-restore-*")
    assert f"the store as it was: {kept}" in r.output
    assert Store(kept).version() == 5 and len(Store(kept).dataset_observations(5)) == 27
    assert f"version 4 (schema {LATEST})" in runner.invoke(app, ["init-db"]).output


def test_restore_upgrades_a_backup_from_release_0_1_0(db: Path, tmp_path: Path, catalogue: Catalogue) -> None:
    old = tmp_path / "old-release.sqlite"
    make_release_0_1_0_sqlite(old, catalogue)
    r = runner.invoke(app, ["restore", str(old)])
    assert r.exit_code == 0, r.output
    assert f"data version 4, schema {LATEST}" in r.output and "the store as it was" not in r.output


def test_restore_refuses_what_is_not_a_store(db: Path, tmp_path: Path) -> None:
    assert runner.invoke(app, ["init-db"]).exit_code == 0
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database", encoding="utf-8")
    r = runner.invoke(app, ["restore", str(text)])
    assert r.exit_code == 2 and "not restored" in r.output and "not a SQLite store" in r.output
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    r = runner.invoke(app, ["restore", str(other)])
    assert r.exit_code == 2 and "not an indicator store" in r.output
    assert Store(db).version() == 4 and not list(db.parent.glob("*before-restore*"))


def test_backup_and_restore_point_postgres_to_pg_dump(db: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IPMAP_DATABASE_URL", "postgresql://ipmap@127.0.0.1:1/ipmap")
    for cmd in ("backup", "restore"):
        target = tmp_path / "x.sqlite"
        target.touch()
        r = runner.invoke(app, [cmd, str(target), "--force"] if cmd == "backup" else [cmd, str(target)])
        assert r.exit_code == 2 and "pg_dump --format=custom" in r.output and "PostgreSQL" in r.output
    r = runner.invoke(app, ["backup", str(tmp_path / "y.sqlite")])
    assert r.exit_code == 2 and not (tmp_path / "y.sqlite").exists()


def test_backup_without_a_store_says_so(db: Path, tmp_path: Path) -> None:
    r = runner.invoke(app, ["backup", str(tmp_path / "copy.sqlite")])
    assert r.exit_code == 2 and "no store at" in r.output and "init-db" in r.output
