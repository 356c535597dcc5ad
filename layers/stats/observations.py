"""The long table of observations every stats function reads: its columns, the unit hierarchy, and how a
derived value cites the sources of its inputs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from layers.core.sources import COMPUTED  # the source-text vocabulary lives in core; re-exported here

PROVINCE = "620000"
OBS_COLUMNS = ["adcode", "indicator", "year", "value", "unit", "period", "qualifier", "note", "source",
               "illustrative", "dataset_id", "derivation"]
MAX_SOURCES_NAMED = 3


@dataclass(frozen=True)
class Hierarchy:
    """Which units add up to which: counties to prefectures, prefectures to the province."""

    children: dict[str, tuple[str, ...]]
    names: dict[str, str]
    rank: dict[str, int]  # 0 county, 1 prefecture, 2 province: the order sums and rates are built in

    @classmethod
    def from_regions(cls, regions: pd.DataFrame) -> Hierarchy:
        """From the boundary attribute table (adcode, name_zh, level, parent)."""
        children: dict[str, list[str]] = {}
        rank: dict[str, int] = {}
        row: Any  # a DataFrame row: pandas types its fields as any scalar
        for row in regions.itertuples(index=False):
            r = {"county": 0, "prefecture": 1, "province": 2}[row.level]
            rank[row.adcode] = min(rank.get(row.adcode, r), r)
            if row.level == "county":
                children.setdefault(row.parent, []).append(row.adcode)
            elif row.level == "prefecture":
                children.setdefault(PROVINCE, []).append(row.adcode)
        names = dict(zip(regions.adcode, regions.name_zh, strict=True))
        return cls({p: tuple(sorted(c)) for p, c in children.items()}, names, rank)

    def level_sets(self) -> dict[str, frozenset[str]]:
        """The units of each level (嘉峪关 620200 is in two: a prefecture that is also a county-level unit)."""
        prefectures = frozenset(self.children.get(PROVINCE, ()))
        counties = frozenset(c for p in prefectures for c in self.children.get(p, ()))
        return {"province": frozenset({PROVINCE}), "prefecture": prefectures, "county": counties}

    def levels_up(self) -> list[list[str]]:
        """Parents in the order they can be summed: prefectures first, then the province."""
        prefs = [p for p in self.children if p != PROVINCE]
        return [sorted(prefs), [PROVINCE]]


def as_observations(df: pd.DataFrame) -> pd.DataFrame:
    """Store rows in the common shape, marked as observed (derivation '')."""
    out = df.copy()
    if "derivation" not in out:
        out["derivation"] = ""
    return out.reindex(columns=OBS_COLUMNS)


def cite(sources: pd.Series | list[str]) -> str:
    """A short list of the distinct original sources behind the inputs (a computed input cites its own)."""
    return _cite(tuple(sorted({s for s in sources if isinstance(s, str) and s})))


@lru_cache(maxsize=4096)
def _cite(sources: tuple[str, ...]) -> str:
    found: set[str] = set()
    for s in sources:
        if not isinstance(s, str) or not s:
            continue
        found |= set(s.split(" · ", 1)[1].split("；")) if s.startswith(COMPUTED) and " · " in s else {s}
    distinct = sorted(x for x in found if not x.startswith("等 "))
    shown = "；".join(distinct[:MAX_SOURCES_NAMED])
    return shown + (f"；等 {len(distinct)} 个来源" if len(distinct) > MAX_SOURCES_NAMED else "")


def qualifier_of(qualifiers: pd.Series | list[str]) -> str:
    """'>' when some input is a lower bound and none an upper bound (and the reverse); else '='."""
    q = set(qualifiers)
    if ">" in q and "<" not in q:
        return ">"
    if "<" in q and ">" not in q:
        return "<"
    return "="
