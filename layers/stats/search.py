"""Find regions and zones by Chinese, pinyin (tones or not), pinyin initials, English name or adcode."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geo.names import initials, pinyin, split_suffix
from layers.core.zones import Zone

MAX_QUERY = 100
_LEVEL_ORDER = {"province": 0, "prefecture": 1, "county": 2, "zone": 3}
_SEPARATORS = re.compile(r"[\s'’\-_.,·，、（）()]+")
_TONE_DIGITS = re.compile(r"(?<=[a-z])[1-5]")


def normalise(text: str) -> str:
    """Lower case, tone marks and tone numbers gone, ü as v, no spaces or apostrophes: 'Dūn huáng' -> 'dunhuang'."""
    text = unicodedata.normalize("NFKD", text.strip().lower()).replace("u\u0308", "v")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _TONE_DIGITS.sub("", text)
    return _SEPARATORS.sub("", text)


@dataclass(frozen=True)
class Entry:
    """One thing that can be found, with every key it can be found by."""

    kind: str  # "region" or "zone"
    key: str  # adcode or zone id
    name_zh: str
    name_en: str
    level: str  # province / prefecture / county, or "zone"
    keys: tuple[str, ...]  # matched whole or by their start
    inner: tuple[str, ...]  # also matched inside (names and full pinyin; never initials, which match by accident)


@dataclass(frozen=True)
class Hit:
    """A search result: what it is, its names, where its page is and how well it matched (lower is better)."""

    kind: str
    key: str
    name_zh: str
    name_en: str
    level: str
    url: str
    score: int


def _norm_all(raw: set[str]) -> tuple[str, ...]:
    keys = {normalise(k) for k in raw if k}
    keys |= {k.replace("v", "u") for k in keys if "v" in k}  # 绿 lv, also typed lu
    return tuple(sorted(k for k in keys if k))


def _keys(name_zh: str, name_en: str, *extra: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    stem = split_suffix(name_zh)[0]
    inner = {name_zh, stem, pinyin(name_zh), pinyin(stem), name_en}
    return _norm_all(inner | {initials(name_zh), initials(stem), *extra}), _norm_all(inner)


def build_index(regions: pd.DataFrame, zones: list[Zone]) -> list[Entry]:
    """Every region (one entry per adcode, the higher level kept) and every zone, with their keys."""
    order = regions.assign(_o=regions.level.map(_LEVEL_ORDER)).sort_values(["_o", "adcode"])
    rows: list[Any] = list(order.drop_duplicates("adcode").itertuples())  # pandas types row fields as any scalar
    entries = [Entry("region", r.adcode, r.name_zh, r.name_en, r.level, *_keys(r.name_zh, r.name_en, r.adcode))
               for r in rows]
    entries += [Entry("zone", z.id, z.name_zh, z.name_en, "zone", *_keys(z.name_zh, z.name_en, z.id)) for z in zones]
    return entries


def _score(query: str, entry: Entry) -> int | None:
    """0 exact, 1 prefix, 2 inside a name (three letters or more, or any Chinese); None when nothing matches."""
    if query in entry.keys:
        return 0
    if any(k.startswith(query) for k in entry.keys):
        return 1
    if (len(query) >= 3 or not query.isascii()) and any(query in k for k in entry.inner):
        return 2
    return None


def search(index: list[Entry], query: str, lang: str = "zh", limit: int = 20) -> list[Hit]:
    """Entries matching the query, best first: exact before prefix before substring, regions before zones."""
    q = normalise(query[:MAX_QUERY])
    if not q:
        return []
    hits = []
    for i, e in enumerate(index):
        s = _score(q, e)
        if s is not None:
            path = f"/regions/{e.key}" if e.kind == "region" else f"/zones/{e.key}"
            url = path + ("?lang=en" if lang == "en" else "")
            hits.append((s, _LEVEL_ORDER[e.level], i, Hit(e.kind, e.key, e.name_zh, e.name_en, e.level, url, s)))
    hits.sort(key=lambda h: h[:3])
    return [h[3] for h in hits[:limit]]
