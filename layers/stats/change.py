"""Change between two years, and classes shared by several maps: the numbers behind the compare pages."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from numpy.typing import ArrayLike

from layers.core.errors import UnknownParameterError
from layers.core.view import ResolvedView
from layers.stats.classify import Classes, classify


def base_year(rv: ResolvedView) -> int | None:
    """The year to compare with: the view's base_year, else the year before `year` that has data."""
    asked = rv.view.base_year
    if asked is not None:
        if asked not in rv.years:
            raise UnknownParameterError("base_year", asked, [str(y) for y in rv.years])
        return asked
    earlier = [y for y in rv.years if y < rv.year]
    return earlier[-1] if earlier else None


def shared_classes(values: list[ArrayLike], scheme: str, k: int) -> Classes | None:
    """Classes over the union of several maps' values, so a colour means the same on each of them."""
    return classify(np.concatenate([np.asarray(v, dtype=float) for v in values]), scheme, k)


def diverging_classes(values: np.ndarray, scheme: str, k: int) -> Classes | None:
    """Symmetric classes around zero for change: a middle 'little change' class, then larger rises and falls.

    The scheme runs on |change| to find the magnitudes; they are mirrored below zero, so equal colour
    depth means equal size of change either way. k is made odd, so zero sits in the neutral middle class.
    """
    vals = np.asarray(values, dtype=float)
    vals = vals[np.isfinite(vals)]
    if vals.size == 0:
        return None
    mags = np.abs(vals)
    if mags.max() == 0:
        return Classes(0.0, (0.0,), "diverging")
    side = max(1, (k - 1) // 2)
    mag = classify(mags, scheme if scheme != "user" else "quantiles", side + 1)
    cuts = [b for b in (mag.bins if mag else ()) if b > 0] or [float(mags.max())]
    if len(cuts) < 2:
        cuts = [cuts[0] / 2, cuts[0]]
    bins = tuple([-c for c in reversed(cuts[:-1])] + list(cuts))
    return Classes(-cuts[-1], bins, "diverging")


def difference(now: gpd.GeoDataFrame, base: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Change per unit (now minus base); a unit missing either year has no change (NaN), never zero."""
    out = now.copy()
    before = out["adcode"].map(base.set_index("adcode")["value"])
    out["value"] = out["value"] - before
    out["rank"] = out["value"].rank(ascending=False, method="min")
    out["illustrative"] = out["illustrative"] | out["adcode"].map(base.set_index("adcode")["illustrative"]).fillna(
        False).astype(bool)
    srcs = out["adcode"].map(base.set_index("adcode")["source"])
    out["source"] = [a if a == b or not isinstance(b, str) else f"{a}；{b}" if isinstance(a, str) else b
                     for a, b in zip(out["source"], srcs, strict=True)]
    return out


def average_annual_growth(start: ArrayLike, end: ArrayLike, years: int) -> np.ndarray:
    """Compound average annual growth over a span, in %: ((end / start) ** (1 / years) - 1) * 100.

    From 100 to 121 over 2 years: 10.0 (not 10.5, the simple mean of +21%). NaN where the rate means nothing: a
    value missing, a start or end at or below zero (growth from nothing, or across a change of sign), or a span
    shorter than a year.
    """
    a, b = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    out = np.full(np.broadcast(a, b).shape, np.nan)
    if years < 1:
        return out
    ok = np.isfinite(a) & np.isfinite(b) & (a > 0) & (b > 0)
    np.divide(b, a, out=out, where=ok)
    np.power(out, 1.0 / years, out=out, where=ok)
    return np.where(ok, (out - 1.0) * 100.0, np.nan)
