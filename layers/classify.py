"""Class breaks for choropleths via mapclassify, degrading gracefully on few distinct values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import mapclassify
import numpy as np

Scheme = Literal["quantiles", "natural_breaks", "equal_interval", "user"]
SCHEMES: tuple[str, ...] = ("quantiles", "natural_breaks", "equal_interval", "user")
MIN_K, MAX_K = 2, 9


@dataclass(frozen=True)
class Classes:
    """Upper bounds of each class (ascending) and the lowest value; bins[-1] is the maximum."""

    lower: float
    bins: tuple[float, ...]
    scheme: str

    @property
    def k(self) -> int:
        """Number of classes actually used."""
        return len(self.bins)

    def ranges(self) -> list[tuple[float, float]]:
        """(low, high) of each class, for the legend."""
        lows = (self.lower, *self.bins[:-1])
        return list(zip(lows, self.bins, strict=True))

    def assign(self, values: np.ndarray) -> np.ndarray:
        """Class index of each value (right-closed, like mapclassify); -1 for NaN."""
        vals = np.asarray(values, dtype=float)
        idx = np.searchsorted(np.asarray(self.bins), vals, side="left")
        idx = np.minimum(idx, self.k - 1)
        return np.where(np.isnan(vals), -1, idx)


def classify(values: np.ndarray, scheme: str = "quantiles", k: int = 5,
             breaks: list[float] | None = None) -> Classes | None:
    """Classes for the finite values; None when there is no value at all.

    With fewer distinct values than k, each distinct value becomes its own class, so no class is empty
    and mapclassify never sees an impossible request.
    """
    vals = np.asarray(values, dtype=float)
    vals = vals[np.isfinite(vals)]
    if vals.size == 0:
        return None
    lower = float(vals.min())
    distinct = np.unique(vals)
    if scheme == "user":
        if not breaks:
            raise ValueError("scheme 'user' needs breaks")
        bins = sorted({float(b) for b in breaks if b < distinct.max()} | {float(distinct.max())})
        return Classes(lower, tuple(bins), scheme)
    k = max(MIN_K, min(MAX_K, k))
    if distinct.size <= k:
        return Classes(lower, tuple(float(v) for v in distinct), scheme)
    if scheme == "quantiles":
        result = mapclassify.Quantiles(vals, k=k)
    elif scheme == "natural_breaks":
        result = mapclassify.FisherJenks(vals, k=k)
    elif scheme == "equal_interval":
        result = mapclassify.EqualInterval(vals, k=k)
    else:
        raise ValueError(f"unknown scheme {scheme!r}")
    bins = tuple(dict.fromkeys(float(b) for b in result.bins))
    return Classes(lower, bins, scheme)
