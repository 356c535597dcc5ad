"""Markup in data (region names, sources, notes, units, dataset names) and in request parameters reaches every
page, tooltip, legend and embed as text, never as markup; the JSON API returns it unchanged."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from server.csp import script_hash
from tests.conftest import EVALUATED

HTML = {"Accept": "text/html"}
PAGES = ["/", "/map?level=county", "/map?level=county&lang=en", "/map?level=prefecture",
         "/map?level=prefecture&lang=en", "/map?level=county&year=2019", "/map?level=county&year=2019&lang=en",
         "/embed?level=county&year=2019", "/embed?level=prefecture&lang=en", "/embed?level=county&lang=en"]
JS_TYPES = {"text/javascript", "application/javascript", "module"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
TOOLTIP_FIELD = re.compile(r'"(tip_name|tip_value|tip_rank|tip_source)": ("(?:[^"\\]|\\.)*")')


class Page(HTMLParser):
    """A page as a browser's parser sees it: tags with attributes, inline scripts, and the text of each class."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.text: dict[str, str] = defaultdict(str)
        self.plain: list[str] = []
        self._open: list[tuple[str, list[str]]] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self._open.append((tag, (dict(attrs).get("class") or "").split()))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i:]
                break

    def handle_data(self, data: str) -> None:
        self.plain.append(data)
        if self._open and self._open[-1][0] == "script":
            attrs = next(a for t, a in reversed(self.tags) if t == "script")
            if not attrs.get("src") and (attrs.get("type") or "text/javascript") in JS_TYPES:
                self.scripts.append(data)  # code the browser runs (a JSON data block is not)
        for _, classes in self._open:
            for c in classes:
                self.text[c] += data


def assert_inert(text: str, csp: str | None = None) -> Page:
    """No payload became markup or ran as a template: no event-handler attribute, no <img src=x>, no script but the
    page's own, no trace of template syntax evaluated on the server."""
    assert not [mark for mark in EVALUATED if mark in text]
    page = Page(text)
    handlers = [(t, a) for t, attrs in page.tags for a in attrs if a.lower().startswith("on")]
    assert handlers == []
    assert not [t for t, attrs in page.tags if t in ("img", "svg") and (attrs.get("src") == "x" or "onload" in attrs)]
    if csp is not None:  # every inline script is one the page meant: its hash is in the policy
        assert all(script_hash(s) in csp for s in page.scripts)
    return page


def tooltips(page: Page) -> list[Page]:
    """Each tooltip field as Leaflet will insert it (innerHTML), parsed like the browser parses it."""
    return [Page(json.loads(value)) for script in page.scripts for _, value in TOOLTIP_FIELD.findall(script)]


@pytest.mark.parametrize("url", PAGES)
def test_pages_show_hostile_data_as_text(hostile_client: TestClient, hostile: dict, url: str) -> None:
    r = hostile_client.get(url, headers=HTML)
    assert r.status_code == 200
    page = assert_inert(r.text, r.headers["content-security-policy"])
    tips = tooltips(page)
    assert len(tips) >= 14 * 4
    for tip in tips:  # a tooltip field holds text and at most a <small>, with no attributes
        assert all(t == "small" and not attrs for t, attrs in tip.tags), tip.tags
    visible = "".join(page.plain) + "".join("".join(tip.plain) for tip in tips) + str(page.tags)
    assert any(x in visible for x in hostile["xss"]), "the hostile strings should be on the page, as text"


def test_hostile_strings_show_as_text_in_title_legend_tooltip_and_ranking(hostile_client: TestClient,
                                                                          hostile: dict) -> None:
    """Not vacuous: on the 2019 county page each hostile string is in each place a visitor reads it, as text."""
    page = assert_inert(hostile_client.get("/map?level=county&year=2019", headers=HTML).text)
    chengguan, dunhuang = hostile["names"]["620102"][0], hostile["names"]["620982"][0]
    assert hostile["source"] in page.text["ipmap-sources"]
    assert dunhuang in page.text["ipmap-legend"]  # named among the units without data
    assert chengguan in page.text["ranking"]
    assert hostile["source"] in [attrs.get("title") for t, attrs in page.tags if t == "td"]
    tips = ["".join(tip.plain) for tip in tooltips(page)]
    assert any(t.startswith(chengguan) for t in tips) and hostile["source"] in tips


def test_hostile_strings_reach_the_redrawn_page_as_text(hostile_client: TestClient, hostile: dict) -> None:
    """The parts the script puts in place with innerHTML, and the map script it loads, hold data only as text."""
    state = hostile_client.get("/map.json?level=prefecture&year=2019").json()
    page = assert_inert(state["panel"] + state["figure"])
    assert all(assert_inert(part) for part in state["caption"].values())
    lanzhou = hostile["names"]["620100"][0]
    assert lanzhou in page.text["ranking"] and lanzhou in [r["name_zh"] for r in state["ranking"]]
    tips = tooltips(Page(f"<script>{hostile_client.get(state['script']).text}</script>"))
    assert len(tips) >= 14 * 4 and all(t == "small" and not attrs for tip in tips for t, attrs in tip.tags)
    assert any("".join(tip.plain).startswith(lanzhou) for tip in tips)


