"""Match the region names planners write to adcodes: codes, full and short names, with or without 市/县/区, pinyin.

Pure and deterministic: a name that fits more than one unit is reported as ambiguous (unless the file's declared
level settles it), and a name that fits none is reported with a hint; nothing is guessed.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from geo.names import pinyin, split_suffix

PROVINCE = "620000"
PROVINCE_PREFIXES = ("甘肃省", "甘肃")
# Places planners put in tables that are not county-level administrative units: hint keys in layers/i18n.py.
UNOFFICIAL = {"兰州新区": "imp_hint_new_area", "兰白试验区": "imp_hint_lanbai",
              "兰白科技创新改革试验区": "imp_hint_lanbai"}
UNOFFICIAL_CODES = {"620171": "兰州新区"}
UNOFFICIAL_WORDS = ("新区", "开发区", "高新区", "试验区", "实验区", "园区", "保税区", "示范区", "经开区")
_LATIN = re.compile(r"[^a-z]")
_CODE = re.compile(r"^\d{6}(?:\d{6})?$")


@dataclass(frozen=True)
class Unit:
    """One administrative unit a row can name."""

    adcode: str
    name_zh: str
    level: str
    parent: str


@dataclass(frozen=True)
class Match:
    """Candidates for a name: one is a match, several are ambiguous, none is unmatched (with a hint)."""

    units: tuple[Unit, ...]
    hint: tuple[str, str] = ("", "")  # (message key, name) explaining an unmatched name
    wrong_level: tuple[Unit, ...] = ()

    @property
    def unit(self) -> Unit | None:
        """The unit when exactly one fits."""
        return self.units[0] if len(self.units) == 1 else None


def normalise(text: object) -> str:
    """Full-width to half-width, no spaces, 甘肃省 prefix dropped: '甘肃省 兰州市' -> '兰州市'."""
    s = unicodedata.normalize("NFKC", str(text)).strip()
    s = re.sub(r"\s+", "", s)
    if re.fullmatch(r"\d+\.0", s):  # Excel stores codes as numbers: 620102.0
        s = s[:-2]
    for p in PROVINCE_PREFIXES:
        if s.startswith(p) and len(s) > len(p) and not s[len(p):].startswith(("省", "合计")):
            s = s[len(p):]
            break
    return s


def latin_key(text: str) -> str:
    """'Lin Xia' / "Qin'an" / 'chengguan-qu' -> 'linxia', 'qinan', 'chengguanqu'."""
    return _LATIN.sub("", text.lower())


def short_names(name_zh: str, level: str) -> set[str]:
    """The short forms planners write: 临夏回族自治州 -> 临夏, 临夏州; 东乡族自治县 -> 东乡, 东乡县; 城关区 -> 城关.

    A one-character stem (环县, 漳县) is only ever written with its suffix, so it gets no short form.
    """
    stem, suffix, _ = split_suffix(name_zh)
    if not suffix or len(stem) < 2:
        return set()
    out = {stem}
    if suffix.endswith("自治州"):
        out |= {stem + "州", stem + "自治州"}
    elif suffix.endswith("自治县"):
        out |= {stem + "县", stem + "自治县"}
    return out


def latin_names(name_zh: str, name_en: str) -> set[str]:
    """Pinyin keys: the English name, the full name and the stem in pinyin (lanzhoucity, lanzhoushi, lanzhou)."""
    stem, _, en_suffix = split_suffix(name_zh)
    keys = {latin_key(name_en), latin_key(pinyin(name_zh))}
    if len(stem) >= 2:
        keys |= {latin_key(pinyin(stem)), latin_key(pinyin(stem) + en_suffix)}
    return {k for k in keys if k}


class RegionMatcher:
    """Index of every name form of the province, its 14 prefectures and 87 county-level units."""

    def __init__(self, regions: pd.DataFrame):
        self.units: dict[str, list[Unit]] = {}
        self.full: dict[str, set[str]] = {}
        self.alias: dict[str, set[str]] = {}
        self.latin: dict[str, set[str]] = {}
        columns = (regions[c].astype(str).tolist() for c in ("adcode", "name_zh", "name_en", "level", "parent"))
        for adcode, name_zh, name_en, level, parent in zip(*columns, strict=True):
            unit = Unit(adcode, name_zh, level, parent)
            self.units.setdefault(adcode, []).append(unit)
            self.full.setdefault(name_zh, set()).add(adcode)
            for a in short_names(name_zh, level):
                self.alias.setdefault(a, set()).add(adcode)
            for a in latin_names(name_zh, name_en):
                self.latin.setdefault(a, set()).add(adcode)
        self.children = {a: {u.adcode for us in self.units.values() for u in us if u.parent == a and u.adcode != a}
                         for a in self.units}
        self.match = lru_cache(maxsize=4096)(self._match)

    def _match(self, text: str, level: str | None = None) -> Match:
        """Candidates for one cell, narrowed by the declared level when several fit."""
        s = normalise(text)
        codes = self._candidates(s)
        if not codes:
            return Match((), self.hint(s))
        units = tuple(u for c in sorted(codes) for u in self.units[c])
        if level is not None:
            fit = tuple(u for u in units if u.level == level)
            if not fit:
                return Match((), ("", ""), tuple(units))
            units = fit
        by_code: dict[str, Unit] = {}
        for u in units:
            by_code.setdefault(u.adcode, u)  # 嘉峪关 is one unit at two levels: one match
        return Match(tuple(by_code.values()))

    def how(self, text: str) -> str:
        """How a text that matched was read: code, full_name, short_name, pinyin or path (prefecture + county)."""
        s = normalise(text)
        if _CODE.match(s):
            return "code"
        if s in self.full:
            return "full_name"
        if s in self.alias:
            return "short_name"
        if latin_key(s) and latin_key(s) in self.latin:
            return "pinyin"
        return "path"

    def _candidates(self, s: str) -> set[str]:
        if _CODE.match(s):
            code = s[:6] if len(s) == 6 or s.endswith("000000") else ""
            return {code} if code in self.units else set()
        for index in (self.full, self.alias):
            if s in index:
                return set(index[s])
        key = latin_key(s)
        if key and key == s.lower().replace(" ", "").replace("'", "").replace("-", "") and key in self.latin:
            return set(self.latin[key])
        return self._by_path(s)

    def _by_path(self, s: str) -> set[str]:
        """'兰州市城关区', '临夏州临夏县': a prefecture name, then one of its own counties."""
        for parent_name in sorted([*self.full, *self.alias], key=len, reverse=True):
            if s.startswith(parent_name) and len(s) > len(parent_name):
                parents = self.full.get(parent_name, set()) | self.alias.get(parent_name, set())
                rest = s[len(parent_name):]
                inner = self.full.get(rest, set()) | self.alias.get(rest, set())
                found = {c for p in parents for c in self.children.get(p, ()) if c in inner}
                if found:
                    return found
        return set()

    def hint(self, s: str) -> tuple[str, str]:
        """Why a name matched nothing, and what the planner may have meant: (i18n key, names)."""
        if s in UNOFFICIAL_CODES:
            s = UNOFFICIAL_CODES[s]
        if s in UNOFFICIAL:
            return UNOFFICIAL[s], s
        if any(w in s for w in UNOFFICIAL_WORDS):
            return "imp_hint_unofficial", s
        if _CODE.match(s):
            return "imp_hint_code", s
        # homophones first (临下县 sounds like 临夏县), then names that look alike
        codes = set(self.latin.get(latin_key(pinyin(s)), set())) if not latin_key(s) else set()
        close = difflib.get_close_matches(s, [*self.full, *self.alias], n=3, cutoff=0.5)
        codes |= {c for n in close for c in self.full.get(n, set()) | self.alias.get(n, set())}
        if not codes and latin_key(s):
            latin = difflib.get_close_matches(latin_key(s), list(self.latin), n=3, cutoff=0.75)
            codes = {c for k in latin for c in self.latin[k]}
        if codes:
            return "imp_hint_close", "、".join(sorted({self.units[c][0].name_zh for c in codes}))
        return "imp_hint_full_name", s
