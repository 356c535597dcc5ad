"""The Folium map as an object and as HTML: offline, escaped, no-data kept, deterministic, small; its caption."""

from __future__ import annotations

import gzip
import re

import pandas as pd

from layers.core.view import MapView
from layers.pages.atlas import Atlas
from layers.pages.frames import render_map
from layers.render.choropleth import MapText, build_map, classify_frame, join_values, map_caption
from layers.render.folium_text import render_parts
from layers.render.palettes import NO_DATA_FILL
from tests.conftest import map_text, newest


def test_map_uses_only_local_assets(atlas: Atlas) -> None:
    parts = render_map(atlas, newest(atlas), MapView(level="county"))
    html = map_text(parts)
    assert not re.search(r"(?:src|href)=[\"']?(?:https?:)?//", html)
    assert "/static/vendor/leaflet/leaflet.js" in parts["head"]
    assert "tile" not in parts["script"].lower() or "tileLayer" not in parts["script"]


def test_county_map_is_small(atlas: Atlas) -> None:
    parts = render_map(atlas, newest(atlas), MapView(level="county"))
    size = len(gzip.compress(map_text(parts).encode()))
    assert size < 60_000, size


def test_render_is_deterministic(atlas: Atlas) -> None:
    a = render_map(atlas, newest(atlas), MapView(level="prefecture", k=4))
    atlas._renders.clear()
    b = render_map(atlas, newest(atlas), MapView(level="prefecture", k=4))
    assert a == b


def test_missing_units_are_drawn_flat_grey_and_named(atlas: Atlas, catalogue) -> None:  # noqa: ANN001
    units = atlas.boundaries.units("county", 3)
    obs = newest(atlas).observations
    obs = obs[~((obs.indicator == "population") & obs.adcode.isin(["620102", "620103"]))]
    frame = join_values(units, obs, "population", 2020)
    assert len(frame) == 87 and frame.value.isna().sum() == 2
    classified, classes, fills = classify_frame(frame, "quantiles", 5)
    assert (classified.loc[classified.value.isna(), "fill"] == NO_DATA_FILL).all()
    assert NO_DATA_FILL not in fills and NO_DATA_FILL.startswith("#")  # a flat colour that no class uses
    text = MapText("t", "zh", catalogue.get("population"))
    m = build_map(classified, classes, fills, text)
    assert "ipmap-hatch" not in map_text(render_parts(m))
    legend = map_caption(classified, classes, fills, text)["legend"]
    assert "无数据 (城关区、七里河区)" in legend and f"background:{NO_DATA_FILL}" in legend


def test_many_missing_units_are_counted(atlas: Atlas) -> None:
    view = MapView(level="prefecture", indicator="invention_patents_obtained")
    html = map_text(render_map(atlas, newest(atlas), view))
    assert "无数据 (12)" in html


def test_names_and_sources_are_escaped(atlas: Atlas, catalogue) -> None:  # noqa: ANN001
    units = atlas.boundaries.units("prefecture", 3).copy()
    units.loc[0, "name_zh"] = '<img src=x onerror="alert(1)">'
    obs = pd.DataFrame([{"adcode": units.adcode[0], "indicator": "population", "year": 2020, "value": 5.0,
                         "unit": "人", "source": "</script><script>alert(2)</script>", "illustrative": False,
                         "qualifier": "=", "note": ""}])
    frame = join_values(units, obs, "population", 2020)
    classified, classes, fills = classify_frame(frame, "quantiles", 5)
    text = MapText("<b>title</b>", "zh", catalogue.get("population"))
    m = build_map(classified, classes, fills, text)
    html = map_text(render_parts(m)) + map_text(map_caption(classified, classes, fills, text))
    assert "<img src=x" not in html and "</script><script>alert(2)" not in html
    assert "&lt;img src=x" in html or "\\u0026lt;img src=x" in html
    assert "<b>title</b>" not in html


def test_illustrative_values_are_labelled(atlas: Atlas, catalogue) -> None:  # noqa: ANN001
    units = atlas.boundaries.units("prefecture", 3)
    obs = pd.DataFrame([{"adcode": a, "indicator": "patent_grants", "year": 2020, "value": float(i), "unit": "件",
                         "source": "demo", "illustrative": True, "qualifier": "=", "note": ""}
                        for i, a in enumerate(units.adcode)])
    frame = join_values(units, obs, "patent_grants", 2020)
    classified, classes, fills = classify_frame(frame, "quantiles", 5)
    cap = map_caption(classified, classes, fills, MapText("t", "zh", catalogue.get("patent_grants")))
    assert "示意数据，非真实统计" in cap["flag"] and cap["watermark"] == "示意数据，非真实统计"
    assert "示意数据" in cap["sources"]  # the source line says so too
