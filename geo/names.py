"""English and pinyin names for Chinese administrative units, for bilingual labels and search."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from types import ModuleType

from geo import resources

# Pinyin of every unit and zone name (full and stem), made by `ipmap build-pinyin`: serving looks names up here,
# so a worker never loads pypinyin's dictionary (~53 MB) unless an upload spells a name no table knows.
PINYIN_TABLE = resources.PINYIN_TABLE
# Place-name readings that differ from the common reading of the characters.
_READINGS = {"民乐": [["mín"], ["lè"]], "武都": [["wǔ"], ["dū"]]}
# Official English names that are not plain pinyin.
_OFFICIAL_EN = {"阿克塞哈萨克族自治县": "Aksay Kazakh Autonomous County"}

# Longest first: the first suffix that matches is the one used.
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("保安族东乡族撒拉族自治县", "Bonan, Dongxiang and Salar Autonomous County"),
    ("哈萨克族自治县", "Kazakh Autonomous County"),
    ("蒙古族自治县", "Mongol Autonomous County"),
    ("裕固族自治县", "Yugur Autonomous County"),
    ("东乡族自治县", "Dongxiang Autonomous County"),
    ("回族自治县", "Hui Autonomous County"),
    ("藏族自治县", "Tibetan Autonomous County"),
    ("族自治县", "Autonomous County"),
    ("回族自治州", "Hui Autonomous Prefecture"),
    ("藏族自治州", "Tibetan Autonomous Prefecture"),
    ("省", "Province"),
    ("市", "City"),
    ("区", "District"),
    ("县", "County"),
)


def split_suffix(name_zh: str) -> tuple[str, str, str]:
    """(stem, Chinese suffix, English suffix); 东乡族自治县 keeps its stem 东乡."""
    for zh, en in _SUFFIXES:
        if name_zh.endswith(zh) and len(name_zh) > len(zh):
            return name_zh[: -len(zh)], zh, en
    return name_zh, "", ""


@lru_cache(maxsize=1)
def _pypinyin() -> ModuleType:
    """pypinyin with the place-name readings, loaded on first need."""
    import pypinyin

    pypinyin.load_phrases_dict(_READINGS)
    return pypinyin


@lru_cache(maxsize=1)
def _table() -> dict[str, list[str]]:
    return json.loads(PINYIN_TABLE.read_text(encoding="utf-8")) if PINYIN_TABLE.exists() else {}


def _computed(text: str) -> list[str]:
    py = _pypinyin()
    return ["".join(py.lazy_pinyin(text)), "".join(py.lazy_pinyin(text, style=py.Style.FIRST_LETTER))]


def pinyin(text: str) -> str:
    """Toneless pinyin, syllables joined: 敦煌 -> dunhuang."""
    hit = _table().get(text)
    return hit[0] if hit else _computed(text)[0]


def initials(text: str) -> str:
    """First letters of each syllable: 敦煌 -> dh."""
    hit = _table().get(text)
    return hit[1] if hit else _computed(text)[1]


def name_forms(names: Iterable[str]) -> set[str]:
    """Each name and its stem without suffix: the texts whose pinyin search and imports look up."""
    return {form for n in names for form in (n, split_suffix(n)[0]) if form}


def pinyin_table(texts: Iterable[str]) -> dict[str, list[str]]:
    """[pinyin, initials] of each text, computed with pypinyin: what `ipmap build-pinyin` writes."""
    return {text: _computed(text) for text in sorted(set(texts))}


def dump_table(table: dict[str, list[str]]) -> str:
    """The table as JSON, one name per line (reviewable diffs)."""
    rows = [f"{json.dumps(k, ensure_ascii=False)}: {json.dumps(v)}" for k, v in table.items()]
    return "{\n" + ",\n".join(rows) + "\n}\n"


def romanise(text: str) -> str:
    """Capitalised pinyin with the apostrophe before a syllable that starts with a vowel: 秦安 -> Qin'an."""
    syllables = _pypinyin().lazy_pinyin(text)
    out = syllables[0] if syllables else ""
    for s in syllables[1:]:
        out += ("'" if s[:1] in "aoe" else "") + s
    return out.capitalize()


def english_name(name_zh: str) -> str:
    """Pinyin stem with an English suffix: 临夏回族自治州 -> Linxia Hui Autonomous Prefecture.

    A one-syllable stem keeps its Chinese suffix in pinyin (县 of 环县 -> Huanxian County),
    as the official romanisation does.
    """
    if name_zh in _OFFICIAL_EN:
        return _OFFICIAL_EN[name_zh]
    stem, zh, en = split_suffix(name_zh)
    if len(stem) == 1 and zh:
        stem = stem + zh[0] if zh in ("县", "区", "市") else stem
    return f"{romanise(stem)} {en}".strip()
