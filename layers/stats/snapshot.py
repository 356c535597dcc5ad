"""One data version as every page reads it: immutable, resolved once per request and passed down.

A snapshot is what version N of the data says: the observations published up to N with every derived value,
the plan targets published up to N, and the fixed catalogue, boundaries and zones they are read against. The
demonstration (`demo`) is a second reading of the same version: illustrative values kept where real ones exist; a
draft preview (`draft`) reads it with one unpublished dataset as if published on top. Pages
and stats take a snapshot instead of asking a store for "the newest", so a link to version N shows version N
however many datasets have been published since.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from geo.boundaries import BoundarySet
from layers.core.catalogue import Catalogue
from layers.core.zones import Units, ZoneBook
from layers.stats.derive import derive
from layers.stats.observations import Hierarchy


@dataclass(frozen=True, eq=False)
class Snapshot:
    """Data version `version`: observations (stored and derived), targets, and what they are read against."""

    version: int
    demo: bool  # illustrative values kept even where real ones exist (the demonstration set)
    observations: pd.DataFrame
    targets: pd.DataFrame
    catalogue: Catalogue
    boundaries: BoundarySet
    zones: ZoneBook
    units: Units
    hierarchy: Hierarchy
    plan_starts: Mapping[str, int]
    draft: int | None = None  # a draft dataset read as if published on top of `version` (a signed-in preview)

    @property
    def key(self) -> tuple[int, bool, int | None]:
        """What a cached result computed from this snapshot is kept under: its version, reading and draft."""
        return self.version, self.demo, self.draft

    @property
    def regions(self) -> pd.DataFrame:
        """The boundaries' attribute table: adcode, names, level, parent."""
        return self.boundaries.regions


def build_snapshot(version: int, stored: pd.DataFrame, targets: pd.DataFrame, catalogue: Catalogue,
                   boundaries: BoundarySet, zones: ZoneBook, units: Units, hierarchy: Hierarchy,
                   plan_starts: Mapping[str, int], demo: bool = False, draft: int | None = None) -> Snapshot:
    """A snapshot from the rows a store holds for a version: every derived value computed once, here."""
    observations = derive(stored, catalogue, hierarchy, targets, plan_starts, demo=demo)
    return Snapshot(version, demo, observations, targets, catalogue, boundaries, zones, units, hierarchy,
                    plan_starts, draft)
