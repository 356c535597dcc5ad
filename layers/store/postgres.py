"""The indicator store on PostgreSQL: the SQLite store's tables and semantics, shared by many app instances."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pandas as pd
import psycopg
from psycopg_pool import ConnectionPool

from layers.store import migrations
from layers.store import sqlite as sqlite_store
from layers.store.sqlite import OBSERVATION_COLUMNS, TARGET_COLUMNS, DatasetMeta

# Same key as the SQLite schema's targets primary key: a plan restating a target replaces it.
TARGET_KEY = ("plan_id", "adcode", "indicator", "year")
# pg_advisory_lock keys (any fixed 64-bit numbers): one dataset writer at a time; one instance seeding at a time.
WRITE_LOCK = 0x1905_6200
SEED_LOCK = 0x1905_6201
POOL_MAX = 8


def pg_schema(sqlite_ddl: str) -> str:
    """SQLite DDL in PostgreSQL's dialect: REAL is 4 bytes there, so values become DOUBLE PRECISION."""
    return re.sub(r"\bREAL\b", "DOUBLE PRECISION", sqlite_ddl)


def pg_query(sqlite_query: str) -> str:
    """A query written with SQLite's :name parameters, with psycopg's %(name)s instead."""
    return re.sub(r"(?<!:):([a-z_]+)\b", r"%(\1)s", sqlite_query)


