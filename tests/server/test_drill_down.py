"""Drill-down: /map?level=county&within=ADCODE draws exactly that prefecture's counties, fitted to them, with a way
back; the ranking, the embed and the exports follow; the prefecture map links each prefecture to its counties."""

from __future__ import annotations

import csv
import io
import re

import pytest
from fastapi.testclient import TestClient

from tests.server.test_xss import Page, assert_inert

HTML = {"Accept": "text/html"}
FIT = re.compile(r"fitBounds\(\s*\[\[([\d.]+), ([\d.]+)\], \[([\d.]+), ([\d.]+)\]\]")


def counties_of(client: TestClient, prefecture: str) -> set[str]:
    return {r["adcode"] for r in client.get("/api/regions?level=county").json() if r["parent"] == prefecture}


def drawn(html: str) -> set[str]:
    """The units the map's own layer draws (neighbours and zones carry no adcode)."""
    return set(re.findall(r'"adcode": "(\d{6})"', html))


def ranked(html: str) -> set[str]:
    return {a["data-adcode"] or "" for t, a in Page(html).tags if t == "tr" and a.get("data-adcode")}


@pytest.mark.parametrize("prefecture", ["620100", "620900", "623000"])
def test_exactly_the_prefectures_counties_are_drawn_and_ranked(client: TestClient, prefecture: str) -> None:
    expected = counties_of(client, prefecture)
    assert expected
    r = client.get(f"/map?level=county&within={prefecture}", headers=HTML)
    assert r.status_code == 200
    assert_inert(r.text, r.headers["content-security-policy"])
    assert drawn(r.text) == expected
    assert ranked(r.text) == expected
    assert drawn(client.get(f"/embed?level=county&within={prefecture}", headers=HTML).text) == expected
    rows = list(csv.DictReader(io.StringIO(client.get(f"/export.csv?level=county&within={prefecture}"
                                                      ).content.decode("utf-8-sig"))))
    assert {row["adcode"] for row in rows} == expected
    ranks = sorted(int(float(row["排名"])) for row in rows)
    assert ranks == list(range(1, len(expected) + 1))  # ranked among themselves


def test_the_drill_down_is_fitted_to_its_counties(client: TestClient) -> None:
    whole = [float(v) for v in FIT.search(client.get("/map?level=county", headers=HTML).text).groups()]  # type: ignore[union-attr]
    part = [float(v) for v in FIT.search(  # type: ignore[union-attr]
        client.get("/map?level=county&within=620100", headers=HTML).text).groups()]
    assert whole[0] <= part[0] and whole[1] <= part[1] and part[2] <= whole[2] and part[3] <= whole[3]
    assert (part[3] - part[1]) < (whole[3] - whole[1]) / 4  # Lanzhou spans a fraction of Gansu's width
    assert 35.5 < part[0] < part[2] < 37.5 and 102.5 < part[1] < part[3] < 105  # and it is Lanzhou's box


def test_title_breadcrumb_and_way_back(client: TestClient) -> None:
    page = Page(client.get("/map?level=county&within=620100&indicator=patent_applications&year=2023",
                           headers=HTML).text)
    crumbs = page.text["drill-crumbs"]
    assert "甘肃省" in crumbs and "兰州市" in crumbs
    back = [a["href"] or "" for t, a in page.tags if t == "a" and "level=prefecture" in (a.get("href") or "")]
    assert any("region=620100" in h and "within" not in h and "year=2023" in h for h in back)
    assert any("兰州市 县区" in "".join(page.plain[i:i + 1]) for i in range(len(page.plain)))
    en = Page(client.get("/map?level=county&within=620100&lang=en", headers=HTML).text)
    assert "Counties of Lanzhou City" in "".join(en.plain)


def test_prefecture_ranking_rows_link_to_their_drill_downs(client: TestClient) -> None:
    page = Page(client.get("/map?level=prefecture&indicator=patent_applications&year=2023", headers=HTML).text)
    links = {a["href"] or "" for t, a in page.tags if t == "a" and "drill" in (a.get("class") or "")}
    assert len(links) == 14
    target = next(h for h in links if h.endswith("within=620500"))
    r = client.get(target, headers=HTML)
    assert r.status_code == 200 and drawn(r.text) == counties_of(client, "620500")
    # an indicator with no county values offers no drill-down
    none = Page(client.get("/map?level=prefecture&indicator=invention_patents_obtained", headers=HTML).text)
    assert not [a for t, a in none.tags if t == "a" and "drill" in (a.get("class") or "")]


def test_drill_down_exports_draw_the_prefecture(client: TestClient) -> None:
    r = client.get("/export.png?level=county&within=620100&width=600&height=450&scale=1")
    assert r.status_code == 200 and r.content[:4] == b"\x89PNG"
    r = client.get("/export.pdf?level=county&within=620100&indicator=patent_applications&years=2022-2023")
    assert r.status_code == 200


@pytest.mark.parametrize("query", ["level=prefecture&within=620100", "level=county&within=620102",
                                   "level=county&within=999999", "level=county&within=6201"])
def test_bad_drill_downs_are_refused_by_name(client: TestClient, query: str) -> None:
    r = client.get(f"/map?{query}")
    assert r.status_code in (404, 422) and "within" in r.text


def test_a_prefecture_is_offered_its_counties_only_when_they_have_values(client: TestClient) -> None:
    """Invention patents per 10k have county values for some prefectures' counties only: the others' rows offer no
    drill-down (it was a link to a 404 from the map, compare and timeline rankings)."""
    html = client.get("/map?level=prefecture&indicator=invention_patents_per_10k", headers=HTML).text
    links = set(re.findall(r'href="(/map\?[^"]*within=(\d{6}))"', html))
    assert 0 < len(links) < 14
    for href, _ in links:
        assert client.get(href.replace("&amp;", "&"), headers=HTML).status_code == 200
    assert client.get("/map?level=county&indicator=invention_patents_per_10k&within=620100",
                      headers=HTML).status_code == 404  # no county value there: no link either
    assert "within=620100" not in html
