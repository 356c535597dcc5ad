"""Every link on every page answers 200, in both languages: a crawl of the app as a visitor clicks, over link shapes.

Every distinct link the crawl sees (about 1,500) is checked to name only what exists (regions, zones, indicators)
and described by what changes the code its route runs, per page type (the path with region codes and zone ids
taken out): the structural parameters it names (a drill-down's `within`, a selected `region`, the chart's
`regions`, small multiples' `years`, a `base_year` or second indicator, a search, a version), its level, its
language, the map style (maps and embeds), the chart's scale, and the indicator's kind (a count drawn as circles,
a rate, or a quantity diverging around a centre). The crawl fetches the link that brings the most of these not yet
covered, adds the links of the page it gets, and stops when no link brings anything new (about 80 fetches):
every page type in both languages, at both levels, in each style and indicator kind, with each structural
parameter, at least once. That suffices because two links alike in all of these differ only in a region code, a
zone id, a year or an indicator of the same kind, and the route runs the same code for both: such values are
checked in one place (`Atlas.resolve`, a 404 naming the parameter; tests/server/test_parameters.py and
test_bad_inputs.py), and every link's names are checked here against the atlas. Fetching every distinct link
would take many minutes; this takes under a minute on a busy 2-core machine.

A drawn download (PNG, SVG, PDF, the briefing PDF: seconds each) is checked once per format through its view's CSV
or briefing page, which the same route reads and checks the same way (tests/server/test_exports.py draws them);
small multiples, which a CSV does not take, are drawn once for real at a small size; a chart's picture and a
region's series SVG are fetched once each (their page, of the same view, brings the rest).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient

from server.app import create_app
from server.settings import Settings

HTML = {"Accept": "text/html"}
DRAWN = re.compile(r"^/(export\.(png|svg|pdf|xlsx)|briefing\.pdf)$")
INDICATOR_PARAMS = ("indicator", "indicator2")
SEEDS = ["/", "/map?level=prefecture", "/map?level=county&indicator=patent_applications", "/embed?level=county",
         "/compare?level=county", "/compare?level=prefecture&indicator=patent_applications",
         "/timeline?level=county", "/timeline?level=prefecture&indicator=patent_applications",
         "/briefing?level=prefecture&indicator=patent_applications", "/zones", "/zones/lanbai", "/regions",
         "/regions/620000", "/regions/620100", "/regions/620982", "/search?q=dh", "/sources",
         "/chart?indicator=patent_applications&level=prefecture",
         "/map?level=county&indicator=patent_applications&style=choropleth"]


class Links(HTMLParser):
    """The href of every <a> on a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def same_origin(base: str, href: str) -> str | None:
    """The path and query a link leads to on this site, or None for another site, a fragment or a mail link."""
    url = urlsplit(urljoin("http://testserver" + base, href))
    if url.scheme not in ("http", "https") or url.netloc != "testserver":
        return None
    return url.path + (f"?{url.query}" if url.query else "")


def kind(url: str) -> str:
    """A page type: the path with region codes and zone ids taken out (/regions/*/series, /zones/*)."""
    path = re.sub(r"/\d{6}(?=/|$)", "/*", urlsplit(url).path)
    return re.sub(r"^/(zones|api/zones)/[a-z0-9-]+$", r"/\1/*", path)


def indicator_kinds(catalogue: list[dict[str, object]]) -> dict[str, str]:
    """Each indicator's kind as a page draws it: counts and amounts (circles by default), a quantity diverging
    around a centre (growth, progress), or any other rate, share or score (a sequential choropleth)."""
    return {str(i["id"]): "count" if i["kind"] in ("count", "amount") else "centred" if i["centre"] is not None
            else "rate" for i in catalogue}


STRUCTURAL = ("within", "region", "regions", "years", "base_year", "indicator2", "q", "version", "draft")


ONCE = re.compile(r"^/(chart\.(png|svg)|regions/\d{6}/series\.svg)$")  # a view's figure alone: its page has the rest
STYLED = ("/map", "/embed")  # the pages a style changes (the others draw a count's map as they do any other)


def features(url: str, kinds: dict[str, str]) -> set[tuple[str, ...]]:
    """What a link runs, as features of its page type: its structural parameters' names, and each value that
    changes the kind of page (level, language, the map style, the chart's scale, the indicators' kinds). A drawn
    download is one feature per format, small multiples apart; a chart's picture one feature (its page, of the
    same view, brings the rest)."""
    page = kind(url)
    query = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    if DRAWN.match(urlsplit(url).path) or ONCE.match(urlsplit(url).path):
        return {("drawn", page, str("years" in query))}
    out = {(page, "params", ",".join(sorted(k for k in query if k in STRUCTURAL)))}
    out |= {(page, k, query.get(k, "")) for k in ("level", "lang")}
    if page in STYLED:
        out.add((page, "style", query.get("style", "")))
    if page == "/chart":
        out.add((page, "scale", query.get("scale", "")))
    out |= {(page, k, kinds.get(query[k], "?")) for k in INDICATOR_PARAMS if k in query}
    return out


