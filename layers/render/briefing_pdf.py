"""The one-page briefing: key figures against the plan's targets, and the same page as a PDF.

The PDF is laid out in measured text on A4 with 14 mm margins (12 mm is the least a printer and a reader need):
every cell wraps to its column, so long names are wrapped, never cut, and nothing runs to the paper's edge.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import pandas as pd
from matplotlib import rc_context
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from layers.core.fmt import number
from layers.core.i18n import t
from layers.render.image import (
    DRAFT_COLOUR,
    DRAFT_MARK,
    ExportData,
    cjk_family,
    draft_band,
    footer_lines,
    place_map,
    watermark,
)
from layers.render.textfit import Measure, canvas, measure_for, stack, stack_up

A4 = (8.27, 11.69)
DPI = 100
MARGIN_MM = 14.0
RULE = "#dddddd"


def margin_px() -> float:
    """The page margin in pixels of the briefing's figures."""
    return MARGIN_MM / 25.4 * DPI


def briefing_figures(data: ExportData, ranking: pd.DataFrame, figures: list[dict[str, object]], heading: str,
                     value_label: str) -> list[Figure]:
    """Page 1: the map, top and bottom of the ranking, key figures, sources; page 2: the whole ranking."""
    family = cjk_family()
    lang = data.lang
    pages = []
    with rc_context({"font.family": [family, "DejaVu Sans"], "hatch.linewidth": 0.6}):
        fig = _page()
        m = measure_for(fig, [family, "DejaVu Sans"])
        W, H, mg = fig.bbox.width, fig.bbox.height, margin_px()
        width = W - 2 * mg
        top = stack(fig, m, m.wrap(heading, 9, width), mg, H - mg, 9, color="#555555")
        top = stack(fig, m, m.wrap(data.title, 15, width, "bold"), mg, top - 2, 15, fontweight="bold")
        if data.illustrative:
            top = stack(fig, m, m.wrap("⚠ " + t("illustrative", lang), 8.5, width), mg + 3, top - 4, 8.5,
                        color="#5c4500", bbox={"facecolor": "#fff3cd", "edgecolor": "#c9a227",
                                               "boxstyle": "square,pad=0.2"}) - 4
        if data.draft:
            top = draft_band(fig, m, mg, top, width, 8.5)
        foot = footer_lines(data)
        bottom = _page_number(fig, m, 1, lang)
        bottom = stack_up(fig, m, [w for line in foot for w in m.wrap(line, 6, width)], mg, bottom + 4, 6,
                          color="#444444")
        map_bottom = top - 0.36 * H
        ax = place_map(fig, m, data, (mg, map_bottom, W - mg, top - 4), 7)
        if data.illustrative:
            watermark(m, ax, t("illustrative", lang), 24)
        if data.draft:
            watermark(m, ax, DRAFT_MARK, 24, DRAFT_COLOUR, -28)
        heads = [t("rank", lang), t("region", lang), value_label]
        top_rows = ranking.head(10)
        rest = ranking.iloc[len(top_rows):]
        low = rest[rest["value"].notna()].tail(5)
        y = map_bottom - 10
        half = (width - 16) / 2
        y_left, _ = _table(fig, m, (mg, y, mg + (half if len(low) else width)), t("top_units", lang, n=len(top_rows)),
                           heads, [_rank_row(r, lang) for _, r in top_rows.iterrows()], 6.5, (0.14, 0.56, 0.30))
        y_right = y
        if len(low):
            y_right, _ = _table(fig, m, (W - mg - half, y, W - mg), t("bottom_units", lang, n=len(low)), heads,
                                [_rank_row(r, lang) for _, r in low.iterrows()], 6.5, (0.14, 0.56, 0.30))
        rows = [[f"{r['name']}（{r['unit']}）" if lang == "zh" else f"{r['name']} ({r['unit']})",
                 f"{r['target']} ({r['target_year']})",
                 f"{r['value_text']} ({r['as_of'] or r['value_year']})" if r["value"] is not None else str(r["reason"]),
                 (f"{r['progress']:.0f}% " if r["progress"] is not None and r["verdict"] != "not_assessable" else "")
                 + str(r["status"])] for r in figures]
        head = [t("indicator", lang), t("target", lang), t("judged_on", lang), t("verdict", lang)]
        key_widths = (0.38, 0.13, 0.31, 0.18)
        _, later = _table(fig, m, (mg, min(y_left, y_right) - 12, W - mg), t("key_figures", lang), head, rows, 6,
                          key_widths, floor=bottom + 8)  # rows that do not fit continue on page 2
        pages.append(fig)

        fig2 = _page()
        m2 = measure_for(fig2, [family, "DejaVu Sans"])
        top = stack(fig2, m2, m2.wrap(data.title, 12, width, "bold"), mg, H - mg, 12, fontweight="bold")
        if data.draft:
            top = draft_band(fig2, m2, mg, top, width, 8.5)
        if later:
            top, _ = _table(fig2, m2, (mg, top - 8, W - mg), t("key_figures", lang) + " …", head, later, 6,
                            key_widths)
        rows2 = [[number(r["rank"]), _name(r, lang), number(r["value"]),
                  number(r["change"]) if r["change"] == r["change"] else "—",
                  number(r["per_10k"]) if r["per_10k"] == r["per_10k"] else "—"] for _, r in ranking.iterrows()]
        heads2 = [t("rank", lang), t("region", lang), value_label, t("change", lang), t("per_10k", lang)]
        half_rows = math.ceil(len(rows2) / 2)
        bottom2 = _page_number(fig2, m2, 2, lang)
        widths = (0.11, 0.39, 0.18, 0.16, 0.16)
        size = 6.2
        while size > 4.5 and _table_height(m2, half, heads2, rows2[:half_rows], size, widths) > top - 8 - bottom2:
            size -= 0.2
        _table(fig2, m2, (mg, top - 8, mg + half), "", heads2, rows2[:half_rows], size, widths, floor=bottom2)
        if rows2[half_rows:]:
            _table(fig2, m2, (W - mg - half, top - 8, W - mg), "", heads2, rows2[half_rows:], size, widths,
                   floor=bottom2)
        pages.append(fig2)
    return pages


