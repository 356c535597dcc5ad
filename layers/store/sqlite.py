"""The indicator store: SQLite in long form, every import a new dataset version, every write one transaction."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel

from layers.core.errors import DatasetStateError, NotFoundError, StoreSchemaError
from layers.store import migrations

TABLES = ("datasets", "observations", "targets")
OBSERVATION_COLUMNS = ["adcode", "indicator", "year", "value", "unit", "period", "qualifier", "note", "source"]
TARGET_COLUMNS = ["plan_id", "adcode", "indicator", "year", "value", "value_max", "kind", "comparator", "section",
                  "quote", "source"]
PLAN_COLUMNS = ["plan_id", "name_zh", "name_en", "region", "start_year", "end_year", "citation"]
# Datasets in force at data version :version: those whose last publication action up to it is a publish (a
# dataset never published, or retracted since, is not). A preview reads the same version with dataset :draft as if
# published once more on top of it, or with dataset :exclude left out (what a retraction would leave); 0 is none.
_PUBLISHED = """
WITH last AS (SELECT dataset_id, MAX(seq) AS seq FROM publications WHERE seq <= :version GROUP BY dataset_id),
held AS (SELECT l.dataset_id, l.seq FROM last l JOIN publications p ON p.seq = l.seq WHERE p.action = 'publish'),
pub AS (SELECT dataset_id, seq FROM held WHERE dataset_id <> :draft AND dataset_id <> :exclude
        UNION ALL SELECT CAST(:draft AS INTEGER), CAST(:version AS INTEGER) + 1 WHERE CAST(:draft AS INTEGER) > 0)
"""
# For each (adcode, indicator, year) the value of the dataset published last wins.
_CURRENT = _PUBLISHED + """, ranked AS (
    SELECT o.adcode, o.indicator, o.year, o.value, o.unit, o.period, o.qualifier, o.note, o.source,
           d.illustrative, o.dataset_id,
           ROW_NUMBER() OVER (PARTITION BY o.adcode, o.indicator, o.year ORDER BY pub.seq DESC) AS pick
    FROM observations o JOIN pub ON pub.dataset_id = o.dataset_id JOIN datasets d ON d.id = o.dataset_id
)
SELECT adcode, indicator, year, value, unit, period, qualifier, note, source, illustrative, dataset_id
FROM ranked WHERE pick = 1
"""
# A plan is what the dataset published last that states it says: its targets and its period together (a later
# statement of a plan replaces the earlier one whole; retracting it brings the earlier one back).
_TARGETS = _PUBLISHED + f""", stated AS (SELECT DISTINCT plan_id, dataset_id FROM targets),
newest AS (SELECT s.plan_id, s.dataset_id, ROW_NUMBER() OVER (PARTITION BY s.plan_id ORDER BY pub.seq DESC) AS pick
           FROM stated s JOIN pub ON pub.dataset_id = s.dataset_id)
SELECT {', '.join('t.' + c for c in TARGET_COLUMNS)} FROM targets t
JOIN newest n ON n.plan_id = t.plan_id AND n.dataset_id = t.dataset_id WHERE n.pick = 1
"""
_PLANS = _PUBLISHED + f""", newest AS (
    SELECT p.*, ROW_NUMBER() OVER (PARTITION BY p.plan_id ORDER BY pub.seq DESC) AS pick
    FROM plans p JOIN pub ON pub.dataset_id = p.dataset_id)
