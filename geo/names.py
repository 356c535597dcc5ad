"""English and pinyin names for Chinese administrative units, for bilingual labels and search."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin, load_phrases_dict

# Place-name readings that differ from the common reading of the characters.
load_phrases_dict({"民乐": [["mín"], ["lè"]], "武都": [["wǔ"], ["dū"]]})
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


def pinyin(text: str) -> str:
    """Toneless pinyin, syllables joined: 敦煌 -> dunhuang."""
    return "".join(lazy_pinyin(text))


def initials(text: str) -> str:
    """First letters of each syllable: 敦煌 -> dh."""
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER))


def romanise(text: str) -> str:
    """Capitalised pinyin with the apostrophe before a syllable that starts with a vowel: 秦安 -> Qin'an."""
    syllables = lazy_pinyin(text)
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