def briefing_pdf(data: ExportData, ranking: pd.DataFrame, figures: list[dict[str, object]], heading: str,
                 value_label: str) -> bytes:
    """An A4 PDF: page 1 the map, top of the ranking and key figures; page 2 the whole ranking and sources."""
    family = cjk_family()
    buf = io.BytesIO()
    pages = briefing_figures(data, ranking, figures, heading, value_label)
    with rc_context({"font.family": [family, "DejaVu Sans"], "pdf.fonttype": 3}), \
            PdfPages(buf, metadata={"Title": data.title, "Creator": "Gansu IP Map"}) as pdf:
        for fig in pages:
            pdf.savefig(fig)
    return buf.getvalue()


def _page() -> Figure:
    return canvas(Figure(figsize=A4, dpi=DPI))


def _page_number(fig: Figure, m: Measure, n: int, lang: str) -> float:
    """The page number at the bottom right inside the margin; returns the top of its line."""
    W, H, mg = fig.bbox.width, fig.bbox.height, margin_px()
    fig.text((W - mg) / W, mg / H, t("page", lang, n=n), fontsize=7, color="#777777", ha="right", va="bottom")
    return mg + m.line_height(7)


def _name(r: pd.Series, lang: str) -> str:
    return str(r["name_en"] if lang == "en" else r["name_zh"])


def _rank_row(r: pd.Series, lang: str) -> list[str]:
    return [number(r["rank"]), _name(r, lang), number(r["value"])]


def _cells(m: Measure, width: float, head: Sequence[str], rows: Sequence[Sequence[str]], size: float,
           widths: Sequence[float]) -> list[list[list[str]]]:
    pad = 4.0
    return [[m.wrap(str(cell), size, max(w * width - 2 * pad, 10)) for cell, w in zip(row, widths, strict=True)]
            for row in [list(head), *rows]]


def _table_height(m: Measure, width: float, head: Sequence[str], rows: Sequence[Sequence[str]], size: float,
                  widths: Sequence[float]) -> float:
    cells = _cells(m, width, head, rows, size, widths)
    return sum(max(len(c) for c in row) * m.line_height(size) + 3 for row in cells) + m.line_height(size + 2)


def _table(fig: Figure, m: Measure, box: tuple[float, float, float], title: str, head: Sequence[str],
           rows: Sequence[Sequence[str]], size: float, widths: Sequence[float], floor: float = 0.0
           ) -> tuple[float, list[Sequence[str]]]:
    """A plain table from the top of a box (x0, top, x1 in pixels): title, a header row, one rule per row; every
    cell wrapped to its column, numbers right-aligned; rows stop above `floor`. Returns the bottom of the table
    and the rows left over."""
    x0, y, x1 = box
    W, H = fig.bbox.width, fig.bbox.height
    width = x1 - x0
    if title:
        y = stack(fig, m, m.wrap(title, size + 2, width, "bold"), x0, y, size + 2, fontweight="bold") - 2
    if not rows:
        return y, []
    cells = _cells(m, width, head, rows, size, widths)
    lefts = [x0 + sum(widths[:i]) * width for i in range(len(widths))]
    numeric = [all(_is_number(r[i]) for r in rows) for i in range(len(widths))]
    for n, row in enumerate(cells):
        height = max(len(c) for c in row) * m.line_height(size) + 3
        if n and y - height < floor:
            return y, list(rows[n - 1:])
        for i, lines in enumerate(row):
            if numeric[i] and n:
                right = lefts[i] + widths[i] * width - 4
                for k, line in enumerate(lines):
                    fig.text(right / W, (y - 1.5 - k * m.line_height(size)) / H, line, fontsize=size, va="top",
                             ha="right")
            else:
                stack(fig, m, lines, lefts[i] + 4, y - 1.5, size, fontweight="bold" if n == 0 else "normal")
        y -= height
        fig.add_artist(Line2D([x0 / W, x1 / W], [y / H] * 2, transform=fig.transFigure, color=RULE,
                              linewidth=0.8 if n == 0 else 0.4))
    return y, []


def _is_number(text: str) -> bool:
    return bool(text) and all(ch.isdigit() or ch in ",.−-+—%" for ch in str(text))
