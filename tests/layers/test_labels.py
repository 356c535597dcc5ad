"""Place names on the map: which names, from which zoom, and that a name is data in a script, never markup."""

from __future__ import annotations

import json
import re

from layers.core.catalogue import Catalogue
from layers.pages.atlas import Atlas
from layers.render.choropleth import MapText, build_map, classify_frame, join_values
from layers.render.folium_text import render_parts
from layers.render.labels import COUNTY_LABELS_FROM, label_points
from tests.conftest import newest

LABELS = re.compile(r"from = ([\d.]+), group = L\.layerGroup\(\);\s*var marks = (\[.*?\])\.map", re.S)


def labels_of(atlas: Atlas, catalogue: Catalogue, level: str, lang: str = "zh",
              rename: dict[str, str] | None = None) -> tuple[float, list[list[object]], str]:
    frame = join_values(atlas.boundaries.units(level, 3), newest(atlas).observations, "population", 2020)
    if rename:
        frame["name_zh"] = frame["adcode"].map(rename).fillna(frame["name_zh"])
    classified, classes, fills = classify_frame(frame, "quantiles", 5)
    script = render_parts(build_map(classified, classes, fills, MapText("t", lang, catalogue.get("population"))))
    found = LABELS.search(script["script"])
    assert found, "no place labels in the map's script"
    return float(found.group(1)), json.loads(found.group(2)), script["script"]


def test_prefecture_maps_name_every_prefecture_at_every_zoom(atlas: Atlas, catalogue: Catalogue) -> None:
    start, points, _ = labels_of(atlas, catalogue, "prefecture")
    assert start == 0
    assert {p[2] for p in points} >= {"兰州市", "酒泉市", "嘉峪关市", "甘南藏族自治州"} and len(points) == 14
    assert [p[2] for p in points[:2]] == ["兰州市", "酒泉市"]  # the capital, then the largest: they keep their names
    lanzhou = next(p for p in points if p[2] == "兰州市")
    assert 35.5 < lanzhou[0] < 37.5 and 102.5 < lanzhou[1] < 104.5  # inside Lanzhou, not at 0, 0
    _, en, _ = labels_of(atlas, catalogue, "prefecture", "en")
    assert {"Lanzhou", "Linxia", "Gannan", "Jiayuguan"} <= {str(p[2]) for p in en}  # short on the map
    _, county_en, _ = labels_of(atlas, catalogue, "county", "en")
    assert {"Linxia City", "Linxia County"} <= {str(p[2]) for p in county_en}  # neighbours: their names in full


def test_county_names_show_only_zoomed_in(atlas: Atlas, catalogue: Catalogue) -> None:
    start, points, _ = labels_of(atlas, catalogue, "county")
    assert start == COUNTY_LABELS_FROM > 6.5  # a desktop map of the whole province opens near zoom 6.4
    assert len(points) == 87 and "城关区" in {p[2] for p in points}


def test_a_name_is_json_data_never_markup(atlas: Atlas, catalogue: Catalogue) -> None:
    hostile = "</script><img src=x onerror=alert(1)>{{7*7}}&amp;"
    _, points, script = labels_of(atlas, catalogue, "prefecture", rename={"620100": hostile})
    assert hostile in {p[2] for p in points}  # the name reaches the page whole, as text
    assert "</script>" not in script and "<img" not in script and "\\u003c/script\\u003e" in script
    block = script[script.index("var marks = "):script.index("map.whenReady(declutter)")]
    assert "textContent = p[2]" in block and "innerHTML" not in block


def test_label_points_skip_missing_names(atlas: Atlas) -> None:
    frame = atlas.boundaries.units("prefecture", 3).copy()
    frame.loc[frame.index[0], "name_zh"] = None
    assert len(label_points(frame, "zh")) == 13


def test_leaflet_controls_speak_the_page_language(atlas: Atlas, catalogue: Catalogue) -> None:
    for lang, words in (("zh", ["放大", "缩小", "图层"]), ("en", ["Zoom in", "Zoom out", "Layers"])):
        _, _, script = labels_of(atlas, catalogue, "prefecture", lang)
        found = re.search(r"words = (\{.*?\});", script)
        keys = ("zoom_in", "zoom_out", "map_layers")
        assert found and json.loads(found.group(1)) == dict(zip(keys, words, strict=True))
