"""The store's schema versions: an ordered list of migrations, applied at start-up on SQLite and PostgreSQL.

Version 1 is the schema release 0.1.0 created. Those stores have no schema_version table; migration 1 is all
CREATE ... IF NOT EXISTS, so it adopts them as they are and records version 1. A change to the tables is a new
Migration at the end of MIGRATIONS, never an edit of one that has shipped. Each store records the versions it has
applied in schema_version; start-up applies the missing ones in order, all in one transaction with the store's
write lock held (so workers starting together apply them once), and refuses a store made by a newer release.
Migrations are written in SQLite's dialect, statements separated by ";"; PostgreSQL runs them through
store_pg.pg_schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from layers.core.errors import StoreSchemaError


@dataclass(frozen=True)
class Migration:
    """One step of the schema: its number, what it changes, and the statements that change it."""

    version: int
    summary: str
    sql: str

    def statements(self) -> list[str]:
        """The statements one by one (drivers run one statement per call inside a transaction)."""
        return [s.strip() for s in self.sql.split(";") if s.strip()]


SCHEMA_VERSION_TABLE = """CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    summary TEXT NOT NULL,
    applied_at TEXT NOT NULL
)"""

V1_TABLES = """
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

# The data version is a publication sequence, not a dataset id: each publish (and, later, each retraction) is a
# row here, and version N is what the first N publications say. Every dataset already stored was published as it
# was written, so seq = id: a link to version=N shared before this migration shows the same data after it.
V2_PUBLICATIONS = """
CREATE TABLE IF NOT EXISTS publications (
    seq INTEGER PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id),
    action TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS publications_dataset ON publications (dataset_id, seq);
INSERT INTO publications (seq, dataset_id, action, at) SELECT id, id, 'publish', created_at FROM datasets
"""

# Accounts: named users with a role, their API tokens (only a hash kept), sign-in sessions (only a hash of the
# session id kept), the audit trail (which also holds sign-in failures, so lockouts are shared by every instance),
# uploads checked but not yet committed, and the secret that signs session cookies when none is configured.
# "INTEGER PRIMARY KEY AUTOINCREMENT" and BLOB become an identity column and BYTEA on PostgreSQL (pg_schema).
V3_ACCOUNTS = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    password_changed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id),
    label TEXT NOT NULL DEFAULT '',
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_action ON audit (action, subject, at);
CREATE INDEX IF NOT EXISTS audit_ip ON audit (action, ip, at);
CREATE TABLE IF NOT EXISTS staged_uploads (
    id TEXT PRIMARY KEY,
    user_name TEXT NOT NULL,
    file_name TEXT NOT NULL,
    data BLOB NOT NULL,
    options TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS app_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
)
"""

# Plans and indicators as data. A plan dataset records its plan's period (plans), so a draft plan can be previewed
# and a published one judged from its own start; targets are keyed by the dataset that states them (a plan restated
# by a later dataset no longer overwrites the earlier statement, so retracting it brings that one back); indicators
# an admin adds to the catalogue from the workspace live in catalogue_additions, as JSON definitions.
V4_PLANS = """
CREATE TABLE IF NOT EXISTS plans (
    dataset_id INTEGER NOT NULL REFERENCES datasets(id),
    plan_id TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    region TEXT NOT NULL,
    start_year INTEGER NOT NULL,
    end_year INTEGER NOT NULL,
    citation TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (dataset_id, plan_id)
);
CREATE TABLE IF NOT EXISTS catalogue_additions (
    id TEXT PRIMARY KEY,
    definition TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE TABLE targets_by_dataset (
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
    PRIMARY KEY (dataset_id, plan_id, adcode, indicator, year)
);
INSERT INTO targets_by_dataset (dataset_id, plan_id, adcode, indicator, year, value, value_max, kind, comparator,
    section, quote, source)
SELECT dataset_id, plan_id, adcode, indicator, year, value, value_max, kind, comparator, section, quote, source
FROM targets;
DROP TABLE targets;
ALTER TABLE targets_by_dataset RENAME TO targets
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "datasets, observations and targets as release 0.1.0 made them", V1_TABLES),
    Migration(2, "publications: the data version counts publications, not dataset ids", V2_PUBLICATIONS),
    Migration(3, "accounts: users, API tokens, sessions, audit, staged uploads", V3_ACCOUNTS),
    Migration(4, "plans and indicators as data: plan periods, targets per dataset, catalogue additions", V4_PLANS),
)


def latest() -> int:
    """The schema version this code writes."""
    return MIGRATIONS[-1].version


def pending(current: int) -> list[Migration]:
    """The migrations a store at `current` still needs, in order; a store newer than this code is refused."""
    if current > latest():
        raise StoreSchemaError(f"the store is at schema version {current}, newer than this release knows "
                               f"({latest()}): run the release that made it, or restore a backup")
    return [m for m in MIGRATIONS if m.version > current]


def now() -> str:
    """The applied_at stamp."""
    return datetime.now(UTC).isoformat(timespec="seconds")
