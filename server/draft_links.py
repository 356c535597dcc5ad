"""A draft preview's links keep the draft: every link, form and embed snippet on a previewed page that leads to a
page, export or answer taking `draft=` gets `draft=ID`, so the first click does not drop to published data.

Done once, on the rendered page, for the routes that declare `draft` (read from FastAPI's own dependency tree, as
server.params does): a new route that takes drafts is covered without editing this, and the templates and the
public pages' bytes stay as they are. Scripts are left alone (their CSP hashes are of their exact text; none holds
a link)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from fastapi import FastAPI
from fastapi.routing import APIRoute

from server.params import declared

SCRIPT = re.compile(r"(<script\b[^>]*>.*?</script>)", re.S | re.I)
# href="/map?..." and, in an embed snippet shown as text, src=&#34;/embed?...&#34;
LINK = re.compile(r'(?P<pre>\b(?:href|src)=)(?P<q>"|&#34;|&quot;)(?P<path>/(?![/\\])[^"\s<>#?&]*?)'
                  r'(?P<query>\?[^"\s<>#]*?)?(?P<frag>#[^"\s<>]*?)?(?P=q)')
FORM = re.compile(r'<form\b[^>]*\baction="(?P<path>/(?![/\\])[^"?#]*)"[^>]*>', re.I)
HAS_DRAFT = re.compile(r"(?:^\?|&amp;|&)draft=")
_TAKES: dict[tuple[int, str], bool] = {}


def api_routes(routes: Iterable[object]) -> list[APIRoute]:
    """Every APIRoute in routing order, included routers walked into (they hold no prefix here)."""
    out: list[APIRoute] = []
    for r in routes:
        if isinstance(r, APIRoute):
            out.append(r)
        elif hasattr(r, "original_router"):
            out += api_routes(r.original_router.routes)
    return out


def takes_draft(app: FastAPI, path: str) -> bool:
    """Whether the GET route that answers `path` declares `draft` (False for no route, e.g. /static)."""
    key = (id(app), path)
    hit = _TAKES.get(key)
    if hit is None:
        hit = False
        for route in api_routes(app.router.routes):
            if "GET" in (route.methods or ()) and route.path_regex.match(path):
                hit = "draft" in declared(route.dependant)
                break
        if len(_TAKES) > 8192:
            _TAKES.clear()
        _TAKES[key] = hit
    return hit


def keep_draft(app: FastAPI, html: str, draft: int) -> str:
    """The page with `draft=ID` on every link and GET form that leads to a route taking it."""
    def link(m: re.Match[str]) -> str:
        query = m["query"] or ""
        if not takes_draft(app, m["path"]) or HAS_DRAFT.search(query):
            return m[0]
        query = f"{query}&amp;draft={draft}" if len(query) > 1 else f"?draft={draft}"
        return f'{m["pre"]}{m["q"]}{m["path"]}{query}{m["frag"] or ""}{m["q"]}'

    def form(m: re.Match[str]) -> str:
        method = re.search(r'\bmethod="(\w+)"', m[0])
        if (method and method[1].lower() != "get") or not takes_draft(app, m["path"]):
            return m[0]
        return f'{m[0]}<input type="hidden" name="draft" value="{draft}">'

    parts = SCRIPT.split(html)
    for i in range(0, len(parts), 2):  # the even parts are outside <script>
        parts[i] = FORM.sub(form, LINK.sub(link, parts[i]))
    return "".join(parts)
