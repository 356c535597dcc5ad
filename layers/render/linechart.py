"""Several regions over the years as one line chart: inline SVG for the page and the SVG export, matplotlib for PNG.

Both drawings read the same `LineChart`, already in the reader's language. A line joins a region's values of one
provenance kind: an illustrative point is never on the same line as a real one. Years without a value are stepped
over (each value has its own mark, so a reader sees which years exist). A plan target is a mark on its own year,
never a line across years.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from layers.core.fmt import decimals_for, esc, number

# Okabe-Ito, colour-blind safe, without the yellow that vanishes on white; then two dark ones.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8C510A")
MAX_LINES = len(COLOURS)
TARGET = "#b35806"
MADE_UP = ("illustrative", "computed_illustrative")
COMPUTED = ("computed", "computed_illustrative")
WIDTH, HEIGHT = 880, 460
LEFT, RIGHT, TOP = 72, 190, 64


@dataclass(frozen=True)
class Point:
    """One year's value of one region, with what it is (published, computed, illustrative...) and its source."""

    year: int
    value: float
    provenance: str
    source: str

    @property
    def made_up(self) -> bool:
        """Illustrative, or computed from anything illustrative."""
        return self.provenance in MADE_UP


@dataclass(frozen=True)
class Line:
    """A region's points, oldest first."""

    adcode: str
    name: str
    points: tuple[Point, ...]

    @property
    def made_up(self) -> bool:
        """Whether any point of the region is illustrative."""
        return any(p.made_up for p in self.points)


@dataclass(frozen=True)
class TargetMark:
    """A plan target for one region on the chart's quantity: drawn on its own year only."""

    adcode: str
    year: int
    value: float
    label: str


@dataclass
class LineChart:
    """Everything the chart shows, already in its language: no lookups happen while drawing."""

    title: str
    unit: str
    lines: list[Line]
    words: dict[str, str]  # provenance labels (prov_*), "target", "illustrative", "log_note", "source", "no_data"
    source_line: str = ""  # "来源：…" in words (layers.core.sources): what the reader is told, detail on /sources
    targets: list[TargetMark] = field(default_factory=list)
    log: bool = False
    missing: list[str] = field(default_factory=list)  # regions asked for with no value at all

    def drawn(self, p: Point) -> bool:
        """Whether a point can be placed (a log axis has no place for zero or less)."""
        return p.value > 0 or not self.log

    def points(self) -> list[tuple[Line, Point]]:
        """Every placeable point with its line."""
        return [(ln, p) for ln in self.lines for p in ln.points if self.drawn(p)]

    def hidden(self) -> int:
        """Points a log axis leaves out (zero or negative)."""
        return sum(1 for ln in self.lines for p in ln.points if not self.drawn(p))

    @property
    def illustrative(self) -> bool:
        """Whether any line holds an illustrative point: the chart is then watermarked."""
        return any(ln.made_up for ln in self.lines)

    def years(self) -> tuple[int, int]:
        """First and last year on the axis (targets included)."""
        ys = [p.year for _, p in self.points()] + [t.year for t in self.targets]
        return (min(ys), max(ys)) if ys else (2020, 2021)


