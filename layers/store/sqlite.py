"""The indicator store: SQLite in long form, every import a new dataset version, every write one transaction."""

from __future__ import annotations

import fcntl
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from pydantic import BaseModel

SCHEMA = """
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

OBSERVATION_COLUMNS = ["adcode", "indicator", "year", "value", "unit", "period", "qualifier", "note", "source"]
TARGET_COLUMNS = ["plan_id", "adcode", "indicator", "year", "value", "value_max", "kind", "comparator", "section",
                  "quote", "source"]
# The newest dataset at or below a version wins for each (adcode, indicator, year).
_CURRENT = """
SELECT o.adcode, o.indicator, o.year, o.value, o.unit, o.period, o.qualifier, o.note, o.source,
       d.illustrative, o.dataset_id
FROM observations o JOIN datasets d ON d.id = o.dataset_id
WHERE o.dataset_id = (
    SELECT MAX(o2.dataset_id) FROM observations o2
    WHERE o2.adcode = o.adcode AND o2.indicator = o.indicator AND o2.year = o.year AND o2.dataset_id <= :version
)
"""


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
        """Create the tables if they are missing."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.connect() as db:
            db.executescript(SCHEMA)

    def add_dataset(self, meta: DatasetMeta, observations: pd.DataFrame, targets: pd.DataFrame | None = None) -> int:
        """Write one dataset version in a single transaction: all rows land, or none do."""
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
                if tgt is not None and len(tgt):
                    db.executemany(
                        f"INSERT OR REPLACE INTO targets (dataset_id, {', '.join(TARGET_COLUMNS)})"
                        f" VALUES (?, {', '.join('?' * len(TARGET_COLUMNS))})",
                        ((dataset_id, *plain_row(row)) for row in tgt.itertuples(index=False)),
                    )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return dataset_id

    def version(self) -> int:
        """The newest dataset id: the store's version, part of every render cache key.

        Read on every request, so it keeps one read-only connection per thread (WAL readers see each commit
        as it lands) instead of opening the file each time.
        """
        db = getattr(self._readers, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self._readers.db = db
        return int(db.execute("SELECT COALESCE(MAX(id), 0) FROM datasets").fetchone()[0])

    def datasets(self) -> pd.DataFrame:
        """Every dataset version with its provenance."""
        with self.connect() as db:
            return pd.read_sql_query("SELECT * FROM datasets ORDER BY id", db)

    def dataset(self, dataset_id: int) -> dict[str, object] | None:
        """One dataset's provenance, or None."""
        df = self.datasets()
        rows = df[df.id == dataset_id]
        return rows.iloc[0].to_dict() if len(rows) else None

    def dataset_observations(self, dataset_id: int) -> pd.DataFrame:
        """The rows one dataset wrote, as it wrote them (later versions may have replaced some)."""
        with self.connect() as db:
            return pd.read_sql_query(
                f"SELECT {', '.join(OBSERVATION_COLUMNS)} FROM observations WHERE dataset_id = ?"
                " ORDER BY indicator, year, adcode", db, params=(dataset_id,))

    def observations(self, version: int | None = None) -> pd.DataFrame:
        """All current observations as of a version (default: the newest)."""
        with self.connect() as db:
            v = version if version is not None else self.version()
            df = pd.read_sql_query(_CURRENT, db, params={"version": v})
        df["illustrative"] = df["illustrative"].astype(bool)
        return df

    def targets(self) -> pd.DataFrame:
        """Every plan target."""
        with self.connect() as db:
            return pd.read_sql_query(f"SELECT {', '.join(TARGET_COLUMNS)} FROM targets", db)

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


def plain_row(row: tuple[object, ...]) -> tuple[object, ...]:
    """NumPy scalars and NaN -> plain Python values (what sqlite3, psycopg and openpyxl accept)."""
    out = []
    for v in row:
        if v is None or (isinstance(v, float) and v != v):
            out.append(None)
        elif hasattr(v, "item"):
            out.append(v.item())
        else:
            out.append(v)
    return tuple(out)