SELECT dataset_id, {', '.join(PLAN_COLUMNS)} FROM newest WHERE pick = 1 ORDER BY start_year, plan_id
"""
_INSERT_PLAN = (f"INSERT INTO plans (dataset_id, {', '.join(PLAN_COLUMNS)})"
                f" VALUES (:dataset_id, {', '.join(':' + c for c in PLAN_COLUMNS)})")
_NEWEST = "SELECT COALESCE(MAX(seq), 0) FROM publications"
_PUBLISH = ("INSERT INTO publications (seq, dataset_id, action, at) "
            "SELECT COALESCE(MAX(seq), 0) + 1, :dataset_id, :action, :at FROM publications")
# A dataset's state is its last publication action: none (a draft), publish (published) or retract (retracted).
_DATASET_COLUMNS = (
    "SELECT d.*, (SELECT MIN(p.seq) FROM publications p WHERE p.dataset_id = d.id AND p.action = 'publish')"
    " AS version, COALESCE((SELECT CASE p.action WHEN 'publish' THEN 'published' ELSE 'retracted' END"
    " FROM publications p WHERE p.dataset_id = d.id ORDER BY p.seq DESC LIMIT 1), 'draft') AS state FROM datasets d")
_DATASETS = _DATASET_COLUMNS + " ORDER BY d.id"
_DATASET = _DATASET_COLUMNS + " WHERE d.id = :id"
_LAST_ACTION = ("SELECT (SELECT COUNT(*) FROM datasets WHERE id = :id),"
                " (SELECT action FROM publications WHERE dataset_id = :id ORDER BY seq DESC LIMIT 1)")


def reading(version: int, draft: int | None = None, exclude: int | None = None) -> dict[str, int]:
    """The parameters of _CURRENT and _TARGETS: a version, read with a draft on top or a dataset left out."""
    return {"version": version, "draft": draft or 0, "exclude": exclude or 0}


def check_transition(dataset_id: int, found: int, last: str | None, action: str) -> None:
    """Refuse a publish of a published dataset or a retract of one not published (or of no dataset at all)."""
    if not found:
        raise NotFoundError("dataset", dataset_id)
    if action == "publish" and last == "publish":
        raise DatasetStateError(f"dataset {dataset_id} is already published")
    if action == "retract" and last != "publish":
        raise DatasetStateError(f"dataset {dataset_id} is {'a draft' if last is None else 'retracted'}: "
                                "only a published dataset can be retracted")


class DatasetMeta(BaseModel):
    """Who sent what, when, from where: recorded with every version."""

    name: str
    kind: str
    source: str
    file_name: str = ""
    uploader: str = ""
    illustrative: bool = False


class Store:
    """SQLite-backed store; a connection per call, so it is safe from FastAPI's thread pool."""

    # In-process and local: version() costs microseconds, so callers may read it on the event loop.
    embedded = True

    def __init__(self, path: Path):
        self.path = Path(path)
        self._readers = threading.local()

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection in WAL mode; commits on success, rolls back on any error."""
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            yield db
        finally:
            db.close()

    def init(self) -> None:
        """Create the tables, or bring a store made by an earlier release up to this one (layers/migrations.py).

        Before a store that has a schema is migrated, a copy of it is kept beside it (NAME.schema-N.bak).
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.connect() as db:
            db.execute(migrations.SCHEMA_VERSION_TABLE)
            if not migrations.pending(_schema_version(db)):
                return
        with self.lock(), self.connect() as db:  # workers starting together: one copies and migrates
            current = _schema_version(db)
            if not migrations.pending(current):  # another worker was first
                return
            # A store of release 0.1.0 records no version but is schema 1: it gets its copy too.
            made = current or int(db.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'datasets'")
                                  .fetchone()[0])
            if made:
                kept = self.path.with_name(f"{self.path.name}.schema-{made}.bak")
                if not kept.exists():
                    self.backup(kept)
            db.execute("BEGIN IMMEDIATE")
            try:
                for m in migrations.pending(_schema_version(db)):
                    for statement in m.statements():
                        db.execute(statement)
                    db.execute("INSERT INTO schema_version (version, summary, applied_at) VALUES (?, ?, ?)",
                               (m.version, m.summary, migrations.now()))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def schema_version(self) -> int:
        """The highest migration applied to this store (0: no tables yet)."""
        with self.connect() as db:
            return _schema_version(db)

    def backup(self, dest: Path) -> None:
        """A consistent copy of the whole store at `dest`, also while the app serves and writes.

        SQLite's backup API copies every page inside one read transaction, so the copy is the store as of one
        commit; it is written beside `dest` and renamed into place, so `dest` is never half a copy.
        """
        dest = Path(dest)
        partial = dest.with_name(dest.name + ".partial")
        partial.unlink(missing_ok=True)
        with self.connect() as db:
            out = sqlite3.connect(partial)
            try:
                db.backup(out)
                out.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            finally:
                out.close()
        os.replace(partial, dest)

    def restore(self, source: Path) -> Path | None:
        """Replace the store's contents with a backup's; returns where the store as it was is kept (or None).

        The backup is checked first (a SQLite file with the store's tables, a schema this release knows). It is
        copied in with the backup API, so a running instance sees it as one commit, then migrated to this
        release's schema.
        """
        check_backup(source)
        kept = None
        if self.path.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            kept = self.path.with_name(f"{self.path.name}.before-restore-{stamp}")
            self.backup(kept)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(Path(source).resolve().as_uri() + "?mode=ro", uri=True)
        try:
            with self.connect() as db:
                src.backup(db)
        finally:
            src.close()
        self.init()
        return kept

    def add_dataset(self, meta: DatasetMeta, observations: pd.DataFrame, targets: pd.DataFrame | None = None,
                    publish: bool = True, plan: Mapping[str, object] | None = None) -> int:
        """Write one dataset in a single transaction (all rows land, or none do), published as the next data
        version unless `publish` is false (a draft: no version changes, nothing public reads it). A plan dataset
        also records its plan (`plan`: PLAN_COLUMNS), whose period its targets are read against."""
        obs = observations.reindex(columns=OBSERVATION_COLUMNS)
        for col, default in (("period", ""), ("qualifier", "="), ("note", "")):
            obs[col] = obs[col].astype(object).where(obs[col].notna(), default)
        tgt = targets.reindex(columns=TARGET_COLUMNS) if targets is not None else None
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                cur = db.execute(
                    "INSERT INTO datasets"
                    " (name, kind, source, file_name, uploader, illustrative, created_at, row_count)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (meta.name, meta.kind, meta.source, meta.file_name, meta.uploader, int(meta.illustrative), now,
                     len(obs) + (len(tgt) if tgt is not None else 0)),
                )
                dataset_id = int(cur.lastrowid or 0)
                db.executemany(
                    f"INSERT INTO observations (dataset_id, {', '.join(OBSERVATION_COLUMNS)})"
                    f" VALUES (?, {', '.join('?' * len(OBSERVATION_COLUMNS))})",
                    ((dataset_id, *plain_row(row)) for row in obs.itertuples(index=False)),
                )
                if publish:
                    db.execute(_PUBLISH, {"dataset_id": dataset_id, "action": "publish", "at": now})
                if tgt is not None and len(tgt):  # a target stated twice in one file: the first stands
                    db.executemany(
                        f"INSERT OR IGNORE INTO targets (dataset_id, {', '.join(TARGET_COLUMNS)})"
                        f" VALUES (?, {', '.join('?' * len(TARGET_COLUMNS))})",
                        ((dataset_id, *plain_row(row)) for row in tgt.itertuples(index=False)),
                    )
                if plan is not None:
                    db.execute(_INSERT_PLAN, plan_row(dataset_id, plan))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return dataset_id

    def publish(self, dataset_id: int) -> int:
        """Publish a draft (or a retracted dataset again): it becomes the newest data version, which is returned."""
        return self._record(dataset_id, "publish")

    def retract(self, dataset_id: int) -> int:
        """Retract a published dataset: its values stop counting from the new data version (returned); earlier
        data stands again where it had been replaced. Nothing is deleted."""
        return self._record(dataset_id, "retract")

    def _record(self, dataset_id: int, action: str) -> int:
        with self.connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                found, last = db.execute(_LAST_ACTION, {"id": dataset_id}).fetchone()
                check_transition(dataset_id, found, last, action)
                db.execute(_PUBLISH, {"dataset_id": dataset_id, "action": action,
                                      "at": datetime.now(UTC).isoformat(timespec="seconds")})
                version = int(db.execute(_NEWEST).fetchone()[0])
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return version

    def rows(self, sql: str, params: Mapping[str, object] | None = None) -> list[tuple[Any, ...]]:
        """One statement (SQLite dialect, :name parameters) in its own transaction; its rows (SELECT or RETURNING).

        What the accounts, sessions and audit (layers/store/accounts.py) are written on, for both backends.
        """
        with self.connect() as db:
            return db.execute(sql, dict(params or {})).fetchall()

    def version(self) -> int:
        """The newest data version: how many publications there have been (every import is one), part of every
        cache key.

        Read on every request, so it keeps one read-only connection per thread (WAL readers see each commit
        as it lands) instead of opening the file each time.
        """
        db = getattr(self._readers, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self._readers.db = db
        return int(db.execute(_NEWEST).fetchone()[0])

    def datasets(self) -> pd.DataFrame:
        """Every dataset with its provenance and the data version that published it."""
        with self.connect() as db:
            return pd.read_sql_query(_DATASETS, db)

    def dataset(self, dataset_id: int) -> dict[str, object] | None:
        """One dataset's provenance, or None."""
        with self.connect() as db:
            df = pd.read_sql_query(_DATASET, db, params={"id": dataset_id})
        return {str(k): v for k, v in df.iloc[0].items()} if len(df) else None

    def dataset_observations(self, dataset_id: int) -> pd.DataFrame:
        """The rows one dataset wrote, as it wrote them (later versions may have replaced some)."""
        with self.connect() as db:
            return pd.read_sql_query(
                f"SELECT {', '.join(OBSERVATION_COLUMNS)} FROM observations WHERE dataset_id = ?"
                " ORDER BY indicator, year, adcode", db, params=(dataset_id,))

    def observations(self, version: int | None = None, draft: int | None = None,
                     exclude: int | None = None) -> pd.DataFrame:
        """The observations in force at a data version (default: the newest); with `draft`, as if that dataset were
        published on top of it; with `exclude`, as if that one were retracted."""
        with self.connect() as db:
            v = version if version is not None else self.version()
            df = pd.read_sql_query(_CURRENT, db, params=reading(v, draft, exclude))
        df["illustrative"] = df["illustrative"].astype(bool)
        return df

    def targets(self, version: int | None = None, draft: int | None = None) -> pd.DataFrame:
        """The plan targets in force at a data version (default: the newest), with `draft` as if published."""
        with self.connect() as db:
            v = version if version is not None else self.version()
            return pd.read_sql_query(_TARGETS, db, params=reading(v, draft))

    def plans(self, version: int | None = None, draft: int | None = None) -> pd.DataFrame:
        """The plans in force at a data version (default: the newest), with `draft` as if published: each plan's
        id, names, region and period, from the dataset published last that states it."""
        with self.connect() as db:
            v = version if version is not None else self.version()
            return pd.read_sql_query(_PLANS, db, params=reading(v, draft))

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold an exclusive lock across processes on this machine (e.g. workers seeding at start-up)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    def close(self) -> None:
        """Close this thread's version reader; other connections are per call."""
        db = getattr(self._readers, "db", None)
        if db is not None:
            db.close()
            self._readers.db = None


def _schema_version(db: sqlite3.Connection) -> int:
    """The store's schema version; a store with tables but no recorded version was made by release 0.1.0."""
    try:
        return int(db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0])
    except sqlite3.OperationalError:  # no schema_version table: a store of release 0.1.0, or an empty file
        return 0


