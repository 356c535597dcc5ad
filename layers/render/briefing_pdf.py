"""The one-page briefing: key figures against the plan's targets, and the same page as a PDF."""

from __future__ import annotations

import io
import math

import pandas as pd
from matplotlib import rc_context
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from layers.core.fmt import number
from layers.core.i18n import t
from layers.render.image import ExportData, cjk_family, draw_map, footer_lines

A4 = (8.27, 11.69)


def briefing_pdf(data: ExportData, ranking: pd.DataFrame, figures: list[dict[str, object]], heading: str,
                 value_label: str) -> bytes:
    """An A4 PDF: page 1 the map, top of the ranking and key figures; page 2 the whole ranking and sources."""
    family = cjk_family()
    lang = data.lang
    buf = io.BytesIO()
    with rc_context({"font.family": [family, "DejaVu Sans"], "pdf.fonttype": 3, "hatch.linewidth": 0.6}), \
            PdfPages(buf, metadata={"Title": data.title, "Creator": "Gansu IP Map"}) as pdf:
        fig = Figure(figsize=A4)
        fig.text(0.06, 0.965, heading, fontsize=10, color="#555555", va="top")
        fig.text(0.06, 0.945, data.title, fontsize=16, fontweight="bold", va="top")
        if data.illustrative:
            fig.text(0.06, 0.918, "⚠ " + t("illustrative", lang), fontsize=9, color="#5c4500", va="top",
                     bbox={"facecolor": "#fff3cd", "edgecolor": "#c9a227", "boxstyle": "square,pad=0.2"})
        ax = fig.add_axes((0.04, 0.50, 0.92, 0.40), label="map")
        draw_map(ax, data, legend_size=7)
        if data.illustrative:
            ax.text(0.5, 0.5, t("illustrative", lang), transform=ax.transAxes, fontsize=28, color="#c9a227",
                    alpha=0.22, rotation=28, ha="center", va="center", fontweight="bold", zorder=10)
        top = ranking.head(10)
        _table(fig, (0.06, 0.285, 0.42, 0.2), t("top_units", lang, n=len(top)),
               [t("rank", lang), t("region", lang), value_label],
               [[number(r["rank"]), _name(r, lang), number(r["value"])] for _, r in top.iterrows()])
        rest = ranking.iloc[len(top):]
        bottom = rest[rest["value"].notna()].tail(5)
        if len(bottom):
            _table(fig, (0.54, 0.285, 0.40, 0.2), t("bottom_units", lang, n=len(bottom)),
                   [t("rank", lang), t("region", lang), value_label],
                   [[number(r["rank"]), _name(r, lang), number(r["value"])] for _, r in bottom.iterrows()])
        _table(fig, (0.06, 0.085, 0.88, 0.165), t("key_figures", lang),
               [t("indicator", lang), t("target", lang), t("judged_on", lang), t("verdict", lang)],
               [[f"{r['name']}（{r['unit']}）" if lang == "zh" else f"{r['name']} ({r['unit']})",
                 f"{r['target']} ({r['target_year']})",
                 f"{r['value_text']} ({r['as_of'] or r['value_year']})" if r["value"] is not None else str(r["reason"]),
                 (f"{r['progress']:.0f}% " if r["progress"] is not None and r["verdict"] != "not_assessable" else "")
                 + str(r["status"])] for r in figures],
               widths=(0.40, 0.12, 0.34, 0.14), size=5.5)
        for i, line in enumerate(footer_lines(data)):
            fig.text(0.06, 0.065 - i * 0.014, line, fontsize=5.5, color="#444444", va="top", wrap=True)
        fig.text(0.94, 0.02, t("page", lang, n=1), fontsize=7, color="#777777", ha="right")
        pdf.savefig(fig)

        fig2 = Figure(figsize=A4)
        fig2.text(0.06, 0.965, data.title, fontsize=12, fontweight="bold", va="top")
        rows = [[number(r["rank"]), _name(r, lang), number(r["value"]),
                 number(r["change"]) if r["change"] == r["change"] else "—",
                 number(r["per_10k"]) if r["per_10k"] == r["per_10k"] else "—"] for _, r in ranking.iterrows()]
        half = math.ceil(len(rows) / 2)
        heads = [t("rank", lang), t("region", lang), value_label, t("change", lang), t("per_10k", lang)]
        _table(fig2, (0.04, 0.08, 0.45, 0.86), "", heads, rows[:half], size=6.2)
        if rows[half:]:
            _table(fig2, (0.51, 0.08, 0.45, 0.86), "", heads, rows[half:], size=6.2)
        fig2.text(0.94, 0.02, t("page", lang, n=2), fontsize=7, color="#777777", ha="right")
        pdf.savefig(fig2)
    return buf.getvalue()


def _name(r: pd.Series, lang: str) -> str:
    return str(r["name_en"] if lang == "en" else r["name_zh"])


def _table(fig: Figure, box: tuple[float, float, float, float], title: str, head: list[str],
           rows: list[list[str]], size: float = 7.0, widths: tuple[float, ...] | None = None) -> None:
    """A plain table in a box of the figure, title above, text left, numbers right."""
    ax = fig.add_axes(box)
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=size + 2, loc="left", fontweight="bold")
    if not rows:
        return
    n = len(rows) + 1
    h = min(1 / n, 0.06)
    tbl = ax.table(cellText=rows, colLabels=head, loc="upper left", cellLoc="left", colLoc="left",
                   bbox=(0, 1 - h * n, 1, h * n),  # type: ignore[arg-type]  # matplotlib takes a list too
                   colWidths=list(widths) if widths else None)
    tbl.auto_set_font_size(False)
    tbl.set_fontsize(size)
    for (r, _c), cell in tbl.get_celld().items():
        cell.set_edgecolor("#dddddd")
        cell.set_linewidth(0.4)
        if r == 0:
            cell.set_facecolor("#f0f3f6")
