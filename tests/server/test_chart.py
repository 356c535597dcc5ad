"""The chart view: one line per region over every year, each point the value /api/values gives for that year, with
its provenance mark, plan targets on their own year only, a log axis on request, and the same chart as SVG/PNG."""

from __future__ import annotations

import io
import math
import re
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from tests.server.test_xss import Page, assert_inert

HTML = {"Accept": "text/html"}
SVG_NS = "{http://www.w3.org/2000/svg}"
PREFS = ("620100", "620200", "620400")


def chart_svg(html: str) -> ET.Element:
    """The chart's SVG element out of a page (or a standalone SVG), parsed as XML: it must be well-formed."""
    start = html.index("<svg class=\"ipmap-linechart\"")
    return ET.fromstring(html[start:html.index("</svg>", start) + len("</svg>")])


def points(svg: ET.Element) -> list[dict[str, str]]:
    """Every point mark with its data attributes, title and fill."""
    out = []
    for el in svg.iter():
        if "ipmap-point" in (el.get("class") or ""):
            title = el.find(f"{SVG_NS}title")
            out.append(dict(el.attrib) | {"title": title.text if title is not None else ""})
    return out


def test_each_point_is_the_value_api_values_gives_for_its_year(client: TestClient) -> None:
    r = client.get(f"/chart?indicator=patent_applications&level=prefecture&regions={','.join(PREFS)}", headers=HTML)
    assert r.status_code == 200
    svg = chart_svg(r.text)
    pts = points(svg)
    lines = [g for g in svg.iter(f"{SVG_NS}g") if g.get("class") == "ipmap-line"]
    assert [g.get("data-adcode") for g in lines] == list(PREFS)  # one line per region, in the order asked
    drawn = {(p["data-adcode"], int(p["data-year"])): (float(p["data-value"]), p["data-provenance"]) for p in pts}
    years = client.get("/api/values?indicator=patent_applications&level=prefecture").json()["years"]
    assert len(years) >= 8
    expected = {}
    for year in years:
        for row in client.get(f"/api/values?indicator=patent_applications&level=prefecture&year={year}"
                              ).json()["values"]:
            if row["adcode"] in PREFS and row["value"] is not None:
                expected[(row["adcode"], year)] = (row["value"], row["provenance"])
    assert drawn == expected  # every year, every region: value and provenance, nothing more, nothing less


def test_illustrative_points_are_hollow_and_never_on_a_line_with_real_ones(client: TestClient) -> None:
    """With the demonstration on, 兰州市's valid invention patents mix published 2022 and 2024 with sums of made-up
    counties: the made-up ones are hollow, on dashed lines, and no stroke joins the two kinds."""
    r = client.get("/chart?indicator=valid_invention_patents&level=prefecture&regions=620100&demo=true", headers=HTML)
    svg = chart_svg(r.text)
    pts = points(svg)
    kinds = {int(p["data-year"]): p["data-provenance"] for p in pts}
    assert kinds[2022] == kinds[2024] == "published" and kinds[2016] == "computed_illustrative"
    for p in pts:
        hollow = p["fill"] == "#ffffff"
        assert hollow == (p["data-provenance"] in ("illustrative", "computed_illustrative")), p
        assert p["data-provenance"] in ("published", "computed", "illustrative", "computed_illustrative")
    xs = {float(p.get("cx") or float(p["x"]) + 3.6): int(p["data-year"]) for p in pts}

    def year_at(x: float) -> int:
        return xs[min(xs, key=lambda k: abs(k - x))]

    runs = [el for el in svg.iter(f"{SVG_NS}polyline") if el.get("class") == "ipmap-run"]
    assert runs
    for run in runs:
        years = [year_at(float(xy.split(",")[0])) for xy in run.get("points", "").split()]
        made_up = {kinds[y] != "published" for y in years}
        assert len(made_up) == 1, f"a line joins real and illustrative years {years}"
        assert (run.get("data-illustrative") == "true") == made_up.pop()
        assert (run.get("stroke-dasharray") is not None) == (run.get("data-illustrative") == "true")
    assert "⚠" in r.text and "示意数据" in Page(r.text).text["ipmap-line-label"]


def test_point_titles_say_year_value_unit_provenance_and_source(client: TestClient) -> None:
    svg = chart_svg(client.get("/chart?indicator=invention_patents_per_10k&regions=620000", headers=HTML).text)
    p = next(p for p in points(svg) if p["data-year"] == "2020")
    assert p["title"].startswith("甘肃省 · 2020：") and "件/万人" in p["title"] and "公布数" in p["title"]
    assert "来源：" in p["title"]
    en = chart_svg(client.get("/chart?indicator=invention_patents_per_10k&regions=620000&lang=en",
                              headers=HTML).text)
    assert next(p for p in points(en) if p["data-year"] == "2020")["title"].startswith("Gansu Province · 2020: ")


def test_the_plan_target_is_a_mark_on_its_own_year_and_quantity_only(client: TestClient) -> None:
    svg = chart_svg(client.get("/chart?indicator=invention_patents_per_10k&regions=620000,620100",
                               headers=HTML).text)
    marks = [g for g in svg.iter(f"{SVG_NS}g") if g.get("class") == "ipmap-target"]
    assert [(m.get("data-year"), float(m.get("data-value", "nan")), m.get("data-adcode")) for m in marks] == [
        ("2020", 3.5, "620000")]
    line = marks[0].find(f"{SVG_NS}line")
    assert line is not None and float(line.get("x2", 0)) - float(line.get("x1", 0)) < 40  # a tick, not a line
    # the province's target on patent applications is on their growth rate: not drawn on the counts
    counts = client.get("/chart?indicator=patent_applications&regions=620000", headers=HTML).text
    assert 'class="ipmap-target"' not in counts
    # a region the plan sets no target for gets none
    assert 'class="ipmap-target"' not in client.get("/chart?indicator=invention_patents_per_10k&regions=620100",
                                                    headers=HTML).text


