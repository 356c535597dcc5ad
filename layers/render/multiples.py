"""Small multiples: one small map per year on one page, one classification and one legend for all of them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from layers.core.i18n import t
from layers.render.image import (
    BASE_DPI,
    DRAFT_COLOUR,
    DRAFT_MARK,
    ExportOptions,
    Format,
    cjk_family,
    footer_text,
    projected,
    save,
)
from layers.render.legend import class_labels
from layers.render.palettes import NO_DATA_FILL, NO_DATA_SWATCH, OUTLINE
from layers.stats.classify import Classes

MAX_PANELS = 16


@dataclass
class Panel:
    """One year's map: the units with their fill (from the shared classes) and how many have no value."""

    year: int
    frame: gpd.GeoDataFrame  # WGS84 units with value and fill (hex, or NO_DATA_FILL)
    illustrative: bool = False


@dataclass
class Multiples:
    """Everything the page shows, already in its language: the panels, the one set of classes and their words."""

    panels: list[Panel]
    classes: Classes | None
    fills: list[str]
    title: str
    legend_title: str
    sources: list[str]
    lang: str = "zh"
    notes: list[str] = field(default_factory=list)
    generated: date = field(default_factory=date.today)
    approval: str = ""  # 审图号, printed like every other map's
    draft: bool = False  # drawn from a draft preview: marked across the page

    @property
    def illustrative(self) -> bool:
        """Whether any panel shows a made-up value: the page is then watermarked."""
        return any(p.illustrative for p in self.panels)


def grid(n: int, width: float, height: float, aspect: float) -> tuple[int, int]:
    """Columns and rows for n panels that draw each map largest (aspect: the map's width over its height)."""
    def scale(cols: int) -> tuple[float, int]:
        rows = math.ceil(n / cols)
        return min(width / cols, height / rows * aspect), -(cols * rows - n)  # map width; fewer empty cells

    cols = max(range(1, n + 1), key=scale)
    return cols, math.ceil(n / cols)


def draw_panel(ax: Axes, panel: Panel, size: float, bounds: tuple[float, float, float, float]) -> None:
    """One year: units filled by the shared classes, no data flat grey, thin outlines, the year above it."""
    units = projected(panel.frame)
    missing = units["fill"] == NO_DATA_FILL
    if missing.any():
        units[missing].plot(ax=ax, color=NO_DATA_FILL, linewidth=0)  # flat grey, as on the live map
    if (~missing).any():
        units[~missing].plot(ax=ax, color=list(units.loc[~missing, "fill"]), linewidth=0)
    units.boundary.plot(ax=ax, color=OUTLINE, linewidth=0.25)
    minx, miny, maxx, maxy = bounds
    pad = 0.02 * max(maxx - minx, maxy - miny)
    ax.set_xlim(minx - pad, maxx + pad)
    ax.set_ylim(miny - pad, maxy + pad)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(str(panel.year) + (" *" if panel.illustrative else ""), fontsize=size, fontweight="bold", pad=2)


def legend_handles(data: Multiples) -> list[Patch]:
    """The one legend: a row per class, then no data."""
    handles = []
    if data.classes is not None:
        handles = [Patch(facecolor=f, edgecolor="#777777", linewidth=0.5, label=lab)
                   for f, lab in zip(data.fills, class_labels(data.classes), strict=True)]
    if any((p.frame["fill"] == NO_DATA_FILL).any() for p in data.panels):
        handles.append(Patch(facecolor=NO_DATA_SWATCH, edgecolor="#777777", linewidth=0.5,
                             label=t("no_data", data.lang)))
    return handles


