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
    centre: float | None = None  # diverging: classes below the centre come first, n_below of them
    n_below: int = 0

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
        if self.centre is not None and self.centre in self.bins:
            idx = np.where(vals == self.centre, idx + 1, idx)  # on the centre counts as on track, not behind
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
        user_bins = sorted({float(b) for b in breaks if b < distinct.max()} | {float(distinct.max())})
        return Classes(lower, tuple(user_bins), scheme)
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


MAX_SIDE = 5  # ColorBrewer diverging palettes hold 5 shades each side of the middle


def classify_around(values: np.ndarray, centre: float, scheme: str = "quantiles", k: int = 6) -> Classes | None:
    """Classes split at a centre ("on track"): each side classified on its own values, so colours diverge there.

    Classes share k between the sides in proportion to how many values each holds (at least one each when
    both have values, at most five a side); a value equal to the centre falls on the upper side.
    """
    vals = np.asarray(values, dtype=float)
    vals = vals[np.isfinite(vals)]
    if vals.size == 0:
        return None
    below, above = vals[vals < centre], vals[vals >= centre]
    k = max(MIN_K, min(MAX_K, k))
    if below.size and above.size:
        n_below = int(np.clip(round(k * below.size / vals.size), 1, k - 1))
        n_above = k - n_below
    else:
        n_below, n_above = (k, 0) if below.size else (0, k)
    low_bins = _side_bins(below, min(n_below, MAX_SIDE), scheme)
    high_bins = _side_bins(above, min(n_above, MAX_SIDE), scheme)
    if below.size and above.size:
        low_bins = (*low_bins[:-1], float(centre))
    return Classes(float(vals.min()), (*low_bins, *high_bins), scheme, float(centre), len(low_bins))


def _side_bins(vals: np.ndarray, n: int, scheme: str) -> tuple[float, ...]:
    if vals.size == 0 or n == 0:
        return ()
    if n == 1 or np.unique(vals).size == 1:
        return (float(vals.max()),)
    classes = classify(vals, scheme, n)
    return classes.bins if classes else ()