def test_log_scale_spaces_values_by_their_ratio(client: TestClient) -> None:
    url = f"/chart?indicator=patent_applications&level=prefecture&regions={','.join(PREFS)}"
    for scale, f in (("log", math.log10), ("linear", lambda v: v)):
        pts = [p for p in points(chart_svg(client.get(f"{url}&scale={scale}", headers=HTML).text))
               if p["data-provenance"]]
        ys = [(float(p.get("cy") or float(p["y"]) + 3.6), f(float(p["data-value"]))) for p in pts]
        (y1, v1), (y2, v2) = min(ys), max(ys)
        slope = (y2 - y1) / (v2 - v1)
        for y, v in ys:  # every point on the same straight map from f(value) to height
            assert y == pytest.approx(y1 + slope * (v - v1), abs=0.2)
    assert "对数刻度" in client.get(f"{url}&scale=log", headers=HTML).text


def test_sources_line_names_every_points_source(client: TestClient) -> None:
    page = client.get("/chart?indicator=invention_patents_per_10k&regions=620000,620100", headers=HTML).text
    svg = chart_svg(page)
    foot = "".join(el.text or "" for el in svg.iter(f"{SVG_NS}text") if el.get("class") == "ipmap-chart-source")
    for p in points(svg):
        source = p["title"].split("来源：", 1)[1]
        for part in source.replace("；", "; ").split("; "):
            assert part.strip() in foot


def test_svg_and_png_exports_draw_the_same_chart(client: TestClient) -> None:
    q = f"indicator=patent_applications&level=prefecture&regions={','.join(PREFS)}"
    page = points(chart_svg(client.get(f"/chart?{q}", headers=HTML).text))
    r = client.get(f"/chart.svg?{q}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert "filename" in r.headers["content-disposition"]
    assert points(ET.fromstring(r.text)) == page
    r = client.get(f"/chart.png?{q}")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    img = Image.open(io.BytesIO(r.content))
    assert img.size == (1760, 920)
    assert len(img.convert("RGB").getcolors(maxcolors=1 << 20) or []) > 50  # drawn, not blank


def test_map_page_links_to_the_chart_and_each_ranking_row_adds_its_region(client: TestClient) -> None:
    page = Page(client.get("/map?level=prefecture&indicator=patent_applications&region=620200", headers=HTML).text)
    hrefs = [a.get("href") or "" for t, a in page.tags if t == "a"]
    assert any(h.startswith("/chart?") and "indicator=patent_applications" in h for h in hrefs)
    adds = [h for t, a in page.tags if t == "a" and "chart-add" in (a.get("class") or "") for h in [a["href"] or ""]]
    assert len(adds) == 14
    assert any(h.endswith("regions=620200,620100") for h in adds)  # the selected region, plus the row's
    r = client.get(next(h for h in adds if h.endswith("620100")).replace("&amp;", "&"), headers=HTML)
    assert r.status_code == 200
    assert [g.get("data-adcode") for g in chart_svg(r.text).iter(f"{SVG_NS}g") if g.get("class") == "ipmap-line"
            ] == ["620200", "620100"]


def test_chart_page_adds_and_removes_regions_with_plain_links(client: TestClient) -> None:
    r = client.get("/chart?indicator=patent_applications&level=prefecture&regions=620100", headers=HTML)
    assert_inert(r.text, r.headers["content-security-policy"])
    assert re.search(r'href="/chart\?[^"]*regions=620100,620200"', r.text)
    r = client.get("/chart?indicator=patent_applications&level=prefecture&regions=620100,620200", headers=HTML)
    assert re.search(r'href="/chart\?[^"]*regions=620200"[^>]*aria-label="移出', r.text)


def test_default_regions_are_the_views_top_five(client: TestClient) -> None:
    ranking = client.get("/api/values?indicator=patent_applications&level=prefecture").json()["values"]
    top = [r["adcode"] for r in sorted(ranking, key=lambda r: r["rank"] or 99)[:5]]
    svg = chart_svg(client.get("/chart?indicator=patent_applications&level=prefecture", headers=HTML).text)
    assert [g.get("data-adcode") for g in svg.iter(f"{SVG_NS}g") if g.get("class") == "ipmap-line"] == top


@pytest.mark.parametrize("query", ["regions=999999", "regions=620100,abc", "scale=cubic",
                                   "regions=" + ",".join(["620100", "620200", "620300", "620400", "620500", "620600",
                                                          "620700", "620800", "620900"])])
def test_bad_chart_parameters_are_refused_by_name(client: TestClient, query: str) -> None:
    r = client.get(f"/chart?indicator=patent_applications&{query}")
    assert r.status_code in (404, 422)
    assert query.split("=")[0] in r.text


def test_log_axis_labels_small_ticks_by_their_value(client: TestClient) -> None:
    svg = chart_svg(client.get("/chart?indicator=invention_patents_per_10k&regions=620000,620100&scale=log",
                               headers=HTML).text)
    ticks = [el.text for el in svg.iter(f"{SVG_NS}text") if el.get("text-anchor") == "end" and el.text]
    assert "0" not in ticks and "0.1" in ticks and "100" in ticks
