"""Small multiples of a view: its indicator in each year of a range, classified once over all those years."""

from __future__ import annotations

import numpy as np
import pandas as pd

from layers.core.errors import UnknownParameterError
from layers.core.i18n import t
from layers.core.mapnotes import map_notes
from layers.core.view import MapView
from layers.pages import frames
from layers.pages.atlas import Atlas
from layers.render.choropleth import classify_frame
from layers.render.image import ExportOptions, Format
from layers.render.multiples import MAX_PANELS, Multiples, Panel, render
from layers.stats.classify import Classes, classify, classify_around
from layers.stats.snapshot import Snapshot

KINDS = {(True, True): "real and illustrative", (True, False): "illustrative", (False, True): "real",
         (False, False): "no data"}
MULTIPLES_LOD = 3  # small maps: the web overview's outlines are fine enough at this size


def parse_years(spec: str, available: tuple[int, ...]) -> list[int]:
    """'2016-2023' (or one year) as the years of that range the view has data for; none is an error."""
    lo, _, hi = spec.partition("-")
    first, last = int(lo), int(hi or lo)
    years = [y for y in available if first <= y <= last]
    if not years or first > last:
        raise UnknownParameterError("years", spec, [f"{available[0]}-{available[-1]}"] if available else [])
    if len(years) > MAX_PANELS:
        raise UnknownParameterError("years", spec, [f"at most {MAX_PANELS} years"])
    return years


def shared_classes(values: np.ndarray, scheme: str, k: int, centre: float | None) -> Classes | None:
    """One classification over every year's values together, so a colour means the same in every panel."""
    return classify_around(values, centre, scheme, k) if centre is not None else classify(values, scheme, k)


def multiples_data(atlas: Atlas, snap: Snapshot, view: MapView, spec: str) -> Multiples:
    """The panels of a view over a range of years, with one set of classes computed over all of them.

    Illustrative values never share a classification with real ones: a range that holds both (only possible with
    the demonstration on) is refused, naming the years of each kind.
    """
    rv = frames.resolve(atlas, snap, view)
    years = parse_years(spec, rv.years)
    lod = view.lod if view.lod is not None else MULTIPLES_LOD
    per_year = [(y, frames.frame(atlas, snap, view.model_copy(update={"year": y, "lod": lod}))[1]) for y in years]
    pooled = pd.concat([f[["value", "illustrative"]] for _, f in per_year])
    has = pooled["value"].notna()
    made_up, real = pooled.loc[has, "illustrative"].astype(bool), ~pooled.loc[has, "illustrative"].astype(bool)
    if made_up.any() and real.any():
        kinds = [f"{y}: {KINDS[(bool(m.any()), bool((~m).any()))]}"
                 for y, f in per_year for m in [f.loc[f["value"].notna(), "illustrative"].astype(bool)]]
        raise UnknownParameterError("years", f"{spec} (mixes real and illustrative values)", kinds)
    classes = shared_classes(pooled["value"].to_numpy(dtype=float), view.scheme, view.k, rv.indicator.centre)
    panels: list[Panel] = []
    fills: list[str] = []
    for year, frame in per_year:
        painted, _, fills = classify_frame(frame, view.scheme, view.k, classes=classes, centre=rv.indicator.centre)
        panels.append(Panel(year, painted, bool(painted["illustrative"].any())))
    lang = view.lang
    name = rv.indicator.name_en if lang == "en" else rv.indicator.name_zh
    unit = rv.indicator.unit_en if lang == "en" else rv.indicator.unit
    level = frames.level_label(rv)
    title = t("map_of", lang, indicator=name, year=f"{years[0]}–{years[-1]}", level=level)
    sources = sorted({str(s) for _, f in per_year for s in f["source"].dropna()})
    notes = [t("fixed_classes", lang), *map_notes(rv.indicator, view.level, snap.catalogue, lang)]
    return Multiples(panels, classes, fills, title, f"{name}（{unit}）" if lang == "zh" else f"{name} ({unit})",
                     sources, lang, notes, approval=atlas.map_approval, draft=snap.draft is not None)


def multiples_file(atlas: Atlas, snap: Snapshot, view: MapView, spec: str, fmt: Format,
                   opts: ExportOptions) -> bytes:
    """Small multiples as PNG, SVG or PDF, built once per view, range, size and data version."""
    def build() -> bytes:
        with atlas.canvas(opts.pixels if fmt == "png" else 0):  # a PNG's raster from the worker's budget
            return render(multiples_data(atlas, snap, view, spec), fmt, opts)

    return atlas.memo(snap, f"multiples-{fmt}-{spec}-{opts.model_dump_json()}", view, build, download=True)