def figure(data: Multiples, opts: ExportOptions) -> Figure:
    """The page: title, a grid of year maps, one legend under them, sources and date, the watermark if needed."""
    family = cjk_family()
    # The Agg canvas is attached only once everything is placed: GeoPandas asks the canvas to redraw after each
    # layer it plots, which with Agg attached redraws the whole page every time (5 s instead of 1 for 8 panels).
    fig = Figure(figsize=(opts.width / BASE_DPI, opts.height / BASE_DPI), dpi=BASE_DPI, facecolor="white")
    w_in, h_in = opts.width / BASE_DPI, opts.height / BASE_DPI
    with rc_context({"font.family": [family, "DejaVu Sans"], "hatch.linewidth": 0.6}):
        unit = min(opts.width, opts.height) / 900
        title_pt, small_pt, legend_pt = 20 * unit, 9 * unit, 10 * unit
        footer = footer_text(data.sources, data.lang, data.illustrative, data.approval, data.generated, data.notes)
        top_in = (title_pt * 2.4 + 14 * unit * (int(data.illustrative) + int(data.draft))) / 72
        legend_in = (legend_pt * 2 * 1.6 + 16) / 72
        bottom_in = (len(footer) * small_pt * 1.6 + 8) / 72 + legend_in
        n = len(data.panels)
        bounds = tuple(projected(data.panels[0].frame).total_bounds) if n else (0.0, 0.0, 1.0, 1.0)
        aspect = (bounds[2] - bounds[0]) / ((bounds[3] - bounds[1]) or 1.0)
        cols, rows = grid(n, w_in * 0.98, (h_in - top_in - bottom_in) * 0.9, aspect)
        cell_w, cell_h = 0.98 / cols, (1 - (top_in + bottom_in) / h_in) / rows
        for i, panel in enumerate(data.panels):
            r, c = divmod(i, cols)
            ax = fig.add_axes((0.01 + c * cell_w, 1 - top_in / h_in - (r + 1) * cell_h, cell_w * 0.96,
                               cell_h * 0.9), label=f"year-{panel.year}")
            draw_panel(ax, panel, 12 * unit, bounds)  # type: ignore[arg-type]
        handles = legend_handles(data)
        if handles:
            title = data.legend_title or None
            anchor = (0.02, (bottom_in - legend_in + 1 / 36) / h_in)
            fig.legend(handles=handles, loc="lower left", bbox_to_anchor=anchor,
                       ncols=min(len(handles), 6), title=title, fontsize=legend_pt, title_fontsize=legend_pt,
                       frameon=False, alignment="left", handlelength=1.6)
        fig.text(0.02, 1 - 0.4 * title_pt / 72 / h_in, data.title, fontsize=title_pt, fontweight="bold",
                 va="top", ha="left")
        if data.illustrative:
            fig.text(0.02, 1 - (title_pt * 1.9) / 72 / h_in, "⚠ " + t("illustrative", data.lang) + " (*)",
                     fontsize=11 * unit, color="#5c4500", va="top", ha="left",
                     bbox={"facecolor": "#fff3cd", "edgecolor": "#c9a227", "boxstyle": "square,pad=0.25"})
            fig.text(0.5, 0.5, t("illustrative", data.lang), fontsize=44 * unit, color="#c9a227", alpha=0.22,
                     rotation=28, ha="center", va="center", fontweight="bold", zorder=10)
        if data.draft:
            fig.text(0.5, 0.5, DRAFT_MARK, fontsize=30 * unit, color=DRAFT_COLOUR, alpha=0.25, rotation=-28,
                     ha="center", va="center", fontweight="bold", zorder=10)
            below = title_pt * 1.9 + (14 * unit if data.illustrative else 0)
            fig.text(0.02, 1 - below / 72 / h_in, DRAFT_MARK, fontsize=11 * unit, color="#7a1212",
                     va="top", ha="left", fontweight="bold",
                     bbox={"facecolor": "#fde8e8", "edgecolor": DRAFT_COLOUR, "boxstyle": "square,pad=0.25"})
        for i, line in enumerate(footer):
            fig.text(0.02, ((len(footer) - i) * small_pt * 1.6 - small_pt + 4) / 72 / h_in, line,
                     fontsize=small_pt, color="#444444", va="bottom", ha="left")
    FigureCanvasAgg(fig)
    return fig


def render(data: Multiples, fmt: Format, opts: ExportOptions | None = None) -> bytes:
    """The small multiples as PNG, SVG or PDF bytes."""
    opts = opts or ExportOptions()
    return save(figure(data, opts), fmt, opts.scale, data.title)
