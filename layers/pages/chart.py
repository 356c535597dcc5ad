"""The chart view: several regions' values of one indicator over every year, from one snapshot."""

from __future__ import annotations

from typing import Any, Literal

from layers.core.errors import UnknownParameterError
from layers.core.fmt import number
from layers.core.i18n import t
from layers.core.sources import source_line_html, source_line_text, tooltip_source
from layers.core.view import MapView
from layers.pages import frames
from layers.pages.atlas import Atlas
from layers.render.image import cjk_family
from layers.render.linechart import (
    COLOURS,
    HEIGHT,
    MAX_LINES,
    WIDTH,
    Line,
    LineChart,
    Point,
    TargetMark,
    image,
    kinds,
    svg,
)
from layers.stats.series import lines, targets_of
from layers.stats.snapshot import Snapshot
from layers.stats.targets import CMP_TEXT

Scale = Literal["linear", "log"]
PROVINCE = "620000"
DEFAULT_LINES = 5


def parse_regions(snap: Snapshot, regions: str | None) -> list[str]:
    """'620100,620200' as adcodes in the order given, each once; an unknown code or too many is an error."""
    if not regions:
        return []
    codes = list(dict.fromkeys(c.strip() for c in regions.split(",") if c.strip()))
    known = set(snap.regions["adcode"])
    for code in codes:
        if code not in known:
            raise UnknownParameterError("regions", code, sorted(known))
    if len(codes) > MAX_LINES:
        raise UnknownParameterError("regions", f"{len(codes)} regions", [f"at most {MAX_LINES}"])
    return codes


def default_regions(atlas: Atlas, snap: Snapshot, view: MapView) -> list[str]:
    """The selected region, else the view's top five, else the province: a chart never opens empty."""
    if view.region:
        return [view.region]
    try:
        _, values = frames.values(atlas, snap, view)
    except UnknownParameterError:  # the indicator has no values at the view's level (a province-wide figure)
        return [PROVINCE]
    top = values[values["rank"] <= DEFAULT_LINES].sort_values("rank", kind="stable")
    return [str(a) for a in top["adcode"]][:DEFAULT_LINES] or [PROVINCE]


def names(snap: Snapshot, lang: str) -> dict[str, str]:
    """adcode -> name in the reader's language."""
    regions = snap.regions
    return dict(zip(regions["adcode"], regions["name_en" if lang == "en" else "name_zh"], strict=True))


def words(lang: str) -> dict[str, str]:
    """The chart's labels in one language."""
    keys = ("prov_published", "prov_computed", "prov_illustrative", "prov_computed_illustrative", "illustrative",
            "illustrative_short", "source", "no_data", "colon", "log_note", "scale_log")
    out = {k: t(k, lang) for k in keys}
    return out | {"lang": lang, "target": t("plan_target", lang), "log_scale": t("scale_log", lang),
                  "hidden": t("log_hidden", lang, n="{n}")}


def chart_data(snap: Snapshot, view: MapView, codes: list[str], scale: Scale) -> LineChart:
    """The chart of a view's indicator for these regions: each point with its provenance and source, the plan's
    targets for this very indicator and these regions on their own years."""
    ind = snap.catalogue.get(view.indicator)
    lang = view.lang
    name_of = names(snap, lang)
    data = lines(snap.observations, codes, ind.id)
    chart_lines = []
    for code in codes:
        rows = data[data["adcode"] == code]
        pts = tuple(Point(int(y), float(v), str(p), tooltip_source(s, lang)) for y, v, p, s in
                    zip(rows["year"], rows["value"], rows["provenance"], rows["source"], strict=True))
        chart_lines.append(Line(code, str(name_of.get(code, code)), pts))
    marks = []
    for tg in targets_of(snap.targets, codes, ind.id):
        label = t("target_line", lang, year=tg["year"], cmp=CMP_TEXT.get(str(tg["comparator"]), ""),
                  value=number(float(tg["value"])))
        if len(codes) > 1:
            label += f"（{name_of.get(str(tg['adcode']), tg['adcode'])}）" if lang == "zh" else \
                f" ({name_of.get(str(tg['adcode']), tg['adcode'])})"
        marks.append(TargetMark(str(tg["adcode"]), int(tg["year"]), float(tg["value"]), label))
    drawn = [ln for ln in chart_lines if ln.points]
    shown = data[data["adcode"].isin([ln.adcode for ln in drawn])]
    years = [p.year for ln in drawn for p in ln.points] + [m.year for m in marks]
    indicator = ind.name_en if lang == "en" else ind.name_zh
    title = t("chart_title", lang, indicator=indicator, start=min(years), end=max(years)) if years else indicator
    return LineChart(title=title, unit=ind.unit_en if lang == "en" else ind.unit, lines=drawn, words=words(lang),
                     source_line=source_line_text(shown["source"], lang, bool(shown["provenance"].str.contains(
                         "illustrative").any())), targets=marks,
                     log=scale == "log", missing=[ln.name for ln in chart_lines if not ln.points])


