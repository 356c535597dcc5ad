"""A view gathered for static output (image export, values table, briefing): data and text in its language."""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

import pandas as pd
from matplotlib.figure import Figure

from layers.core.i18n import t
from layers.core.mapnotes import map_notes
from layers.core.view import MapView
from layers.core.zones import ZONE_TYPES
from layers.pages import frames
from layers.pages.atlas import Atlas
from layers.pages.maps import ranking_for
from layers.render.choropleth import classify_frame
from layers.render.image import (
    ExportData,
    ExportOptions,
    Format,
    Overlay,
    ZoneLayer,
    figure,
    map_axes,
    projected,
    render,
    save,
)
from layers.render.legend import centre_label
from layers.render.symbols import base_fills, draw_symbols
from layers.render.symbols import points as symbol_points
from layers.render.tables import to_csv, to_xlsx
from layers.render.zone_layer import STYLES
from layers.stats.snapshot import Snapshot

EXPORT_LOD = 1  # finer than the web map: print resolution


def export_data(atlas: Atlas, snap: Snapshot, view: MapView) -> ExportData:
    """The view's units, classes and words, ready for layers.render.image: the same classes the live map draws."""
    # Same values, scheme and k as the live map, so the same classes; only the outlines are finer.
    lod = view.lod if view.lod is not None else EXPORT_LOD
    rv, frame = frames.frame(atlas, snap, view.model_copy(update={"lod": lod}))
    frame, classes, fills = classify_frame(frame, view.scheme, view.k, centre=rv.indicator.centre)
    lang = view.lang
    notes = map_notes(rv.indicator, view.level, snap.catalogue, lang)
    overlays = []
    if view.region and (frame["adcode"] == view.region).any():  # the selected unit, outlined as on the page
        sel = frame[frame["adcode"] == view.region].iloc[0]
        overlays.append(Overlay(frame[frame["adcode"] == view.region].geometry,
                                str(sel["name_en"] if lang == "en" else sel["name_zh"])))
    return ExportData(
        zones=zone_layer(atlas, view, frame) if view.zones else None,
        overlays=overlays, frame=frame, classes=classes, fills=fills, title=frames.title(rv),
        legend_title=rv.indicator.name_en if lang == "en" else rv.indicator.name_zh,
        unit=rv.indicator.unit_en if lang == "en" else rv.indicator.unit,
        sources=sorted(set(frame["source"].dropna())), lang=lang, illustrative=bool(frame["illustrative"].any()),
        draft=snap.draft is not None,
        notes=notes, neighbours=atlas.boundaries.neighbours(), approval=atlas.map_approval,
        subtitle=rv.indicator.description_en if lang == "en" else rv.indicator.description_zh,
        centre_label=centre_label(rv.indicator, lang) if rv.indicator.centre is not None else "",
    )


def zone_layer(atlas: Atlas, view: MapView, frame: pd.DataFrame) -> ZoneLayer | None:
    """The zones the live map draws over this view, at the export's LOD; None when none can be drawn."""
    lod = view.lod if view.lod is not None else EXPORT_LOD
    overlay = atlas.zone_overlay(view.model_copy(update={"lod": lod}), list(frame["adcode"]))
    if overlay is None or overlay.frame.empty:
        return None
    lang = view.lang
    counts = overlay.frame["zone_type"].value_counts()
    labels = {ty: f"{t('zone_type_' + ty, lang)} ({int(counts[ty])})" for ty in ZONE_TYPES if ty in counts}
    if "new_area" in labels:  # as the live key says: drawn over its counties, no boundary of its own
        labels["new_area"] += t("new_area_key", lang)
    when = t("zones_as_of", lang, year=view.zones_year) if view.zones_year is not None else t("zones_any_year", lang)
    hidden = sum(1 for z in atlas.zones.as_of(view.zones_year) if not z.members and not z.province_wide)
    return ZoneLayer(overlay.frame, {ty: (st.pattern, st.dash) for ty, st in STYLES.items()}, labels,
                     f"{t('zones', lang)} · {when}", t("zones_unknown_members", lang, n=hidden) if hidden else "")