@pytest.mark.parametrize("param", ["indicator", "scheme", "level", "lang", "year", "k"])
def test_reflected_parameters_are_escaped_on_error_pages(hostile_client: TestClient, hostile: dict,
                                                         param: str) -> None:
    for payload in hostile["xss"]:
        r = hostile_client.get("/map", params={param: payload}, headers=HTML)
        assert r.status_code in (404, 422) and "text/html" in r.headers["content-type"]
        assert_inert(r.text, r.headers["content-security-policy"])
        if param in ("indicator", "level", "year"):
            r = hostile_client.get("/api/values", params={param: payload})
            assert r.status_code in (404, 422) and r.headers["content-type"] == "application/json"


def test_json_api_returns_the_data_unchanged(hostile_client: TestClient, hostile: dict) -> None:
    """JSON is data, not HTML: the API gives the exact strings, typed as JSON and never sniffed as HTML."""
    xss = hostile["xss"]
    r = hostile_client.get(f"/api/values?level=county&year={hostile['year']}")
    assert r.headers["content-type"] == "application/json" and r.headers["x-content-type-options"] == "nosniff"
    row = next(v for v in r.json()["values"] if v["adcode"] == "620102")
    assert row["name_zh"] == hostile["names"]["620102"][0] and row["source"] == hostile["source"]
    assert row["note"] == hostile["note"] and row["unit"] == hostile["unit"]
    detail = hostile_client.get("/api/regions/620102").json()
    mine = next(v for v in detail["values"] if v["year"] == hostile["year"] and v["indicator"] == "population")
    assert mine["note"] == hostile["note"] and mine["unit"] == hostile["unit"] and mine["source"] == hostile["source"]
    found = hostile_client.get("/api/values", params={"indicator": xss[0]})
    assert found.status_code == 404 and xss[0] in found.json()["detail"]


QUOTED_SOURCE = "\"统计\" ' onmouseover='alert(1)' & R&D"  # quotes and ampersands: no tag, so an upload takes it
QUOTED_NOTE = "\" autofocus onfocus=\"alert(2)\" 1 < 2 > 0"


def test_upload_cannot_plant_markup_and_what_it_takes_shows_as_text(hostile_client: TestClient,
                                                                    hostile: dict) -> None:
    auth = {"Authorization": "Bearer test-token"}
    good = "地区,指标,年份,数值\r\n白银市,专利授权量,2023,5120\r\n".encode()
    for payload in hostile["xss"]:  # tags are refused outright, wherever they are sent
        r = hostile_client.post("/api/datasets", files={"file": ("x.csv", good)}, data={"source": payload},
                                headers=auth)
        assert r.status_code == 422 and {x["code"] for x in r.json()["report"]} == {"markup"}
    buf = io.StringIO()
    csv.writer(buf).writerows([["地区", "指标", "年份", "数值", "备注"],
                               ["白银市", "专利授权量", 2023, 5120, QUOTED_NOTE],
                               ["天水市", "专利授权量", 2023, 640, QUOTED_NOTE]])
    r = hostile_client.post("/api/datasets", files={"file": ("q.csv", buf.getvalue().encode())},
                            data={"source": QUOTED_SOURCE, "publish": "true"}, headers=auth)
    assert r.status_code == 200, r.text
    for url in ("/map?level=prefecture&indicator=patent_grants&year=2023",
                "/embed?level=prefecture&indicator=patent_grants&year=2023&lang=en"):
        r = hostile_client.get(url, headers=HTML)
        page = assert_inert(r.text, r.headers["content-security-policy"])
        assert QUOTED_SOURCE in page.text["ipmap-sources"]
        assert QUOTED_SOURCE in ["".join(t.plain) for t in tooltips(page)]
        if "/map" in url:
            assert QUOTED_SOURCE in [attrs.get("title") for t, attrs in page.tags if t == "td"]
    values = hostile_client.get("/api/values?indicator=patent_grants&level=prefecture&year=2023").json()["values"]
    baiyin = next(v for v in values if v["adcode"] == "620400")
    assert baiyin["source"] == QUOTED_SOURCE and baiyin["note"] == QUOTED_NOTE


OTHER_PAGES = ["/regions", "/regions/620102", "/regions/620100", "/zones", "/zones/lanbai",
               "/search?q=%E5%9F%8E%E5%85%B3", "/compare?level=county&indicator=population&year=2020",
               "/timeline?level=county&indicator=population", "/briefing?level=county&year=2019",
               "/regions/620102/series?indicator=population"]


