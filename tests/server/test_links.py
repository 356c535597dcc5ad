"""Every link on every page type answers 200, in both languages: a bounded crawl of the app as a visitor clicks.

Bounded so that it stays a quick test: each distinct path and query at most once, at most CAP in all and PER_KIND
of one page type, the least visited type first, so every type is reached. A drawn download (PNG, SVG, PDF, XLSX,
the briefing PDF: seconds each) is checked through the same view's CSV or briefing page, which the same route
reads and checks the same way; tests/server/test_exports.py draws them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient

from server.app import create_app
from server.settings import Settings

HTML = {"Accept": "text/html"}
CAP = 150  # distinct URLs fetched at most
PER_KIND = 3  # at most this many URLs of one page type (a region, a map view): every type is reached within CAP
DRAWN = re.compile(r"^/(export\.(png|svg|pdf|xlsx)|briefing\.pdf)$")  # checked through their view's CSV or page
SEEDS = ["/", "/map?level=prefecture", "/map?level=county&indicator=patent_applications", "/embed?level=county",
         "/compare?level=county", "/compare?level=prefecture&indicator=patent_applications",
         "/timeline?level=county", "/timeline?level=prefecture&indicator=patent_applications",
         "/briefing?level=prefecture&indicator=patent_applications", "/zones", "/zones/lanbai", "/regions",
         "/regions/620000", "/regions/620100", "/regions/620982", "/search?q=dh", "/sources"]


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


def fetched_as(url: str) -> str:
    """What the crawler fetches for a link: a drawn download's view through its CSV (same route, same checks) or,
    for the briefing PDF, the briefing page of the same view."""
    parts = urlsplit(url)
    if not DRAWN.match(parts.path):
        return url
    path = "/briefing" if parts.path == "/briefing.pdf" else "/export.csv"
    return path + (f"?{parts.query}" if parts.query else "")


def kind(url: str) -> str:
    """A page type: the path with region codes and zone ids taken out (/regions/*/series, /zones/*)."""
    path = re.sub(r"/\d{6}(?=/|$)", "/*", urlsplit(url).path)
    return re.sub(r"^/(zones|api/zones)/[a-z0-9-]+$", r"/\1/*", path)


@pytest.fixture(scope="module")
def crawler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db: Path = tmp_path_factory.mktemp("crawl") / "app.sqlite"
    with TestClient(create_app(Settings(database=db, _env_file=None))) as c:  # type: ignore[call-arg]
        yield c


def test_every_link_on_every_page_answers_200(crawler: TestClient) -> None:
    queue = [(s + ("&" if "?" in s else "?") + "lang=en") for s in SEEDS] + list(SEEDS)
    queue = sorted(queue, key=lambda u: "lang=en" in u)  # zh and en alternate through the seeds
    seen: set[str] = set(queue)
    came_from = {u: "(seed)" for u in queue}
    visits: Counter[str] = Counter()
    broken: list[tuple[str, int, str]] = []
    fetched = 0
    while queue and fetched < CAP:
        queue.sort(key=lambda u: visits[kind(u)])  # the least visited page type first
        url = queue.pop(0)
        if visits[kind(url)] >= PER_KIND:
            continue
        visits[kind(url)] += 1
        fetched += 1
        r = crawler.get(fetched_as(url), headers=HTML, follow_redirects=True)
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
    assert broken == []
    kinds = {kind(u) for u in seen}
    for page in ("/", "/map", "/embed", "/compare", "/timeline", "/briefing", "/zones", "/zones/*", "/regions",
                 "/regions/*", "/api/regions/*/series", "/search", "/sources", "/export.png", "/export.csv", "/docs",
                 "/briefing.pdf", "/api/values"):
        assert page in kinds, page
        assert visits[page] >= 1, page
    for drawn in ("/export.svg", "/export.pdf", "/export.xlsx"):
        assert drawn in kinds, drawn
    assert fetched >= 60  # well past the seeds