def runs(points: tuple[Point, ...] | list[Point]) -> list[list[Point]]:
    """Stretches of one kind (real or illustrative): what one stroke may join; a change of kind breaks the line."""
    out: list[list[Point]] = []
    for p in points:
        last = out[-1][-1] if out else None
        if last is not None and p.made_up == last.made_up:
            out[-1].append(p)
        else:
            out.append([p])
    return out


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering lo..hi (1, 2 or 5 times a power of ten apart)."""
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks = []
    v = start
    while v < hi + step * 0.999:
        ticks.append(round(v, 10))
        v += step
    return ticks


def log_ticks(lo: float, hi: float) -> list[float]:
    """Powers of ten covering lo..hi, with 2 and 5 between them when the range spans under three decades."""
    a, b = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    if a == b:
        b += 1
    mults = (1,) if b - a >= 3 else (1, 2, 5)
    ticks = [m * 10.0**e for e in range(a, b + 1) for m in mults]
    return [t for t in ticks if 10.0**a <= t <= 10.0**b]


def y_axis(chart: LineChart) -> tuple[float, float, list[float]]:
    """Bottom, top and ticks of the value axis: from zero on a linear axis, whole decades on a log one."""
    vals = [p.value for _, p in chart.points()] + [t.value for t in chart.targets if chart.drawn(
        Point(t.year, t.value, "published", ""))]
    if not vals:
        return (1.0, 10.0, [1.0, 10.0]) if chart.log else (0.0, 1.0, [0.0, 0.5, 1.0])
    if chart.log:
        ticks = log_ticks(min(vals), max(vals))
        return ticks[0], ticks[-1], ticks
    ticks = nice_ticks(min(0.0, min(vals)), max(vals))
    return ticks[0], ticks[-1], ticks


def tick_label(tick: float, ticks: list[float], log: bool) -> str:
    """A tick's number: as many decimals as the axis needs (0.1 on a log axis stays 0.1, not 0)."""
    if log and 0 < tick < 1:
        return number(tick, -math.floor(math.log10(tick)))
    return number(tick, decimals_for(ticks))


def text_width(text: str, size: float) -> float:
    """Rough width of a line of text in pixels: CJK full width, Latin about half."""
    return sum(size if ord(c) > 0x2E80 else size * 0.56 for c in text)


def wrap(text: str, size: float, width: float) -> list[str]:
    """Break a long line (a sources line) into lines no wider than `width` pixels."""
    out, cur = [], ""
    for c in text:
        if text_width(cur + c, size) > width and cur:
            out.append(cur)
            cur = ""
        cur += c
    return [*out, cur] if cur else out


