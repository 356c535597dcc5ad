"""Proportional symbols: counts drawn as circles whose areas are proportional to the values, largest first, keyed by
nested circles of round values; rates stay choropleths; style= chooses; the same in embeds and exports."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from fastapi.testclient import TestClient
from matplotlib.collections import PathCollection

from layers.core.view import MapView
from layers.pages.atlas import Atlas
from layers.pages.exports import symbol_figure
from layers.render.image import ExportOptions, map_axes
from layers.render.symbols import round_values
from tests.conftest import newest
from tests.server.test_xss import Page, assert_inert

HTML = {"Accept": "text/html"}
FEATURES = re.compile(r"_add\((\{.*?\})\);\n", re.S)


def circles(html: str) -> list[dict[str, object]]:
    """The circle features of a map page: each with adcode, radius and value, in drawing order."""
    out = []
    for blob in FEATURES.findall(html):
        feats = json.loads(blob).get("features") or []
        if feats and feats[0]["geometry"]["type"] == "Point" and "radius" in feats[0]["properties"]:
            out += [f["properties"] for f in feats]
    return out


def values_of(client: TestClient, query: str) -> dict[str, float]:
    rows = client.get(f"/api/values?{query}").json()["values"]
    return {r["adcode"]: r["value"] for r in rows if r["value"] is not None}


def test_counts_default_to_circles_whose_areas_are_proportional_to_values(client: TestClient) -> None:
    r = client.get("/map?level=county&indicator=population", headers=HTML)
    assert r.status_code == 200
    assert_inert(r.text, r.headers["content-security-policy"])
    drawn = circles(r.text)
    vals = values_of(client, "indicator=population&level=county")
    assert len(drawn) == len([v for v in vals.values() if v > 0]) == 87  # one circle per unit with a value
    assert {c["adcode"] for c in drawn} == set(vals)
    ratio = [float(c["radius"]) ** 2 / vals[str(c["adcode"])] for c in drawn]  # area / value: one constant
    assert max(ratio) == pytest.approx(min(ratio), rel=0.02)
    assert max(float(c["radius"]) for c in drawn) == pytest.approx(26.0)
    order = [vals[str(c["adcode"])] for c in drawn]
    assert order == sorted(order, reverse=True)  # largest drawn first, so the small ones lie on top


def test_nested_legend_of_round_values_on_the_maps_own_scale(client: TestClient) -> None:
    page = client.get("/map?level=county&indicator=population", headers=HTML).text
    svg = re.search(r'<svg class="ipmap-symbol-legend".*?</svg>', page, re.S)
    assert svg
    legend = [(float(v), float(r)) for r, v in re.findall(r'<circle[^>]* r="([\d.]+)"[^>]*data-value="([\d.e+]+)"',
                                                           svg.group(0))]
    assert len(legend) == 3
    top = max(values_of(client, "indicator=population&level=county").values())
    for v, r in legend:
        mantissa = v / 10 ** math.floor(math.log10(v))
        assert round(mantissa, 6) in (1, 2, 5)  # round values
        assert v <= top and r == pytest.approx(26.0 * math.sqrt(v / top), abs=0.06)
    assert [v for v, _ in legend] == sorted((v for v, _ in legend), reverse=True)
    assert "面积与数值成正比" in page


@pytest.mark.parametrize("query, symbols", [
    ("level=county&indicator=patent_applications_per_10k", False),  # a rate: choropleth by default
    ("level=county&indicator=population&style=choropleth", False),
    ("level=county&indicator=patent_applications_per_10k&style=symbols", True),
    ("level=prefecture&indicator=patent_applications", True),
])
def test_style_follows_the_kind_of_quantity_unless_asked(client: TestClient, query: str, symbols: bool) -> None:
    html = client.get(f"/map?{query}", headers=HTML).text
    assert bool(circles(html)) == symbols
    assert ("ipmap-symbol-legend" in html) == symbols
    page = Page(html)
    chosen = [a.get("value") for t, a in page.tags if t == "option" and "selected" in a and
              a.get("value") in ("symbols", "choropleth")]
    assert chosen == ["symbols" if symbols else "choropleth"]


def test_embed_draws_the_circles_too(client: TestClient) -> None:
    r = client.get("/embed?level=prefecture&indicator=patent_applications", headers=HTML)
    assert len(circles(r.text)) == 14


def test_exports_draw_circles_with_areas_proportional_to_values(atlas: Atlas) -> None:
    view = MapView(level="county", indicator="population")
    snap = newest(atlas)
    fig, title = symbol_figure(atlas, snap, view, ExportOptions(width=900, height=700))
    dots = [c for c in map_axes(fig).collections if isinstance(c, PathCollection)]
    assert len(dots) == 1
    sizes = dots[0].get_sizes()
    obs = snap.observations
    vals = obs[(obs.indicator == "population") & (obs.year == 2020) &
               obs.adcode.isin(atlas.level_adcodes("county"))]["value"].to_numpy(dtype=float)
    assert len(sizes) == len(vals) == 87
    assert np.allclose(np.sort(sizes) / np.sort(vals), sizes.max() / vals.max())  # area ∝ value
    assert list(sizes) == sorted(sizes, reverse=True)  # largest first
    assert "常住人口" in title
    key = [t.get_text() for t in fig.findobj(match=lambda a: hasattr(a, "get_text")) if a_text(t)]
    assert [f"{int(v):,}" for v in round_values(vals.max())] == [k for k in key if re.fullmatch(r"[\d,]+", k)][:3]


def a_text(artist: object) -> bool:
    return bool(getattr(artist, "get_text", lambda: "")())


def test_symbol_exports_answer_in_every_format(client: TestClient) -> None:
    for fmt in ("png", "svg", "pdf"):
        r = client.get(f"/export.{fmt}?level=prefecture&indicator=patent_applications&width=600&height=450&scale=1")
        assert r.status_code == 200, fmt