def table(atlas: Atlas, snap: Snapshot, view: MapView) -> pd.DataFrame:
    """The values behind a view, one row per unit, with change, per-10k, share and source; headers in its language."""
    rv, base, rows = ranking_for(atlas, snap, view)
    lang = view.lang
    cols = {"adcode": "adcode", "name_zh": "名称" if lang == "zh" else "name_zh", "name_en": "name_en",
            "rank": t("rank", lang), "value": f"{t('value', lang)} {rv.year}",
            "base_value": f"{t('value', lang)} {base}" if base else None, "change": t("change", lang) if base else None,
            "change_pct": f"{t('change_pct', lang)} (%)" if base else None,
            "rank_change": t("rank_change", lang) if base else None,
            "per_10k": t("per_10k", lang), "share": f"{t('share', lang)} (%)", "source": t("source", lang),
            "illustrative": t("illustrative_short", lang), "provenance": t("provenance", lang)}
    keep = {k: v for k, v in cols.items() if v is not None}
    out = rows.assign(provenance=rows["provenance"].map(lambda p: t(f"prov_{p}", lang) if isinstance(p, str) else ""))
    out = out[list(keep)].rename(columns=keep)
    out.insert(0, t("indicator", lang), rv.indicator.name_en if lang == "en" else rv.indicator.name_zh)
    out.insert(1, t("year", lang), rv.year)
    out.insert(2, "unit", rv.indicator.unit_en if lang == "en" else rv.indicator.unit)
    return out


def image_file(atlas: Atlas, snap: Snapshot, view: MapView, fmt: Format, opts: ExportOptions) -> bytes:
    """The view as PNG, SVG or PDF (same classes and colours, or the same circles, as the live map), built once
    per view and version."""
    def build() -> bytes:
        # A PNG's raster is the one big allocation: it takes its pixels from the worker's canvas budget.
        with atlas.canvas(opts.pixels if fmt == "png" else 0):
            return _image(atlas, snap, view, fmt, opts)

    return atlas.memo(snap, f"export-{fmt}-{opts.model_dump_json()}", view, build, download=True)


def _image(atlas: Atlas, snap: Snapshot, view: MapView, fmt: Format, opts: ExportOptions) -> bytes:
    if frames.resolve(atlas, snap, view).style != "symbols":
        return render(export_data(atlas, snap, view), fmt, opts)
    fig, title = symbol_figure(atlas, snap, view, opts)
    return save(fig, fmt, opts.scale, title)


def symbol_figure(atlas: Atlas, snap: Snapshot, view: MapView, opts: ExportOptions) -> tuple[Figure, str]:
    """The view as proportional circles over quietly filled units (no colour classes), with the circles' key."""
    data = export_data(atlas, snap, view)
    circles = symbol_points(data.frame)
    data = replace(data, frame=base_fills(data.frame), classes=None, fills=[])
    fig = figure(data, opts)
    draw_symbols(map_axes(fig), projected(circles), data.unit, 11 * min(opts.width, opts.height) / 900)
    return fig, data.title


def table_file(atlas: Atlas, snap: Snapshot, view: MapView, fmt: Literal["csv", "xlsx"]) -> bytes:
    """The values behind the view as CSV or XLSX."""
    df = atlas.memo(snap, "table", view, lambda: table(atlas, snap, view))
    return to_csv(df) if fmt == "csv" else to_xlsx(df)


def view_file(atlas: Atlas, snap: Snapshot, view: MapView, fmt: Literal["png", "svg", "pdf", "csv", "xlsx"],
              opts: ExportOptions) -> bytes:
    """A download of the view: the map as an image, or the values as a table."""
    if fmt == "csv" or fmt == "xlsx":
        return table_file(atlas, snap, view, fmt)
    return image_file(atlas, snap, view, fmt, opts)