def spread(ys: list[float], gap: float, lo: float, hi: float) -> list[float]:
    """Label positions near `ys` (same order) at least `gap` apart, kept within lo..hi."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    placed = [0.0] * len(ys)
    prev = lo - gap
    for i in order:
        placed[i] = max(ys[i], prev + gap)
        prev = placed[i]
    overflow = prev - hi
    if overflow > 0:  # pushed past the bottom: shift the whole stack up
        for i in order:
            placed[i] -= overflow
    return placed


def marker_svg(x: float, y: float, p: Point, colour: str, title: str, attrs: str) -> str:
    """A point's mark: filled for real values, hollow for illustrative; a circle if published, a square if
    computed."""
    fill = "#ffffff" if p.made_up else colour
    common = f'fill="{fill}" stroke="{colour}" stroke-width="1.6" {attrs}'
    if p.provenance in COMPUTED:
        shape = f'<rect x="{x - 3.6:.1f}" y="{y - 3.6:.1f}" width="7.2" height="7.2" {common}>'
        return f"{shape}<title>{esc(title)}</title></rect>"
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" {common}><title>{esc(title)}</title></circle>'


def point_title(chart: LineChart, line: Line, p: Point, d: int) -> str:
    """What hovering a point says: region, year, value with unit, what kind of value, and its source."""
    colon = ": " if chart.words.get("lang") == "en" else "："
    return (f"{line.name} · {p.year}{colon}{number(p.value, d)} {chart.unit}"
            f" ({chart.words.get('prov_' + p.provenance, p.provenance)}) · {chart.words['source']}{colon}{p.source}")


def svg(chart: LineChart, width: int = WIDTH, height: int = HEIGHT) -> str:
    """The chart as standalone SVG: one line per region, marks per point, hover titles, targets, key and sources."""
    size = 12
    foot = [chart.source_line or f"{chart.words['source']}{chart.words.get('colon', '：')}—"]
    if chart.log:
        foot.append(chart.words["log_note"] + (f" {chart.words['hidden'].format(n=chart.hidden())}"
                                               if chart.hidden() else ""))
    if chart.missing:
        foot.append(f"{chart.words['no_data']}{chart.words.get('colon', '：')}{'、'.join(chart.missing)}")
    foot_lines = [ln for f in foot for ln in wrap(f, 10.5, width - LEFT - 16)]
    bottom = 52 + 15 * len(foot_lines)
    top = TOP + (20 if chart.illustrative else 0)
    x0, x1, y0, y1 = LEFT, width - RIGHT, height - bottom, top
    yr_lo, yr_hi = chart.years()
    if yr_lo == yr_hi:
        yr_lo, yr_hi = yr_lo - 1, yr_hi + 1
    lo, hi, ticks = y_axis(chart)

    def x(yr: float) -> float:
        return x0 + (yr - yr_lo) / (yr_hi - yr_lo) * (x1 - x0)

    tf: Callable[[float], float] = (lambda v: math.log10(v)) if chart.log else (lambda v: v)

    def y(v: float) -> float:
        return y0 - (tf(v) - tf(lo)) / ((tf(hi) - tf(lo)) or 1.0) * (y0 - y1)

    d = decimals_for([p.value for _, p in chart.points()] or [0.0])
    label = esc(chart.title)
    out = [f'<svg class="ipmap-linechart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-label="{label}" '
           'font-family="\'Noto Sans CJK SC\', \'Noto Sans SC\', \'Microsoft YaHei\', sans-serif">'
           f'<title>{label}</title><rect width="{width}" height="{height}" fill="#ffffff"/>',
           f'<text x="{LEFT}" y="24" font-size="17" font-weight="700" fill="#1a1a1a">{label}</text>',
           f'<text x="{LEFT}" y="44" font-size="{size}" fill="#555555">{esc(chart.unit)}'
           f'{" · " + esc(chart.words["log_scale"]) if chart.log else ""}</text>']
    if chart.illustrative:
        out.append(f'<text x="{LEFT}" y="64" font-size="{size}" fill="#5c4500" class="ipmap-illustrative">'
                   f'⚠ {esc(chart.words["illustrative"])}</text>'
                   f'<text x="{(x0 + x1) / 2:.0f}" y="{(y0 + y1) / 2:.0f}" font-size="40" font-weight="700" '
                   f'fill="#c9a227" fill-opacity="0.18" text-anchor="middle" transform="rotate(-18 {(x0 + x1) / 2:.0f} '
                   f'{(y0 + y1) / 2:.0f})" pointer-events="none">{esc(chart.words["illustrative"])}</text>')
    for tick in ticks:
        out.append(f'<line x1="{x0}" y1="{y(tick):.1f}" x2="{x1}" y2="{y(tick):.1f}" stroke="#e6e6e6"/>'
                   f'<text x="{x0 - 8}" y="{y(tick) + 4:.1f}" font-size="11" text-anchor="end" fill="#555555">'
                   f"{esc(tick_label(tick, ticks, chart.log))}</text>")
    out.append(f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="#888888"/>')
    step = max(1, math.ceil((yr_hi - yr_lo + 1) / 12))
    for yr in range(yr_lo, yr_hi + 1, step):
        out.append(f'<text x="{x(yr):.1f}" y="{y0 + 18}" font-size="11" text-anchor="middle" fill="#555555">'
                   f"{yr}</text>")
    for t in chart.targets:
        if not chart.drawn(Point(t.year, t.value, "published", "")):
            continue
        tx, ty = x(t.year), y(t.value)
        out.append(f'<g class="ipmap-target" data-year="{t.year}" data-value="{t.value!r}" data-adcode="{t.adcode}">'
                   f'<line x1="{tx - 16:.1f}" y1="{ty:.1f}" x2="{tx + 16:.1f}" y2="{ty:.1f}" stroke="{TARGET}" '
                   f'stroke-width="2" stroke-dasharray="4 3"/>'
                   f'<path d="M{tx:.1f} {ty - 6:.1f} L{tx + 6:.1f} {ty:.1f} L{tx:.1f} {ty + 6:.1f} '
                   f'L{tx - 6:.1f} {ty:.1f} Z" fill="{TARGET}"><title>{esc(t.label)}</title></path>'
                   f'<text x="{tx - 8:.1f}" y="{ty - 9:.1f}" font-size="11" text-anchor="end" fill="{TARGET}">'
                   f"{esc(t.label)}</text></g>")
    ends: list[tuple[Line, str, float]] = []
    for i, line in enumerate(chart.lines):
        colour = COLOURS[i % len(COLOURS)]
        pts = [p for p in line.points if chart.drawn(p)]
        out.append(f'<g class="ipmap-line" data-adcode="{esc(line.adcode)}">')
        for run in runs(pts):
            if len(run) > 1:
                dash = ' stroke-dasharray="5 4"' if run[0].made_up else ""
                coords = " ".join(f"{x(p.year):.1f},{y(p.value):.1f}" for p in run)
                made = "true" if run[0].made_up else "false"
                out.append(f'<polyline class="ipmap-run" data-illustrative="{made}" points="{coords}" fill="none" '
                           f'stroke="{colour}" stroke-width="2.2"{dash}/>')
        for p in pts:
            attrs = (f'class="ipmap-point" tabindex="0" data-adcode="{esc(line.adcode)}" data-year="{p.year}" '
                     f'data-value="{p.value!r}" data-provenance="{esc(p.provenance)}"')
            out.append(marker_svg(x(p.year), y(p.value), p, colour, point_title(chart, line, p, d), attrs))
        out.append("</g>")
        if pts:
            ends.append((line, colour, y(pts[-1].value)))
    placed = spread([e[2] for e in ends], 15, y1, y0)
    for (line, colour, ey), ly in zip(ends, placed, strict=True):
        flag = f" ({chart.words['illustrative_short']})" if line.made_up else ""
        out.append(f'<line x1="{x1 + 4}" y1="{ey:.1f}" x2="{x1 + 12}" y2="{ly:.1f}" stroke="{colour}"/>'
                   f'<text class="ipmap-line-label" x="{x1 + 15}" y="{ly + 4:.1f}" font-size="12" fill="{colour}">'
                   f"{esc(line.name + flag)}</text>")
    out.append(key_svg(chart, LEFT, y0 + 38))
    for i, ln in enumerate(foot_lines):
        out.append(f'<text class="ipmap-chart-source" x="{LEFT}" y="{y0 + 58 + i * 15}" font-size="10.5" '
                   f'fill="#444444">{esc(ln)}</text>')
    out.append("</svg>")
    return "".join(out)


def kinds(chart: LineChart) -> list[str]:
    """The provenance kinds the chart's points hold, in a fixed order."""
    present = {p.provenance for _, p in chart.points()}
    return [k for k in ("published", "computed", "illustrative", "computed_illustrative") if k in present]


