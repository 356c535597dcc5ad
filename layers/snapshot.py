"""A view gathered for static output (image export, tables, briefing): data from the atlas, text in its language."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import pandas as pd

from layers.choropleth import classify_frame
from layers.export import ExportData, Overlay, ZoneLayer
from layers.i18n import t
from layers.mapnotes import map_notes
from layers.ranking import ranking_for
from layers.store import plain_row
from layers.view import MapView
from layers.zone_layer import STYLES
from layers.zones import ZONE_TYPES

if TYPE_CHECKING:  # typing only
    from layers.atlas import Atlas

EXPORT_LOD = 1  # finer than the web map: print resolution
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_data(atlas: Atlas, view: MapView) -> ExportData:
    """The view's units, classes and words, ready for layers.export: the same classes the live map draws."""
    # Same values, scheme and k as the live map, so the same classes; only the outlines are finer.
    rv, frame = atlas.frame(view.model_copy(update={"lod": view.lod if view.lod is not None else EXPORT_LOD}))
    frame, classes, fills = classify_frame(frame, view.scheme, view.k, centre=rv.indicator.centre)
    lang = view.lang
    notes = map_notes(rv.indicator, view.level, atlas.catalogue, lang)
    overlays = []
    if view.region and (frame["adcode"] == view.region).any():  # the selected unit, outlined as on the page
        sel = frame[frame["adcode"] == view.region].iloc[0]
        overlays.append(Overlay(frame[frame["adcode"] == view.region].geometry,
                                str(sel["name_en"] if lang == "en" else sel["name_zh"])))
    return ExportData(
        zones=zone_layer(atlas, view, frame) if view.zones else None,
        overlays=overlays, frame=frame, classes=classes, fills=fills, title=atlas.title(rv),
        legend_title=rv.indicator.name_en if lang == "en" else rv.indicator.name_zh,
        unit=rv.indicator.unit_en if lang == "en" else rv.indicator.unit,
        sources=sorted(set(frame["source"].dropna())), lang=lang, illustrative=bool(frame["illustrative"].any()),
        notes=notes, neighbours=atlas.boundaries.neighbours(),
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


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) get a leading apostrophe."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = [f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_START) else v for v in out[col]]
    return out


def table(atlas: Atlas, view: MapView) -> pd.DataFrame:
    """The values behind a view, one row per unit, with change, per-10k, share and source; headers in its language."""
    rv, base, rows = ranking_for(atlas, view)
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


def to_csv(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, so Excel on Chinese Windows reads the names right; formulas neutralised.

    CRLF line ends (RFC 4180, Excel's own) also make the writer quote any cell holding a CR: unquoted, a CR would
    start a new row, and a formula after it would be a cell start again.
    """
    return neutralise(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx(df: pd.DataFrame, sheet: str = "data") -> bytes:
    """An .xlsx workbook of the table; formula-looking text neutralised and written as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook starts with one worksheet
    ws.title = sheet[:31]
    safe = neutralise(df)
    ws.append([str(c) for c in safe.columns])
    for row in safe.itertuples(index=False):
        ws.append(list(plain_row(row)))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
