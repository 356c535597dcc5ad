"""Exports over HTTP: images with the live map's colours, SVG that parses, PDF with its title, safe tables."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections import Counter

import geopandas as gpd
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from layers.core.view import MapView
from layers.pages.exports import export_data
from layers.render.image import ExportOptions, figure, map_axes, projected, source_parts
from layers.store.sqlite import DatasetMeta
from tests.conftest import newest

LIVE_FILL = re.compile(r'"adcode": "(\d{6})", "fill": "(#[0-9a-f]{6}|url\(#ipmap-hatch\))"')


def _rgb(hex_: str) -> tuple[int, int, int]:
    return tuple(int(hex_[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


@pytest.mark.parametrize("level", ["county", "prefecture"])
def test_png_has_size_and_live_map_colours_at_unit_interiors(client: TestClient, level: str) -> None:
    q = f"level={level}&indicator=population&width=800&height=600&scale=2&zones=false&style=choropleth"  # no hatch
    r = client.get(f"/export.png?{q}")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    img = Image.open(io.BytesIO(r.content)).convert("RGB")
    assert img.size == (1600, 1200)
    live = dict(LIVE_FILL.findall(client.get(f"/map?level={level}&indicator=population&style=choropleth").text))
    assert len(live) == (87 if level == "county" else 14)
    # where each unit's interior point lands in the image, from the same figure layout
    data = export_data(client.app.state.atlas, newest(client.app.state.atlas), MapView(level=level, zones=False))  # type: ignore[attr-defined]
    fig = figure(data, ExportOptions(width=800, height=600, scale=2))
    fig.canvas.draw()
    ax = map_axes(fig)
    legend_box = fig.legends[0].get_window_extent()
    units = projected(data.frame)
    checked = 0
    for adcode, geom in zip(units["adcode"], units.geometry, strict=True):
        pt = geom.representative_point()
        x, y = ax.transData.transform((pt.x, pt.y))
        area_px = geom.area * (ax.transData.transform((1, 0))[0] - ax.transData.transform((0, 0))[0]) ** 2 * 4
        if legend_box.contains(x, y) or area_px < 600:
            continue
        cx, cy = round(x * 2), round(1200 - y * 2)
        around = Counter(img.getpixel((cx + dx, cy + dy)) for dx in range(-3, 4) for dy in range(-3, 4))
        px = around.most_common(1)[0][0]  # the unit's fill, even if an inner border passes near the point
        want = _rgb(live[adcode])
        assert max(abs(a - b) for a, b in zip(px, want, strict=True)) <= 3, (adcode, px, live[adcode])
        checked += 1
    assert checked >= (60 if level == "county" else 12)


def test_png_is_at_least_2x_by_default_and_bounded(client: TestClient) -> None:
    img = Image.open(io.BytesIO(client.get("/export.png?level=prefecture").content))
    assert img.size == (2400, 1800)
    r = client.get("/export.png?width=4000&height=4000&scale=4")
    assert r.status_code == 422 and "pixels" in r.text


def test_svg_parses_and_pdf_title_is_text(client: TestClient) -> None:
    svg = client.get("/export.svg?level=prefecture")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(svg.content)
    assert root.tag.endswith("svg") and "常住人口" in svg.text  # title in the SVG metadata
    pdf = client.get("/export.pdf?level=prefecture&lang=en")
    assert pdf.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    text = reader.pages[0].extract_text()
    assert "Resident population (2020, Prefectures)" in text and "Source" in text
    zh = PdfReader(io.BytesIO(client.get("/export.pdf?level=county").content)).pages[0].extract_text()
    assert "常住人口（2020年，县区）" in zh and "兰州新区" in zh
    assert "DRAFT" not in svg.text and "DRAFT" not in text and "草稿" not in zh  # published: no draft mark


def test_illustrative_export_is_watermarked_and_counts_no_data(gappy_client: TestClient) -> None:
    text = PdfReader(io.BytesIO(gappy_client.get("/export.pdf?indicator=pct_applications").content)
                     ).pages[0].extract_text()
    assert text.count("示意数据，非真实统计") >= 2  # flag under the title and the watermark
    assert "无数据 (2)" in text


def _formula_store(client: TestClient) -> None:
    atlas = client.app.state.atlas  # type: ignore[attr-defined]
    rows = pd.DataFrame({"adcode": ["620100", "620200", "620300", "620400"], "indicator": "patent_grants",
                         "year": 2021, "value": [-5.0, 2.0, 3.0, 4.0], "unit": "件",
                         "source": ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)"]})
    atlas.store.add_dataset(DatasetMeta(name="t", kind="test", source="t", illustrative=True), rows)


def test_csv_is_utf8_bom_with_formulas_neutralised(client: TestClient) -> None:
    _formula_store(client)
    r = client.get("/export.csv?level=prefecture&indicator=patent_grants&year=2021")
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    sources = {row["adcode"]: row["来源"] for row in rows}
    assert sources["620100"] == "'=HYPERLINK(\"http://x\")" and sources["620200"] == "'+1+1"
    assert sources["620300"] == "'-2+3" and sources["620400"] == "'@SUM(A1)"
    assert {row["名称"] for row in rows} >= {"兰州市", "嘉峪关市"}
    lanzhou = next(row for row in rows if row["adcode"] == "620100")
    assert float(lanzhou["数值 2021"]) == -5.0  # numbers stay numbers, a minus sign is not a formula
    assert "attachment" in r.headers["content-disposition"] or "filename" in r.headers["content-disposition"]


def test_xlsx_has_no_formulas(client: TestClient) -> None:
    _formula_store(client)
    r = client.get("/export.xlsx?level=prefecture&indicator=patent_grants&year=2021")
    ws = load_workbook(io.BytesIO(r.content)).active
    cells = [c for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    values = {c.value for c in cells}
    assert "'=HYPERLINK(\"http://x\")" in values and "'@SUM(A1)" in values and -5 in values


def test_briefing_pdf_text_stays_inside_12mm_margins(years_client: TestClient) -> None:
    """Where the PDF itself puts each piece of text (pypdf's visitor): its start exactly, its end by a width no
    larger than the glyphs' (CJK one em, Latin under half); tests/layers/test_export_layout.py measures exactly."""
    r = years_client.get("/briefing.pdf?indicator=patent_applications&level=county&lang=en")
    mm = 72 / 25.4
    for page in PdfReader(io.BytesIO(r.content)).pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        placed: list[tuple[float, float, float, str]] = []

        def visit(text: str, cm: list[float], tm: list[float], _font: object, size: float,
                  placed: list[tuple[float, float, float, str]] = placed) -> None:
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                placed.append((x, y, size * abs(tm[0] * cm[0]), text))

        page.extract_text(visitor_text=visit)
        assert len(placed) > 50
        for x, y, size, text in placed:
            ems = sum(1.0 if ord(c) > 0x2E80 else 0.25 if c in " .,;:()|·il" else 0.45 for c in text.rstrip())
            assert 12 * mm <= x and x + ems * size <= width - 12 * mm, (x, ems * size, text)
            assert 12 * mm <= y <= height - 12 * mm, (y, text)


def test_briefing_pdf_has_title_and_key_figures(years_client: TestClient) -> None:
    r = years_client.get("/briefing.pdf?indicator=patent_applications&level=prefecture")
    reader = PdfReader(io.BytesIO(r.content))
    assert len(reader.pages) == 2
    text = reader.pages[0].extract_text()
    assert "专利申请受理量（2023年，市州）" in text and "规划目标完成情况" in text and "每万人口发明专利拥有量" in text
    assert "兰州市" in reader.pages[1].extract_text()


def test_export_of_unknown_indicator_is_404(client: TestClient) -> None:
    r = client.get("/export.png?indicator=nope")
    assert r.status_code == 404 and "population" in r.text


def test_exported_frame_is_the_views_units(client: TestClient) -> None:
    data = export_data(client.app.state.atlas, newest(client.app.state.atlas), MapView(level="county"))  # type: ignore[attr-defined]
    assert isinstance(data.frame, gpd.GeoDataFrame) and len(data.frame) == 87 and not data.illustrative


def _dark_pixels_along(img: Image.Image, shape, fig) -> int:  # noqa: ANN001
    """Dark pixels near points along a shape's outline (zones are drawn as outlines, as on the live map)."""
    ax = map_axes(fig)
    line = shape.exterior if shape.geom_type == "Polygon" else max(shape.geoms, key=lambda g: g.area).exterior
    dark = 0
    for i in range(40):
        p = line.interpolate(i / 40, normalized=True)
        x, y = ax.transData.transform((p.x, p.y))
        cx, cy = round(x * 2), round(img.size[1] - y * 2)
        dark += any(sum(img.getpixel((cx + dx, cy + dy))) < 200 for dx in range(-2, 3) for dy in range(-2, 3))
    return dark


def test_export_draws_the_zones_the_live_map_draws(client: TestClient) -> None:
    atlas = client.app.state.atlas  # type: ignore[attr-defined]
    page = client.get("/map?level=county&indicator=population&zones_year=2020").text
    data = export_data(atlas, newest(atlas), MapView(level="county", zones_year=2020))
    assert data.zones is not None
    key = page[page.index('class="ipmap-zonekey-details"'):]
    row = r'<div class="ipmap-legend-row"><svg class="ipmap-zone-swatch".*?</svg><span>(.*?)</span>'
    live_rows = [re.sub(r"<[^>]+>", "", r) for r in re.findall(row, key)]
    assert list(data.zones.labels.values()) == live_rows  # the export's key rows are the live key's rows
    fig = figure(data, ExportOptions(width=800, height=600, scale=2))
    fig.canvas.draw()
    legend = [t.get_text().replace("\n", "") for t in fig.legends[0].get_texts()]
    assert data.zones.heading in legend and all(label in legend for label in data.zones.labels.values())
    assert data.zones.note in legend and data.zones.note.startswith("另有") and data.zones.note in page
    q = "level=county&indicator=population&width=800&height=600&scale=2&zones_year=2020&style=choropleth"
    with_zones, without = (Image.open(io.BytesIO(client.get(f"/export.png?{q}{extra}").content)).convert("RGB")
                           for extra in ("", "&zones=false"))
    plain = export_data(atlas, newest(atlas), MapView(level="county", zones=False))
    assert plain.zones is None
    # the demonstration zones' outlines are drawn dark where the map without zones has only light unit borders
    shape = projected(data.zones.frame[data.zones.frame["zone_type"] == "demonstration_zone"]).geometry.iloc[0]
    assert _dark_pixels_along(with_zones, shape, fig) >= 30
    assert _dark_pixels_along(without, shape, fig) <= 5


def test_footer_names_each_source_part_once() -> None:
    parts = source_parts(["census (MIT)", "census (MIT); sum of county-level units", "年鉴；census (MIT)"])
    assert parts == ["census (MIT)", "sum of county-level units", "年鉴"]
