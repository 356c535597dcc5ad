"""Rendering pages: the one render helper, the language switch link and the labels of the page's language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from layers.core.fmt import number, qualified
from layers.core.i18n import t
from layers.core.sources import tooltip_source
from server.caching import cached
from server.csp import context_script_hashes
from server.draft_links import keep_draft


def lang_href(request: Request, lang: str) -> str:
    """The same page in the other language: the query kept, `lang` switched (Chinese is the default, so dropped)."""
    other = "zh" if lang == "en" else "en"
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    if other == "en":
        query.append(("lang", "en"))
    return request.url.path + ("?" + urlencode(query) if query else "")


def labels(lang: str) -> Callable[..., str]:
    """t() bound to one language, for templates: {{ t('zones') }}."""
    return lambda key, **kw: t(key, lang, **kw)


def page_context(request: Request, lang: str, **extra: Any) -> dict[str, Any]:
    """What the shared header and layout need, plus the page's own values."""
    return {"request": request, "lang": lang, "t": labels(lang), "lang_q": "?lang=en" if lang == "en" else "",
            "q": request.query_params.get("q", "")} | extra


def percent(value: float | None, decimals: int = 1) -> str:
    """'23.5%'; a dash when missing."""
    return "—" if value is None else f"{value:.{decimals}f}%"


def configure(templates: Jinja2Templates) -> None:
    """Filters the page templates use."""
    templates.env.filters["number"] = number
    templates.env.filters["percent"] = percent
    templates.env.filters["qualified"] = lambda v, q="=": qualified(v, q or "=")
    templates.env.globals["lang_href"] = lang_href
    templates.env.filters["source_words"] = tooltip_source  # a value's source as people name it (layers.core.sources)


def render(request: Request, template: str, context: dict[str, Any], embed: bool = False) -> Response:
    """Render a template and return it with an ETag, and a CSP allowing exactly its maps' inline scripts (and,
    for an embed, framing by the sites the settings allow: any by default).

    The labels (`t`) follow the context's `lang`, so a page's data need not carry them.
    """
    context = {"t": labels(str(context.get("lang", "zh"))),
               "draft_preview": getattr(request.state, "draft", None)} | context
    html = request.app.state.templates.get_template(template).render({"request": request, **context})
    if context["draft_preview"]:
        html = keep_draft(request.app, html, int(context["draft_preview"]["id"]))
    csp = request.app.state.csp.header(context_script_hashes(context), embed=embed)
    return cached(request, html, "text/html; charset=utf-8", headers={"Content-Security-Policy": csp})


def render_private(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> Response:
    """A page for one signed-in user (the workspace, sign-in): `private, no-store`, no ETag, never kept; the
    site's default CSP (no inline script)."""
    lang = str(context.get("lang", "zh"))
    html = request.app.state.templates.get_template(template).render(
        {"request": request, "t": labels(lang), "lang": lang, **context})
    return Response(html, status_code, media_type="text/html; charset=utf-8",
                    headers={"Cache-Control": "private, no-store"})


def render_fragment(request: Request, template: str, context: dict[str, Any]) -> str:
    """A partial template as text, with the context a page would give it (for JSON answers that carry the HTML of
    a part of a page, drawn by the very template the full page includes)."""
    context = {"t": labels(str(context.get("lang", "zh"))),
               "draft_preview": getattr(request.state, "draft", None)} | context
    return str(request.app.state.templates.get_template(template).render({"request": request, **context}))