def checked_as(url: str) -> str:
    """What the crawl fetches for a drawn link: its view's CSV (the same route and checks) or, for the briefing
    PDF, the briefing page of the same view; small multiples as they are, at a small size."""
    parts = urlsplit(url)
    if "years=" in parts.query:
        return f"{url}&width=480&height=360"
    path = "/briefing" if parts.path == "/briefing.pdf" else "/export.csv"
    return path + (f"?{parts.query}" if parts.query else "")


def names_something(url: str, names: dict[str, set[str]]) -> bool:
    """Whether each region, zone and indicator a link names exists (so a link to nothing is never passed over as
    a shape already fetched)."""
    parts = urlsplit(url)
    codes = re.findall(r"/(\d{6})(?=/|$)", parts.path)
    zone = re.match(r"^/(?:api/)?zones/([a-z0-9-]+)$", parts.path)
    query = parse_qsl(parts.query)
    codes += [c for k, v in query if k in ("region", "within", "regions") for c in v.split(",") if c]
    return (all(c in names["regions"] for c in codes) and (not zone or zone.group(1) in names["zones"])
            and all(v in names["indicators"] for k, v in query if k in INDICATOR_PARAMS))


@pytest.fixture(scope="module")
def crawler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db: Path = tmp_path_factory.mktemp("crawl") / "app.sqlite"
    with TestClient(create_app(Settings(database=db, _env_file=None))) as c:  # type: ignore[call-arg]
        yield c


def test_every_link_on_every_page_answers_200(crawler: TestClient) -> None:
    catalogue = crawler.get("/api/indicators").json()
    kinds = indicator_kinds(catalogue)
    names = {"regions": {r["adcode"] for lvl in ("prefecture", "county") for r in
                         crawler.get(f"/api/regions?level={lvl}").json()} | {"620000"},
             "zones": {z["id"] for z in crawler.get("/api/zones").json()}, "indicators": set(kinds)}
    start = time.perf_counter()
    queue = [u for s in SEEDS for u in (s, s + ("&" if "?" in s else "?") + "lang=en")]
    seen: set[str] = set(queue)
    came_from = {u: "(seed)" for u in queue}
    covered: set[tuple[str, ...]] = set()
    broken: list[tuple[str, int | str, str]] = []
    fetched = 0
    known: dict[str, set[tuple[str, ...]]] = {}
    while queue:
        for url in queue:
            if url not in known:
                known[url] = features(url, kinds)
                if not names_something(url, names):
                    broken.append((url, "names nothing", came_from[url]))
        # the link that brings the most features not yet covered (fewest fetches for the same coverage); of
        # those, a prefecture view first (14 units to draw instead of 87)
        gain = {u: len(known[u] - covered) for u in queue}
        queue = [u for u in queue if gain[u]]
        if not queue:
            break
        url = max(queue, key=lambda u: (gain[u], "level=county" not in u))
        queue.remove(url)
        new = known[url] - covered
        covered |= new
        fetched += 1
        r = crawler.get(checked_as(url) if DRAWN.match(urlsplit(url).path) else url, headers=HTML,
                        follow_redirects=True)
        if r.status_code != 200:
            broken.append((url, r.status_code, came_from[url]))
            continue
        if "text/html" not in r.headers.get("content-type", ""):
            continue
        parser = Links()
        parser.feed(r.text)
        for href in parser.hrefs:
            target = same_origin(url, href)
            if target and target not in seen:
                seen.add(target)
                came_from[target] = url
                queue.append(target)
    took = time.perf_counter() - start
    print(f"\n{len(seen)} distinct links seen and checked for what they name, {fetched} fetched, "
          f"{len(covered)} features covered, {took:.1f} s")
    assert broken == []
    kinds = {kind(u) for u in seen}
    for page in ("/", "/map", "/embed", "/compare", "/timeline", "/briefing", "/zones", "/zones/*", "/regions",
                 "/regions/*", "/api/regions/*/series", "/search", "/sources", "/export.png", "/export.csv", "/docs",
                 "/briefing.pdf", "/api/values", "/chart", "/chart.png", "/chart.svg", "/export.svg", "/export.pdf",
                 "/export.xlsx"):
        assert page in kinds, page
    def has(page: str, key: str, value: str) -> bool:
        return (page, key, value) in covered

    for page in ("/map", "/embed", "/compare", "/timeline", "/briefing", "/chart", "/zones", "/regions/*"):
        assert has(page, "lang", "en") and has(page, "lang", ""), page  # both languages
    for page in ("/map", "/embed", "/compare", "/timeline", "/briefing"):
        assert has(page, "level", "county") and has(page, "level", "prefecture"), page
        assert {v for p, k, v in covered if p == page and k == "indicator"} >= {"count", "rate", "centred"}, page
    assert has("/map", "style", "choropleth")  # a count as a choropleth; counts are circles by default
    assert any(p == "/map" and k == "params" and "within" in v for p, k, v in covered)  # the drill-down
    assert ("drawn", "/export.pdf", "True") in covered or ("drawn", "/export.png", "True") in covered  # multiples
    for drawn in ("/export.png", "/export.svg", "/export.pdf", "/briefing.pdf", "/export.xlsx"):
        assert ("drawn", drawn, "False") in covered, drawn
