"""Sources for people: the raw source texts a map's values carry, named once each in the page's language.

Values keep the source text they were imported with, and computed values name their inputs' sources after
"计算 computed: <arithmetic> · " (COMPUTED, written by layers.stats). A map shows one line,
"来源：第七次全国人口普查；县级专利数为示意数据", each name linked to /sources, which holds the texts as cited,
files, licences and the arithmetic.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from geo import resources
from layers.core.catalogue import Catalogue
from layers.core.fmt import esc, number
from layers.core.i18n import t

COMPUTED = "计算 computed: "  # how a computed value's source text starts (layers.stats writes it)
REGISTRY = resources.DATA / "sources.toml"
KINDS = ("official", "plan", "report", "press", "upload", "illustrative", "processing")
_MORE = re.compile(r"^等 \d+ 个来源$")  # derive's "and N more sources" marker


@dataclass(frozen=True)
class Source:
    """One source as people name it, and what /sources says about it."""

    id: str
    kind: str
    name_zh: str
    name_en: str
    match: tuple[str, ...] = ()
    about_zh: str = ""
    about_en: str = ""
    file: str = ""
    licence: str = ""

    def name(self, lang: str) -> str:
        """The name in a language."""
        return self.name_en if lang == "en" else self.name_zh

    def about(self, lang: str) -> str:
        """The description in a language."""
        return self.about_en if lang == "en" else self.about_zh


@lru_cache(maxsize=4)
def registry(path: Path = REGISTRY) -> tuple[Source, ...]:
    """The known sources, in the order a source line lists them."""
    with open(path, "rb") as f:
        raw = tomllib.load(f)
    out = []
    for s in raw["source"]:
        if s["kind"] not in KINDS:
            raise ValueError(f"source {s['id']}: kind {s['kind']!r} is not one of {KINDS}")
        out.append(Source(**(s | {"match": tuple(s["match"])})))
    return tuple(out)


def split(raw: str) -> tuple[str | None, list[str]]:
    """A raw source text as (arithmetic of a computed value or None, the original source texts it cites).

    A computed value's sources are joined with "；" by layers.derive; a registered text may carry a processing
    note after "; ". Any other text is a planner's, kept whole, exactly as typed.
    """
    if not raw.startswith(COMPUTED):
        return None, _own_parts(raw)
    head, _, body = raw[len(COMPUTED):].partition(" · ")
    cited = [p.strip() for p in body.split("；") if p.strip() and not _MORE.match(p.strip())]
    return head.strip(), [part for c in cited for part in _own_parts(c)]


def _own_parts(text: str) -> list[str]:
    text = text.strip()
    if not text:
        return []
    if identify(text).kind == "upload":
        return [text]
    return [p.strip() for p in text.split("; ") if p.strip()]  # a processing note after "; " (census sums)


def identify(part: str) -> Source:
    """The known source a cited text belongs to, or an upload named by its own text."""
    for s in registry():
        if any(part.startswith(m) for m in s.match):
            return s
    return Source(id=upload_id(part), kind="upload", name_zh=part, name_en=part)


def upload_id(text: str) -> str:
    """A stable anchor for a source nobody registered (a planner's upload): its text, hashed short."""
    return "upload-" + hashlib.blake2b(text.encode(), digest_size=4).hexdigest()


@dataclass(frozen=True)
class Cited:
    """The sources behind some values: each once, in reading order, and whether any value was computed."""

    sources: tuple[Source, ...]
    computed: bool
    texts: dict[str, tuple[str, ...]]  # source id -> the texts cited for it, as written


def cited(raw_sources: Iterable[object]) -> Cited:
    """Each distinct source of some values once: official, plans and reports, uploads, the illustrative mark last."""
    found: dict[str, Source] = {}
    texts: dict[str, dict[str, None]] = {}
    computed = False
    for raw in raw_sources:
        if not isinstance(raw, str) or not raw:
            continue
        arithmetic, parts = split(raw)
        computed |= arithmetic is not None
        for part in parts:
            s = identify(part)
            found.setdefault(s.id, s)
            texts.setdefault(s.id, {})[part] = None
    order = {s.id: i for i, s in enumerate(registry())}
    shown = sorted(found.values(), key=lambda s: (KINDS.index(s.kind), order.get(s.id, len(order)), s.name_zh))
    return Cited(tuple(shown), computed, {k: tuple(v) for k, v in texts.items()})


def sources_href(lang: str, anchor: str = "") -> str:
    """The /sources page in a language, at an anchor."""
    return "/sources" + ("?lang=en" if lang == "en" else "") + (f"#{anchor}" if anchor else "")


def source_line_html(raw_sources: Iterable[object], lang: str, illustrative: bool = False) -> str:
    """'来源：第七次全国人口普查；县级专利数为示意数据 · 计算方法', escaped, each name a link to /sources.

    Values flagged illustrative whose sources do not say so themselves (an upload marked illustrative) add
    '示意数据', linked to the dataset list.
    """
    c = cited(raw_sources)
    sep = "; " if lang == "en" else "；"

    def link(anchor: str, text: str) -> str:
        return f'<a href="{esc(sources_href(lang, anchor))}" target="_blank" rel="noopener">{esc(text)}</a>'

    links = [link(s.id, s.name(lang)) for s in c.sources if s.kind != "processing"]
    if illustrative and not any(s.kind == "illustrative" for s in c.sources):
        links.append(link("datasets", t("illustrative_short", lang)))
    body = sep.join(links) or "—"
    if c.computed:
        body += " · " + link("computed", t("computed_how", lang))
    return f"{esc(t('source', lang))}{esc(t('colon', lang))}{body}"


def source_line_text(raw_sources: Iterable[object], lang: str, illustrative: bool = False) -> str:
    """The source line as plain text for print: names only; where values are computed, where to read how."""
    c = cited(raw_sources)
    names = [s.name(lang) for s in c.sources if s.kind != "processing"]
    if illustrative and not any(s.kind == "illustrative" for s in c.sources):
        names.append(t("illustrative_short", lang))
    line = f"{t('source', lang)}{t('colon', lang)}{('; ' if lang == 'en' else '；').join(names) or '—'}"
    return line + (t("computed_print", lang) if c.computed else "")


def tooltip_source(raw: object, lang: str) -> str:
    """One value's source in words for its tooltip: '计算 · 第七次全国人口普查；县级专利数为示意数据' (unescaped)."""
    if not isinstance(raw, str) or not raw:
        return "—"
    arithmetic, _ = split(raw)
    c = cited([raw])
    names = ("; " if lang == "en" else "；").join(s.name(lang) for s in c.sources if s.kind != "processing")
    return f"{t('computed', lang)} · {names}" if arithmetic is not None else names or "—"


def computed_rules(catalogue: Catalogue, lang: str) -> list[dict[str, str]]:
    """How each computed indicator is worked out, in words: sums up the hierarchy, ratios, growth, shares, progress."""
    def name(i: str | None) -> str:
        ind = catalogue.get(i or "")
        return ind.name_en if lang == "en" else ind.name_zh

    rows = [{"id": "sum", "name": t("computed", lang), "rule": t("derived_sum_note", lang)}]
    for ind in catalogue.indicators.values():
        if ind.derive == "ratio":
            rule = t("derived_ratio_note", lang, numerator=name(ind.numerator), denominator=name(ind.denominator),
                     scale=number(ind.scale))
        elif ind.derive:
            rule = t(f"derived_{ind.derive}_note", lang, base=name(ind.base))
        else:
            continue
        rows.append({"id": ind.id, "name": name(ind.id), "rule": rule})
    return rows

