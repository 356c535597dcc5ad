"""Search by Chinese, pinyin with or without tones, initials, English and adcode."""

from __future__ import annotations

import pytest

from geo.boundaries import BoundarySet
from layers.core.zones import ZoneBook
from layers.stats.search import build_index, normalise, search


@pytest.fixture(scope="module")
def index(boundaries: BoundarySet) -> list:
    return build_index(boundaries.regions, list(ZoneBook.load().zones))


@pytest.mark.parametrize("query", ["dunhuang", "dh", "敦煌", "Dunhuang", "dūnhuáng", "Dūn Huáng", "dun1huang2",
                                   "DUNHUANG", "Dunhuang City", "敦煌市", "620982", " dunhuang "])
def test_dunhuang_is_found_first(index: list, query: str) -> None:
    hits = search(index, query)
    assert hits and hits[0].key == "620982" and hits[0].url == "/regions/620982", [h.key for h in hits[:3]]


def test_dunhuang_finds_the_zone_too(index: list) -> None:
    keys = [h.key for h in search(index, "敦煌")]
    assert "dunhuang-culture" in keys and keys.index("620982") < keys.index("dunhuang-culture")
    assert search(index, "dunhuang", lang="en")[0].url == "/regions/620982?lang=en"


@pytest.mark.parametrize(("query", "key"), [
    ("lanzhou", "620100"), ("兰州", "620100"), ("lz", "620100"), ("Lanzhou City", "620100"),
    ("qin'an", "620522"), ("qinan", "620522"), ("minle", "620722"), ("wudu", "621202"),
    ("gannan", "623000"), ("甘南藏族自治州", "623000"), ("Linxia Hui Autonomous Prefecture", "622900"),
    ("兰白", "lanbai"), ("lanbai", "lanbai"), ("Lanzhou New Area", "lanzhou-new-area"), ("甘肃", "620000"),
    ("jiayuguan", "620200"),
])
def test_regions_and_zones_by_any_name(index: list, query: str, key: str) -> None:
    assert search(index, query)[0].key == key


def test_jiayuguan_is_listed_once(index: list) -> None:
    assert [h.key for h in search(index, "嘉峪关")].count("620200") == 1


def test_exact_beats_prefix_beats_substring(index: list) -> None:
    hits = search(index, "linxia")
    assert [h.score for h in hits] == sorted(h.score for h in hits)
    assert hits[0].score == 0


def test_short_latin_needs_a_prefix_but_chinese_matches_inside(index: list) -> None:
    assert all(h.score < 2 for h in search(index, "an"))
    assert any(h.key == "620105" for h in search(index, "宁区"))  # 安宁区, by a substring


@pytest.mark.parametrize("query", ["", "   ", "'", "zzzzqqq", "<script>", "zzzz"])
def test_nothing_found(index: list, query: str) -> None:
    assert search(index, query) == []


def test_normalise() -> None:
    assert normalise("Lǘ Nǚ") == "lvnv" and normalise("Qín'ān") == "qinan"
    assert normalise("dun4 huang2") == "dunhuang" and normalise("620982") == "620982"


def test_limit(index: list) -> None:
    assert len(search(index, "县", limit=5)) == 5