class PgStore:
    """PostgreSQL-backed store (psycopg 3, a connection pool per process); one instance per app process."""

    embedded = False  # version() is a network round trip: keep it off the event loop

    def __init__(self, dsn: str, max_size: int = POOL_MAX):
        self.dsn = dsn
        self.max_size = max_size
        self._pool: ConnectionPool | None = None
        self._pool_lock = threading.Lock()

    def _get_pool(self) -> ConnectionPool:
        # Opened on first use, after uvicorn has forked its workers, so no process shares a socket.
        with self._pool_lock:
            if self._pool is None:
                self._pool = ConnectionPool(self.dsn, min_size=1, max_size=self.max_size, open=True,
                                            kwargs={"autocommit": True}, name="ipmap")
            return self._pool

    @contextmanager
    def connect(self) -> Iterator[psycopg.Connection]:
        """A pooled connection in autocommit mode; use `with conn.transaction()` to group writes."""
        with self._get_pool().connection() as conn:
            yield conn

    def close(self) -> None:
        """Close the pool (app shutdown, end of a test)."""
        with self._pool_lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None

    def init(self) -> None:
        """Create the tables, or bring a store made by an earlier release up to this one (layers/migrations.py).

        One transaction under the write lock: instances starting together apply each migration once, and a
        failed migration leaves the store as it was.
        """
        with self.connect() as db, db.transaction():
            db.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            db.execute(pg_schema(migrations.SCHEMA_VERSION_TABLE))
            for m in migrations.pending(self._schema_version(db)):
                for statement in m.statements():
                    db.execute(pg_schema(statement))
                db.execute("INSERT INTO schema_version (version, summary, applied_at) VALUES (%s, %s, %s)",
                           (m.version, m.summary, migrations.now()))

    @staticmethod
    def _schema_version(db: psycopg.Connection) -> int:
        row = db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
        return int(row[0]) if row else 0

    def schema_version(self) -> int:
        """The highest migration applied to this store (0: no tables yet)."""
        with self.connect() as db:
            exists = db.execute("SELECT to_regclass('schema_version')").fetchone()
            return self._schema_version(db) if exists and exists[0] else 0

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the store's write lock across instances (e.g. while checking for and loading seed data)."""
        with self.connect() as db:
            db.execute("SELECT pg_advisory_lock(%s)", (SEED_LOCK,))
            try:
                yield
            finally:
                db.execute("SELECT pg_advisory_unlock(%s)", (SEED_LOCK,))

    def add_dataset(self, meta: DatasetMeta, observations: pd.DataFrame, targets: pd.DataFrame | None = None) -> int:
        """Write one dataset version in a single transaction: all rows land, or none do.

        Writers take a transaction-scoped lock and number datasets MAX(id) + 1 inside it, so versions are
        committed in order on every instance: a reader that sees version N sees every dataset up to N.
        """
        obs = observations.reindex(columns=OBSERVATION_COLUMNS)
        for col, default in (("period", ""), ("qualifier", "="), ("note", "")):
            obs[col] = obs[col].astype(object).where(obs[col].notna(), default)
        tgt = targets.reindex(columns=TARGET_COLUMNS) if targets is not None else None
        fields = {k: int(v) if isinstance(v, bool) else v for k, v in meta.model_dump().items()}
        fields |= {"created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                   "row_count": len(obs) + (len(tgt) if tgt is not None else 0)}
        cols = ", ".join(fields)
        with self.connect() as db, db.transaction():
            db.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            row = db.execute(
                f"INSERT INTO datasets (id, {cols}) SELECT COALESCE(MAX(id), 0) + 1, "
                f"{', '.join(['%s'] * len(fields))} FROM datasets RETURNING id",
                tuple(fields.values()),
            ).fetchone()
            dataset_id = int(row[0]) if row else 0
            with db.cursor().copy(f"COPY observations (dataset_id, {', '.join(OBSERVATION_COLUMNS)}) FROM STDIN") as cp:
                for r in obs.itertuples(index=False):
                    cp.write_row((dataset_id, *sqlite_store.plain_row(r)))
            db.execute(pg_query(sqlite_store._PUBLISH), {"dataset_id": dataset_id, "at": fields["created_at"]})
            if tgt is not None and len(tgt):
                updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in ["dataset_id", *TARGET_COLUMNS]
                                    if c not in TARGET_KEY)
                with db.cursor() as cur:
                    cur.executemany(
                        f"INSERT INTO targets (dataset_id, {', '.join(TARGET_COLUMNS)})"
                        f" VALUES ({', '.join(['%s'] * (len(TARGET_COLUMNS) + 1))})"
                        f" ON CONFLICT ({', '.join(TARGET_KEY)}) DO UPDATE SET {updates}",
                        [(dataset_id, *sqlite_store.plain_row(r)) for r in tgt.itertuples(index=False)],
                    )
        return dataset_id

    def version(self) -> int:
        """The newest data version (publications so far), read from the shared database: every instance sees
        the same number."""
        with self.connect() as db:
            row = db.execute(sqlite_store._NEWEST).fetchone()
            return int(row[0]) if row else 0

    def _frame(self, query: str, params: dict[str, object] | None = None) -> pd.DataFrame:
        with self.connect() as db, db.cursor() as cur:
            cur.execute(query, params)
            names = [d.name for d in cur.description or []]
            return pd.DataFrame.from_records(cur.fetchall(), columns=names, coerce_float=True)

    def datasets(self) -> pd.DataFrame:
        """Every dataset with its provenance and the data version that published it."""
        return self._frame(sqlite_store._DATASETS)

    def dataset(self, dataset_id: int) -> dict[str, object] | None:
        """One dataset's provenance, or None."""
        df = self._frame("SELECT * FROM datasets WHERE id = %(id)s", {"id": dataset_id})
        return {str(k): v for k, v in df.iloc[0].items()} if len(df) else None

    def dataset_observations(self, dataset_id: int) -> pd.DataFrame:
        """The rows one dataset wrote, as it wrote them (later versions may have replaced some)."""
        return self._frame(f"SELECT {', '.join(OBSERVATION_COLUMNS)} FROM observations WHERE dataset_id = %(id)s"
                           " ORDER BY indicator, year, adcode", {"id": dataset_id})

    def observations(self, version: int | None = None) -> pd.DataFrame:
        """The observations in force at a data version (default: the newest)."""
        v = version if version is not None else self.version()
        df = self._frame(pg_query(sqlite_store._CURRENT), {"version": v})
        df["illustrative"] = df["illustrative"].astype(bool)
        return df

    def targets(self, version: int | None = None) -> pd.DataFrame:
        """The plan targets in force at a data version (default: the newest)."""
        v = version if version is not None else self.version()
        return self._frame(pg_query(sqlite_store._TARGETS), {"version": v})
