"""The zone overlay on the choropleth: thin outlines (hatch on demand), a folded key, a layer switch, membership."""

from __future__ import annotations

import json
import re
from pathlib import Path

from layers.core.view import MapView
from layers.core.zones import ZONE_TYPES, ZoneBook
from layers.pages.atlas import Atlas
from layers.pages.frames import render_map
from layers.render.zone_layer import PATTERNS_SVG, STYLES, build_overlay, zone_labels
from tests.conftest import map_text, newest


def html_of(atlas: Atlas, view: MapView) -> str:
    return map_text(render_map(atlas, newest(atlas), view))


def in_json(text: str) -> str:
    """How a string appears inside the GeoJSON Folium writes (ASCII-escaped, & as \u0026)."""
    return json.dumps(text)[1:-1].replace("&", "\\u0026")


def test_zones_are_drawn_over_the_county_map(atlas: Atlas) -> None:
    html = html_of(atlas, MapView(level="county"))
    assert 'id="ipmap-zone-diag45"' in html and "url(#ipmap-zone-diag135)" in html
    assert "ipmap-zonekey-details" in html and "L.control.layers" in html
    assert html.count('"interactive": false') >= 2 * 6  # halo and outline of six types never catch the mouse
    parts = render_map(atlas, newest(atlas), MapView(level="county"))
    assert "ipmap-zonekey" not in parts["body"] + parts["script"]  # the key is below the map, not on it
    assert "<details " in parts["caption"]["zones"] and " open" not in parts["caption"]["zones"]  # folded
    assert "改革试验区" in html and "区域特色示范区" in html and "国家级新区" in html


def test_tooltip_shows_membership_beside_the_value(atlas: Atlas) -> None:
    html = html_of(atlas, MapView(level="county"))
    assert '"tip_zones"' in html
    assert in_json("兰白科技创新改革试验区；兰州新区（部分）") in html  # 永登县, 皋兰县
    assert in_json("敦煌文化产业示范区") in html


def test_prefecture_map_says_which_prefectures_contain_members(atlas: Atlas) -> None:
    html = html_of(atlas, MapView(level="prefecture", lang="en"))
    assert in_json("Dunhuang Cultural Industry Demonstration Zone (contains members)") in html
    assert in_json("Lanzhou New Area (contains members)") in html


def test_zones_can_be_switched_off(atlas: Atlas) -> None:
    html = html_of(atlas, MapView(level="county", zones=False))
    assert "ipmap-zone" not in html and "L.control.layers" not in html and '"tip_zones"' not in html


def test_zones_as_of_a_year(atlas: Atlas) -> None:
    def key(year: int | None) -> str:
        return build_overlay(atlas.zones, year, atlas.boundaries.units("county", 3), atlas.units, [], "zh").key

    assert "知识产权试点示范城市 (2)" in key(None)
    assert "知识产权试点示范城市 (1)" in key(2019) and "2019年在册" in key(2019)
    assert "知识产权试点示范城市" not in key(2021)
    assert "地理标志产品保护示范区 (1)" in key(2019) and "地理标志产品保护示范区 (2)" in key(2023)
    assert "改革试验区 (1)" in key(2010)  # the plan's zones state no term: shown every year, and said so
    assert "规划中的区域未注明期限" in key(2010)


def test_key_says_what_is_not_drawn(atlas: Atlas) -> None:
    key = build_overlay(atlas.zones, None, atlas.boundaries.units("county", 3), atlas.units, [], "en").key
    unknown = sum(1 for z in atlas.zones.zones if not z.members)
    assert f"{unknown} more with members unpublished or undefined, not drawn" in key


def test_zones_are_thin_outlines_with_the_hatch_transparent_until_asked_for(atlas: Atlas) -> None:
    script = render_map(atlas, newest(atlas), MapView(level="county"))["script"]
    outlines = re.findall(r'"className": "ipmap-zone".*?"fillOpacity": ([\d.]+).*?"weight": ([\d.]+)', script)
    assert len(outlines) >= 6
    assert all(float(opacity) == 0 and float(weight) <= 1.5 for opacity, weight in outlines)
    key = render_map(atlas, newest(atlas), MapView(level="county"))["caption"]["zones"]
    assert "data-zone-hatch" in key  # the switch that shows the hatch


def test_every_type_has_a_style_a_label_and_a_pattern() -> None:
    from layers.core.i18n import MESSAGES

    for ty in ZONE_TYPES:
        assert f'id="ipmap-zone-{STYLES[ty].pattern}"' in PATTERNS_SVG
        assert MESSAGES[f"zone_type_{ty}"]["zh"] and MESSAGES[f"zone_type_{ty}"]["en"]


EVIL = '<img src=x onerror="alert(1)">'


def evil_book(tmp_path: Path) -> ZoneBook:
    p = tmp_path / "zones.toml"
    p.write_text(
        'plan_source = "</script><script>alert(2)</script>"\n'
        f'[[zone]]\nid = "evil"\ntype = "reform_zone"\nname_zh = \'{EVIL}\'\nname_en = \'{EVIL}\'\n'
        'members = ["620982"]\nbasis_zh = "<b>x</b>"\n[[zone.cite]]\nsection = "s"\nquote = "<i>q</i>"\n',
        encoding="utf-8")
    return ZoneBook.load(p)


def test_zone_names_are_escaped_on_the_map(atlas: Atlas, tmp_path: Path) -> None:
    book = evil_book(tmp_path)
    labels = zone_labels(list(book.zones), ["620982", "620900"], atlas.units, "zh")
    assert "<img" not in labels["620982"] and "&lt;img" in labels["620982"]
    atlas.zones = book
    html = html_of(atlas, MapView(level="county"))
    assert "<img" not in html and "<b>" not in html and "alert(2)" not in html
    assert in_json(labels["620982"]) in html  # the escaped name, which the tooltip shows as text

