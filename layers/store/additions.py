"""Indicators an admin adds to the catalogue from the workspace: kept in the store (both backends), read at start-up
and whenever a new data version is read, so every instance's uploads and maps can use them."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from layers.core.catalogue import Indicator
from layers.core.errors import DatasetStateError
from layers.store.backends import IndicatorStore


def added_indicators(store: IndicatorStore) -> list[Indicator]:
    """Every indicator added so far, oldest first."""
    rows = store.rows("SELECT definition FROM catalogue_additions ORDER BY added_at, id")
    return [Indicator(**json.loads(r[0])) for r in rows]


def add_indicators(store: IndicatorStore, indicators: list[Indicator], by: str) -> None:
    """Record new indicators (an indicator and its per-10k rate, say); an id already added is refused."""
    at = datetime.now(UTC).isoformat(timespec="seconds")
    for ind in indicators:
        taken = store.rows("SELECT COUNT(*) FROM catalogue_additions WHERE id = :id", {"id": ind.id})
        if int(taken[0][0]):
            raise DatasetStateError(f"indicator {ind.id} is already in the catalogue")
    for ind in indicators:
        store.rows("INSERT INTO catalogue_additions (id, definition, added_by, added_at)"
                   " VALUES (:id, :definition, :by, :at)",
                   {"id": ind.id, "definition": ind.model_dump_json(), "by": by, "at": at})
