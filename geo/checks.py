"""Checks a boundary set must pass before it is cached: each failure names the unit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import geopandas as gpd
import shapely

from geo.errors import BoundaryCheckError


def check_valid(units: gpd.GeoDataFrame) -> None:
    """Every geometry is valid and non-empty."""
    bad = units[~units.geometry.is_valid | units.geometry.is_empty]
    if len(bad):
        rows: list[Any] = list(bad.itertuples())  # a DataFrame row: pandas types its fields as any scalar
        reasons = [f"{r.adcode} {r.name_zh}: {shapely.is_valid_reason(r.geometry)}" for r in rows]
        raise BoundaryCheckError("invalid geometry: " + "; ".join(reasons))


def check_unique(units: gpd.GeoDataFrame) -> None:
    """Adcodes are unique within a level."""
    dup = units[units.duplicated(["level", "adcode"], keep=False)]
    if len(dup):
        raise BoundaryCheckError("duplicate adcode: " + ", ".join(sorted(set(dup.adcode))))


def check_expected(units: gpd.GeoDataFrame, level: str, expected: Iterable[str]) -> None:
    """Every expected adcode of a level is present and nothing else is."""
    have = set(units.loc[units.level == level, "adcode"])
    want = set(expected)
    if have != want:
        raise BoundaryCheckError(
            f"{level}: missing {sorted(want - have) or 'none'}, unexpected {sorted(have - want) or 'none'}"
        )


def check_coverage(children: gpd.GeoDataFrame, parent: gpd.GeoDataFrame, rel_tol: float = 1e-9) -> None:
    """Children tile each parent: no overlaps or gaps between them, and their union is the parent.

    shapely.coverage_invalid_edges finds overlaps and mismatched shared edges; the
    area of the symmetric difference with the parent finds gaps and spill-over.
    """
    invalid = shapely.coverage_invalid_edges(children.geometry.values)
    bad = [f"{a} {n}" for a, n, e in zip(children.adcode, children.name_zh, invalid, strict=True) if not e.is_empty]
    if bad:
        raise BoundaryCheckError("not a coverage (overlap or unmatched edge) at: " + ", ".join(bad))
    p: Any  # a DataFrame row: pandas types its fields as any scalar
    for p in parent.itertuples():
        kids = children[children.parent == p.adcode]
        if kids.empty:
            raise BoundaryCheckError(f"{p.adcode} {p.name_zh}: no child units")
        diff = shapely.symmetric_difference(shapely.union_all(kids.geometry.values), p.geometry)
        if diff.area > rel_tol * p.geometry.area:
            raise BoundaryCheckError(
                f"{p.adcode} {p.name_zh}: children differ from the parent by {diff.area:.3g} square degrees"
            )