def chart_svg(atlas: Atlas, snap: Snapshot, view: MapView, codes: list[str], scale: Scale) -> str:
    """The chart as SVG, drawn once per (view, regions, scale, version)."""
    return atlas.memo(snap, f"chart-svg-{','.join(codes)}-{scale}", view,
                      lambda: svg(chart_data(snap, view, codes, scale)))


def chart_file(atlas: Atlas, snap: Snapshot, view: MapView, regions: str | None, scale: Scale,
               fmt: Literal["svg", "png"]) -> bytes:
    """The chart as a standalone SVG or a PNG: the same lines, marks, targets and sources as the page."""
    codes = parse_regions(snap, regions) or default_regions(atlas, snap, view)
    if fmt == "svg":
        return chart_svg(atlas, snap, view, codes, scale).encode()
    def build() -> bytes:
        with atlas.canvas(int(WIDTH * HEIGHT * 4)):  # 2x: 1760 x 920 pixels from the worker's raster budget
            return image(chart_data(snap, view, codes, scale), "png", cjk_family())

    return atlas.memo(snap, f"chart-png-{','.join(codes)}-{scale}", view, build, download=True)


def chart_page(atlas: Atlas, snap: Snapshot, view: MapView, regions: str | None, scale: Scale) -> dict[str, Any]:
    """The chart page: the chart, the regions on it (each removable), regions to add, the table of its values."""
    codes = parse_regions(snap, regions) or default_regions(atlas, snap, view)
    chart = chart_data(snap, view, codes, scale)
    lang = view.lang
    query = view.query()
    years = sorted({p.year for ln in chart.lines for p in ln.points})
    table = [{"adcode": ln.adcode, "name": ln.name, "colour": COLOURS[i % len(COLOURS)],
              "cells": {p.year: {"value": number(p.value), "provenance": p.provenance,
                                 "label": t("prov_" + p.provenance, lang), "source": p.source} for p in ln.points}}
             for i, ln in enumerate(chart.lines)]
    name_of = names(snap, lang)
    level_codes = atlas.level_adcodes(view.level)
    have = set(snap.observations.loc[snap.observations["indicator"] == view.indicator, "adcode"])
    regions_all = snap.regions
    candidates = [str(a) for a in regions_all["adcode"]
                  if (a in level_codes or a == PROVINCE) and a in have and a not in codes]
    return {
        "lang": lang, "view": view, "query": query, "scale": scale, "codes": codes, "chart": chart,
        "svg": chart_svg(atlas, snap, view, codes, scale), "years": years, "table": table,
        "on_chart": [{"adcode": c, "name": name_of.get(c, c), "without": ",".join(x for x in codes if x != c)}
                     for c in codes],
        "candidates": [{"adcode": c, "name": name_of.get(c, c), "with": ",".join([*codes, c])} for c in candidates],
        "full": len(codes) >= MAX_LINES, "max_lines": MAX_LINES, "regions_q": ",".join(codes),
        "indicators": [i for i in frames.indicators(atlas, snap) if i["levels"]],
        "data_version": snap.version, "title": chart.title, "kinds": kinds(chart),
        "sources_line": source_line_html(lines(snap.observations, codes, view.indicator)["source"], lang,
                                         any("illustrative" in p.provenance for ln in chart.lines for p in ln.points)),
        "marks": {"published": "●", "computed": "■", "illustrative": "○", "computed_illustrative": "□"},
    }