def key_svg(chart: LineChart, x: float, y: float) -> str:
    """The key of the marks: one entry per provenance kind shown, and the target when one is drawn."""
    out, cx = ['<g class="ipmap-chart-key">'], x
    for kind in kinds(chart):
        label = chart.words.get("prov_" + kind, kind)
        out.append(marker_svg(cx + 5, y - 4, Point(0, 0, kind, ""), "#444444", label, f'data-kind="{kind}"')
                   + f'<text x="{cx + 14}" y="{y}" font-size="11" fill="#333333">{esc(label)}</text>')
        cx += 30 + text_width(label, 11)
    if chart.targets:
        out.append(f'<path d="M{cx + 5} {y - 10} L{cx + 11} {y - 4} L{cx + 5} {y + 2} L{cx - 1} {y - 4} Z" '
                   f'fill="{TARGET}"/><text x="{cx + 16}" y="{y}" font-size="11" fill="{TARGET}">'
                   f"{esc(chart.words['target'])}</text>")
    out.append("</g>")
    return "".join(out)


MPL_MARKERS = {"published": "o", "computed": "s", "illustrative": "o", "computed_illustrative": "s"}


def image(chart: LineChart, fmt: str, family: str, width: int = WIDTH, height: int = HEIGHT,
          scale: float = 2.0) -> bytes:
    """The same chart drawn with matplotlib (PNG): same lines, marks, targets, key and sources."""
    fig = Figure(figsize=(width / 100, height / 100), dpi=100, facecolor="white")
    FigureCanvasAgg(fig)
    with rc_context({"font.family": [family, "DejaVu Sans"], "svg.fonttype": "path", "pdf.fonttype": 3}):
        foot = [chart.source_line or f"{chart.words['source']}{chart.words.get('colon', '：')}—"]
        if chart.log:
            foot.append(chart.words["log_note"])
        if chart.missing:
            foot.append(f"{chart.words['no_data']}{chart.words.get('colon', '：')}{'、'.join(chart.missing)}")
        foot_lines = [ln for f in foot for ln in wrap(f, 10.5, width - LEFT - 16)]
        bottom = (78 + 15 * len(foot_lines)) / height
        top = (TOP + (20 if chart.illustrative else 0)) / height
        ax = fig.add_axes((LEFT / width, bottom, 1 - (LEFT + RIGHT) / width, 1 - top - bottom))
        if chart.log:
            ax.set_yscale("log")
        lo, hi, ticks = y_axis(chart)
        for i, line in enumerate(chart.lines):
            colour = COLOURS[i % len(COLOURS)]
            pts = [p for p in line.points if chart.drawn(p)]
            for run in runs(pts):
                ax.plot([p.year for p in run], [p.value for p in run], color=colour, linewidth=2,
                        linestyle="--" if run[0].made_up else "-")
            for p in pts:
                ax.plot([p.year], [p.value], marker=MPL_MARKERS.get(p.provenance, "o"), markersize=6,
                        color=colour, markerfacecolor="white" if p.made_up else colour)
            if pts:
                flag = f" ({chart.words['illustrative_short']})" if line.made_up else ""
                ax.annotate(line.name + flag, (pts[-1].year, pts[-1].value), xytext=(8, 0),
                            textcoords="offset points", color=colour, fontsize=9, va="center")
        for t in chart.targets:
            if chart.drawn(Point(t.year, t.value, "published", "")):
                ax.plot([t.year], [t.value], marker="D", color=TARGET, markersize=7)
                ax.annotate(t.label, (t.year, t.value), xytext=(-6, 6), textcoords="offset points",
                            color=TARGET, fontsize=8, ha="right")
        ax.set_ylim(lo, hi)
        ax.set_yticks(ticks, [tick_label(v, ticks, chart.log) for v in ticks])
        ax.minorticks_off()
        yr_lo, yr_hi = chart.years()
        ax.set_xlim(yr_lo - 0.3, yr_hi + 0.3)
        ax.set_xticks(range(yr_lo, yr_hi + 1, max(1, math.ceil((yr_hi - yr_lo + 1) / 12))))
        ax.grid(axis="y", color="#e6e6e6")
        ax.spines[["top", "right"]].set_visible(False)
        fig.text(LEFT / width, 1 - 12 / height, chart.title, fontsize=15, fontweight="bold", va="top")
        fig.text(LEFT / width, 1 - 34 / height, chart.unit, fontsize=10, color="#555555", va="top")
        if chart.illustrative:
            fig.text(LEFT / width, 1 - 54 / height, "⚠ " + chart.words["illustrative"], fontsize=10,
                     color="#5c4500", va="top")
            fig.text(0.45, 0.5, chart.words["illustrative"], fontsize=34, color="#c9a227", alpha=0.2,
                     rotation=18, ha="center", va="center", fontweight="bold")
        handles = [Line2D([], [], linestyle="none", marker=MPL_MARKERS[k], color="#444444",
                          markerfacecolor="white" if k in MADE_UP else "#444444",
                          label=chart.words.get("prov_" + k, k)) for k in kinds(chart)]
        if chart.targets:
            handles.append(Line2D([], [], linestyle="none", marker="D", color=TARGET, label=chart.words["target"]))
        if handles:
            fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(LEFT / width, bottom - 30 / height),
                       ncols=len(handles), frameon=False, fontsize=9)
        for i, ln in enumerate(foot_lines):
            fig.text(LEFT / width, (8 + 15 * (len(foot_lines) - 1 - i)) / height, ln, fontsize=8,
                     color="#444444", va="bottom")
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, dpi=100 * scale, metadata={"Title": chart.title})
    return buf.getvalue()
