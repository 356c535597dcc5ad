"""Folium maps rendered to text in one pass, so text from data is never run as a template.

branca assembles a page by rendering each element's macros and wrapping the result in `Element(result)`, which
compiles that result as a new jinja2 Template and renders it a second time. Every `{{ }}`, `{% %}` and `{# #}` in a
source, name, note or unit was therefore evaluated on the server (remote code execution through `cycler`), or
made the page a 500 (`{%raw%}`, `来源 {# 表3`). HTML escaping cannot help: the delimiters are plain text in HTML.
The fix is at that root: an Element made from a string renders to that string. The only Element built from a
string that is meant as a template is branca's children loop (Div); it keeps being compiled.
"""

from __future__ import annotations

from typing import Any

import branca.element as be
import folium
from jinja2 import Template

# Template strings branca itself passes to Element() as code (not rendered output): compiled as before.
_CODE = frozenset({
    "{% for name, element in this._children.items() %}{{element.render(**kwargs)}}{% endfor %}",
    "{% for name, element in this._children.items() %}\n    {{element.render(**kwargs)}}{% endfor %}",
})


class Literal:
    """Stands where branca keeps a compiled template: renders to its own text, whatever the text holds."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def render(self, *args: Any, **kwargs: Any) -> str:
        return self.text


def _template_for(text: str) -> Template | Literal:
    return Template(text) if text in _CODE else Literal(text)


_ORIGINAL_INIT = be.Element.__init__


def _element_init(self: be.Element, template: str | None = None, template_name: str | None = None) -> None:
    _ORIGINAL_INIT(self, None, template_name)
    if template is not None:
        self._template_str = template
        self._template = _template_for(template)  # type: ignore[assignment]


def _element_setstate(self: be.Element, state: dict[str, Any]) -> None:
    if state.get("_template_str") is not None:
        state["_template"] = _template_for(state["_template_str"])
    elif state.get("_template_name") is not None:
        state["_template"] = be.ENV.get_template(state["_template_name"])
    self.__dict__.update(state)


if not getattr(be.Element, "_ipmap_literal", False):
    be.Element.__init__ = _element_init  # type: ignore[method-assign]
    be.Element.__setstate__ = _element_setstate  # type: ignore[method-assign]
    be.Element._ipmap_literal = True  # type: ignore[attr-defined]


def render_parts(m: folium.Map) -> dict[str, str]:
    """The map's head, body and script HTML, each rendered once, to place inside our own page templates."""
    assert getattr(be.Element, "_ipmap_literal", False), "branca's second template pass is not disabled"
    fig: Any = m.get_root()  # a branca Figure: its header, html and script are untyped attributes
    fig.render()
    return {"head": fig.header.render(), "body": fig.html.render(), "script": fig.script.render()}
