"""A draft preview keeps the draft: every link on a previewed page that leads to a map, export, region or chart
carries draft=ID, the picker posts it, and the embed snippet names it."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient

from tests.server.test_workspace import MAP, client, commit_draft, signed_in  # noqa: F401 - fixture

DATA = ("/map", "/embed", "/export.", "/briefing", "/compare", "/timeline", "/regions/", "/chart", "/zones/",
        "/api/values", "/")


class Links(HTMLParser):
    """Every internal href/src, GET form (with its hidden fields) and the embed snippet's text."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[tuple[str, dict[str, str]]] = []
        self.snippet = ""
        self._in_snippet = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for key in ("href", "src"):
            if a.get(key, "").startswith("/") and not a[key].startswith("//"):
                self.links.append(a[key])
        if tag == "form" and a.get("method", "get").lower() == "get":
            self.forms.append((a.get("action", ""), {}))
        if tag == "input" and a.get("type") == "hidden" and self.forms:
            self.forms[-1][1][a.get("name", "")] = a.get("value", "")
        self._in_snippet = tag == "textarea" and a.get("id") == "ipmap-embed-code"

    def handle_data(self, data: str) -> None:
        if self._in_snippet:
            self.snippet += data


def data_link(url: str) -> bool:
    path = urlsplit(url).path
    return path == "/" or any(path.startswith(p) for p in DATA[:-1])


def test_every_data_link_of_a_preview_keeps_the_draft(client: TestClient) -> None:  # noqa: F811
    draft = commit_draft(client, signed_in(client, "li"))
    page = Links()
    page.feed(client.get(f"{MAP}&draft={draft}").text)
    links = [u for u in page.links if data_link(u)]
    kinds = {urlsplit(u).path.split(".")[0].split("/")[1] for u in links}
    assert {"map", "embed", "export", "briefing", "compare", "timeline", "regions", "chart"} <= kinds, kinds
    dropped = [u for u in links if parse_qs(urlsplit(u).query).get("draft") != [str(draft)]]
    assert not dropped, dropped[:5]
    assert not [u for u in page.links if u.startswith("/static/") and "draft" in u]  # assets untouched
    picker = [fields for action, fields in page.forms if action == "/map"]
    assert picker and picker[0].get("draft") == str(draft)
    assert f"draft={draft}" in page.snippet.split('src="')[1].split('"')[0]
    # a region page reached from it keeps the draft too
    region = next(u for u in links if urlsplit(u).path.startswith("/regions/"))
    page2 = Links()
    page2.feed(client.get(region).text)
    dropped = [u for u in page2.links if data_link(u) and parse_qs(urlsplit(u).query).get("draft") != [str(draft)]]
    assert not dropped, dropped[:5]