@pytest.mark.parametrize("url", OTHER_PAGES)
def test_every_other_page_shows_hostile_data_as_text(hostile_client: TestClient, hostile: dict, url: str) -> None:
    r = hostile_client.get(url, headers=HTML)
    assert r.status_code == 200
    page = assert_inert(r.text, r.headers["content-security-policy"])
    visible = "".join(page.plain) + str(page.tags) + "".join("".join(t.plain) for t in tooltips(page))
    assert any(name in visible for names in hostile["names"].values() for name in names) or \
        any(x in visible for x in hostile["xss"]), url


def assert_svg_inert(svg: bytes) -> None:
    """An SVG a browser may open on its own: no script, no foreign HTML, no event handlers."""
    from xml.etree import ElementTree

    root = ElementTree.fromstring(svg)
    for el in root.iter():
        assert el.tag.rsplit("}", 1)[-1] not in ("script", "foreignObject"), el.tag
        assert not [a for a in el.attrib if a.rsplit("}", 1)[-1].lower().startswith("on")], el.attrib


def test_exports_carry_hostile_text_as_data(hostile_client: TestClient, hostile: dict) -> None:
    chengguan = hostile["names"]["620102"][0]
    r = hostile_client.get("/export.csv?level=county&year=2019")
    assert r.headers["content-type"].startswith("text/csv") and r.headers["x-content-type-options"] == "nosniff"
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"), newline="")))
    assert any(chengguan in row for row in rows)  # the name as it is: a CSV is data, not HTML
    r = hostile_client.get("/export.xlsx?level=county&year=2019")
    import openpyxl

    cells = [c for row in openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows() for c in row]
    assert chengguan in [c.value for c in cells] and not [c for c in cells if c.data_type == "f"]
    for url in ("/export.svg?level=county&year=2019", "/export.svg?level=prefecture&lang=en",
                "/regions/620102/series.svg?indicator=population"):
        r = hostile_client.get(url)
        assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
        assert_svg_inert(r.content)
        script_src = r.headers["content-security-policy"].split("script-src")[1].split(";")[0]
        assert "'unsafe-inline'" not in script_src  # opened on its own, it runs no script


def test_a_hostile_plan_and_indicator_show_as_text(hostile_client: TestClient, hostile: dict) -> None:
    """A plan and an indicator that reached the store with markup and template syntax (the checks refuse markup at
    the door; this is what the pages do if it gets in anyway): the briefing previewing the plan, the plan's page and
    the catalogue page show it as text. Last in the module: it adds an indicator to the hostile catalogue."""
    import pandas as pd
    from argon2 import PasswordHasher

    from layers.core.catalogue import Indicator
    from layers.store.additions import add_indicators
    from layers.store.sqlite import DatasetMeta

    xss, tpl = hostile["xss"], hostile["template"]
    atlas = hostile_client.app.state.atlas  # type: ignore[attr-defined]
    plan = {"plan_id": "hostile-plan", "name_zh": "规划" + xss[0] + tpl[1], "name_en": xss[1], "region": "620000",
            "start_year": 2026, "end_year": 2030, "citation": "《" + xss[2] + "》"}
    section, quote = "二、" + xss[1] + tpl[0], xss[2] + tpl[2]
    targets = pd.DataFrame([{"plan_id": "hostile-plan", "adcode": "620000", "indicator": "invention_patents_per_10k",
                             "year": 2030, "value": 9.5, "value_max": None, "kind": "level", "comparator": ">=",
                             "section": section, "quote": quote, "source": plan["citation"] + "，" + section}])
    draft = atlas.store.add_dataset(DatasetMeta(name=str(plan["name_zh"]), kind="plan", source=str(plan["citation"])),
                                    pd.DataFrame(columns=["adcode"]), targets, publish=False, plan=plan)
    add_indicators(atlas.store, [Indicator(id="hostile_indicator", name_zh="指标" + xss[0] + tpl[1], name_en=xss[2],
                                           unit="件", unit_en="items", kind="count", aliases=[tpl[3]])], "test")
    r = hostile_client.get(f"/briefing?level=county&year=2019&draft={draft}",
                           headers=HTML | {"Authorization": "Bearer test-token"})
    assert r.status_code == 200
    page = assert_inert(r.text, r.headers["content-security-policy"])
    assert xss[1] in "".join(page.plain) + str(page.tags)
    accounts = hostile_client.app.state.accounts  # type: ignore[attr-defined]
    accounts.hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    accounts.add_user("xss-admin", "admin", "a long enough password")
    browser = TestClient(hostile_client.app)
    login = browser.get("/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', login).group(1)  # type: ignore[union-attr]
    browser.post("/login", data={"csrf": csrf, "name": "xss-admin", "password": "a long enough password"})
    for url, planted in ((f"/workspace/plans/{draft}", quote), ("/workspace/plans", str(plan["name_zh"])),
                         ("/workspace/indicators", "指标" + xss[0] + tpl[1])):
        r = browser.get(url)
        assert r.status_code == 200, url
        shown = assert_inert(r.text, r.headers["content-security-policy"])
        assert planted in "".join(shown.plain), url
