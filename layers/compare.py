"""Compare two years or two indicators: one shared classification, and a change map centred on zero."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
from numpy.typing import ArrayLike

from layers.catalogue import Indicator
from layers.choropleth import MapText, build_map, classify_frame
from layers.classify import Classes, classify
from layers.controls import HATCH_SVG
from layers.errors import UnknownParameterError
from layers.folium_text import render_parts
from layers.i18n import t
from layers.palettes import CHANGE_DIVERGING
from layers.view import MapView, ResolvedView

if TYPE_CHECKING:  # the atlas imports nothing from here; typing only
    from layers.atlas import Atlas


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


@dataclass
class Panel:
    """One map of a comparison: its Folium parts, title, classes and the frame drawn."""

    parts: dict[str, str]
    title: str
    classes: Classes | None
    fills: list[str]
    frame: gpd.GeoDataFrame


@dataclass
class Comparison:
    """Left and right maps (shared classes when the units agree), and the change map in year mode."""

    mode: str  # "years" or "indicators"
    left: Panel
    right: Panel
    diff: Panel | None
    shared: bool
    base: int
    year: int


def _panel(atlas: Atlas, frame: gpd.GeoDataFrame, classes: Classes | None, indicator: Indicator, title: str,
           view: MapView, prefix: str, palette: str | None = None) -> Panel:
    """Paint a frame with given classes and render it as one map of the page."""
    kw: dict[str, Any] = {"palette": palette} if palette else {}
    painted, classes, fills = classify_frame(frame, view.scheme, view.k, classes, **kw)
    m = build_map(painted, classes, fills, MapText(title, view.lang, indicator), atlas.boundaries.neighbours(),
                  atlas.tile_url, atlas.tile_attribution, id_prefix=prefix, role=prefix)
    return Panel(render_parts(m), title, classes, fills, painted)


def compare(atlas: Atlas, view: MapView) -> Comparison:
    """Two years of one indicator (and their change), or two indicators in one year, side by side."""
    rv, right = atlas.frame(view)
    lang = view.lang
    if view.indicator2:
        rv2, left = atlas.frame(view.model_copy(update={"indicator": view.indicator2, "year": rv.year}))
        ind_l, ind_r = rv2.indicator, rv.indicator
        shared = ind_l.unit == ind_r.unit
        mode, base = "indicators", rv.year
    else:
        maybe = base_year(rv)
        if maybe is None:
            raise UnknownParameterError("base_year", f"a year before {rv.year}", [str(y) for y in rv.years])
        base = maybe
        _, left = atlas.frame(view.model_copy(update={"year": base}))
        ind_l = ind_r = rv.indicator
        shared, mode = True, "years"
    classes = shared_classes([left["value"], right["value"]], view.scheme, view.k) if shared else None
    title_l = atlas.title(ResolvedView(view, ind_l, base, rv.years))
    title_r = atlas.title(rv)
    lp = _panel(atlas, left, classes, ind_l, title_l, view, "l")
    rp = _panel(atlas, right, classes, ind_r, title_r, view, "r")
    dp = None
    if mode == "years":
        diff = difference(right, left)
        name = t("change_of", lang, indicator=ind_r.name_en if lang == "en" else ind_r.name_zh,
                 base=base, year=rv.year)
        ind_d = ind_r.model_copy(update={"name_zh": t("change_of", "zh", indicator=ind_r.name_zh, base=base,
                                                      year=rv.year),
                                         "name_en": t("change_of", "en", indicator=ind_r.name_en, base=base,
                                                      year=rv.year)})
        dclasses = diverging_classes(diff["value"].to_numpy(), view.scheme, view.k)
        dp = _panel(atlas, diff, dclasses, ind_d, f"{name}（{t('level_' + view.level, lang)}）"
                    if lang == "zh" else f"{name} ({t('level_' + view.level, lang)})", view, "d", CHANGE_DIVERGING)
    return Comparison(mode, lp, rp, dp, shared, base, rv.year)



def merge_heads(heads: list[str]) -> str:
    """One <head> for several maps: the first map's in full, then only the others' own #map_ size rules."""
    own = re.compile(r"<style>\s*#map_\w+\s*\{.*?</style>", re.S)
    return heads[0] + "".join(m.group(0) for h in heads[1:] for m in own.finditer(h))


def merge_bodies(bodies: list[str]) -> list[str]:
    """The maps' bodies with the shared hatch pattern defined once (its id must be unique on the page)."""
    return [bodies[0], *(b.replace(HATCH_SVG, "") for b in bodies[1:])]
