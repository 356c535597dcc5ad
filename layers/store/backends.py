"""Pick the indicator store: embedded SQLite by default, PostgreSQL when a postgresql:// URL is configured."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from layers.store.sqlite import DatasetMeta, Store

PG_SCHEMES = ("postgresql://", "postgres://")


class IndicatorStore(Protocol):
    """What the atlas, seeding and imports need from a store; Store and PgStore both provide it."""

    def init(self) -> None: ...
    def lock(self) -> AbstractContextManager[None]: ...
    def close(self) -> None: ...
    def add_dataset(self, meta: DatasetMeta, observations: pd.DataFrame,
                    targets: pd.DataFrame | None = None, publish: bool = True,
                    plan: Mapping[str, object] | None = None) -> int: ...
    def publish(self, dataset_id: int) -> int: ...
    def retract(self, dataset_id: int) -> int: ...
    def rows(self, sql: str, params: Mapping[str, object] | None = None) -> list[tuple[Any, ...]]: ...
    def version(self) -> int: ...
    def schema_version(self) -> int: ...
    def datasets(self) -> pd.DataFrame: ...
    def dataset(self, dataset_id: int) -> dict[str, object] | None: ...
    def dataset_observations(self, dataset_id: int) -> pd.DataFrame: ...
    def observations(self, version: int | None = None, draft: int | None = None,
                     exclude: int | None = None) -> pd.DataFrame: ...
    def targets(self, version: int | None = None, draft: int | None = None) -> pd.DataFrame: ...
    def plans(self, version: int | None = None, draft: int | None = None) -> pd.DataFrame: ...


def is_postgres(url: str | None) -> bool:
    """True for a postgresql:// (or postgres://) connection URL."""
    return bool(url) and str(url).startswith(PG_SCHEMES)


def open_store(database: Path, database_url: str | None = None) -> IndicatorStore:
    """PgStore when database_url is a PostgreSQL URL, else the SQLite file at `database`."""
    if database_url:
        if not is_postgres(database_url):
            raise ValueError(f"database_url must start with {' or '.join(PG_SCHEMES)}, not {database_url[:20]!r}")
        from layers.store.postgres import PgStore  # psycopg is only needed when PostgreSQL is configured

        return PgStore(database_url)
    return Store(Path(database))