def check_backup(path: Path) -> None:
    """Refuse a file that is not a readable store, or one made by a newer release; say which."""
    path = Path(path)
    try:
        db = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise StoreSchemaError(f"{path}: cannot open ({e})") from e
    try:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if missing := [t for t in TABLES if t not in tables]:
            raise StoreSchemaError(f"{path}: not an indicator store (no {', '.join(missing)} table)")
        if (check := db.execute("PRAGMA quick_check").fetchone()[0]) != "ok":
            raise StoreSchemaError(f"{path}: damaged ({check})")
        migrations.pending(_schema_version(db))
    except sqlite3.DatabaseError as e:
        raise StoreSchemaError(f"{path}: not a SQLite store ({e})") from e
    finally:
        db.close()


def plan_row(dataset_id: int, plan: Mapping[str, object]) -> dict[str, object]:
    """The plans table's row for a plan dataset: PLAN_COLUMNS from `plan`, plain Python values."""
    row: dict[str, object] = {"dataset_id": dataset_id}
    for c in PLAN_COLUMNS:
        v = plan.get(c, "")
        row[c] = int(v) if c.endswith("_year") else str(v)  # type: ignore[call-overload]
    return row


def plain_row(row: tuple[object, ...]) -> tuple[object, ...]:
    """NumPy scalars and NaN -> plain Python values (what sqlite3, psycopg and openpyxl accept)."""
    out: list[object] = []
    for v in row:
        if v is None or (isinstance(v, float) and v != v):
            out.append(None)
        elif hasattr(v, "item"):
            out.append(v.item())
        else:
            out.append(v)
    return tuple(out)
