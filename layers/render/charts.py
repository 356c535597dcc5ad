"""Time series drawn as inline SVG: a sparkline for tooltips, a full chart with the plan target line."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from layers.core.fmt import decimals_for, esc, number
from layers.stats.series import series_by_unit

LINE = "#2c7fb8"
TARGET = "#b35806"


def _scale(lo: float, hi: float, a: float, b: float) -> Callable[[float], float]:
    span = (hi - lo) or 1.0
    return lambda v: a + (v - lo) / span * (b - a)


def sparkline_svg(years: list[int], values: list[float], width: int = 120, height: int = 28,
                  label: str = "") -> str:
    """A tiny line of the values over the years, last point marked; empty string with fewer than two points."""
    if len(values) < 2:
        return ""
    x = _scale(min(years), max(years), 2, width - 3)
    y = _scale(min(values), max(values), height - 3, 3)
    pts = " ".join(f"{x(yr):.1f},{y(v):.1f}" for yr, v in zip(years, values, strict=True))
    lx, ly = x(years[-1]), y(values[-1])
    return (f'<svg class="ipmap-spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'role="img" aria-label="{esc(label)}"><title>{esc(label)}</title>'
            f'<polyline points="{pts}" fill="none" stroke="{LINE}" stroke-width="1.5"/>'
            f'<circle cx="{lx:.1f}" cy="{ly:.1f}" r="2.2" fill="{LINE}"/></svg>')


def chart_svg(data: pd.DataFrame, title: str, unit: str, target: dict[str, object] | None = None,
              target_label: str = "", width: int = 560, height: int = 240, footer: str = "",
              illustrative_label: str = "") -> str:
    """A full-size line chart: axes, a labelled point per year, the target as a dashed line when there is one.

    Illustrative points are drawn hollow and never joined by one line to real ones; the footer (the sources, and
    the illustrative mark when any point is made up) travels with the SVG wherever it is saved."""
    years = [int(v) for v in data["year"]]
    values = [float(v) for v in data["value"]]
    left, right, top, bottom = 64, 16, 30, 30
    tval = float(target["value"]) if target else None  # type: ignore[arg-type]
    lo = min([*values, *([tval] if tval is not None else []), 0.0])
    hi = max([*values, *([tval] if tval is not None else []), 0.0]) or 1.0
    yr_lo = min([*years, *([int(target["year"])] if target else [])])  # type: ignore[call-overload]
    yr_hi = max([*years, *([int(target["year"])] if target else [])])  # type: ignore[call-overload]
    if yr_lo == yr_hi:
        yr_lo, yr_hi = yr_lo - 1, yr_hi + 1
    x = _scale(yr_lo, yr_hi, left, width - right)
    y = _scale(lo, hi, height - bottom, top)
    d = decimals_for(values)
    out = [f'<svg class="ipmap-chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{esc(title)}" xmlns="http://www.w3.org/2000/svg"><title>{esc(title)}</title>',
           f'<text x="{left}" y="18" font-size="13" font-weight="600">{esc(title)}'
           f'<tspan font-weight="400" fill="#555">（{esc(unit)}）</tspan></text>',
           f'<line x1="{left}" y1="{y(lo):.1f}" x2="{width - right}" y2="{y(lo):.1f}" stroke="#999"/>']
    for tick in (lo, (lo + hi) / 2, hi):
        out.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" font-size="11" text-anchor="end" fill="#555">'
                   f"{esc(number(tick, d))}</text>"
                   f'<line x1="{left}" y1="{y(tick):.1f}" x2="{width - right}" y2="{y(tick):.1f}" stroke="#eee"/>')
    for yr in range(yr_lo, yr_hi + 1):
        if yr in years or (target and yr == target["year"]):
            out.append(f'<text x="{x(yr):.1f}" y="{height - 10}" font-size="11" text-anchor="middle" fill="#555">'
                       f"{yr}</text>")
    if tval is not None:
        out.append(f'<line class="ipmap-target" x1="{left}" y1="{y(tval):.1f}" x2="{width - right}" '
                   f'y2="{y(tval):.1f}" stroke="{TARGET}" stroke-width="1.5" stroke-dasharray="6 4"/>'
                   f'<text x="{width - right}" y="{y(tval) - 5:.1f}" font-size="11" text-anchor="end" '
                   f'fill="{TARGET}">{esc(target_label)}</text>')
    made_up = [bool(v) for v in data["illustrative"]] if "illustrative" in data else [False] * len(values)
    run: list[str] = []
    for i, (yr, v) in enumerate(zip(years, values, strict=True)):  # one line per run of the same class
        run.append(f"{x(yr):.1f},{y(v):.1f}")
        if i == len(values) - 1 or made_up[i + 1] != made_up[i]:
            if len(run) > 1:
                dash = ' stroke-dasharray="3 3"' if made_up[i] else ""
                out.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{LINE}" stroke-width="2"{dash}/>')
            run = []
    for yr, v, ill in zip(years, values, made_up, strict=True):
        fill = f'fill="#fff" stroke="{LINE}" stroke-width="1.5" class="ipmap-illustrative"' if ill else f'fill="{LINE}"'
        mark = f" ({esc(illustrative_label)})" if ill and illustrative_label else ""
        out.append(f'<circle cx="{x(yr):.1f}" cy="{y(v):.1f}" r="3" {fill}><title>{yr}: '
                   f"{esc(number(v, d))} {esc(unit)}{mark}</title></circle>")
    if footer:
        out.append(f'<text x="{left}" y="{height - 1}" font-size="9" fill="#555">{esc(footer)}</text>')
    out.append("</svg>")
    return "".join(out)


def sparkline_column(frame: pd.DataFrame, observations: pd.DataFrame, indicator: str, lang: str) -> pd.Series:
    """A sparkline per unit of a frame (empty where a unit has fewer than two years), for the tooltip."""
    by_unit = series_by_unit(observations, set(frame["adcode"]), indicator)
    out = []
    for adcode in frame["adcode"]:
        s = by_unit.get(adcode)
        if s is None or len(s) < 2:
            out.append("")
            continue
        years, values = [int(y) for y in s["year"]], [float(v) for v in s["value"]]
        label = f"{years[0]}–{years[-1]}"
        out.append(sparkline_svg(years, values, label=label) + f'<small> {years[0]}–{years[-1]}</small>')
    return pd.Series(out, index=frame.index, dtype=object)
