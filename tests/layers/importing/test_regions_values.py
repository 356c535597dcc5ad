"""Region names and cell values as planners write them."""

from __future__ import annotations

import pytest

from geo.boundaries import BoundarySet
from layers.importing.regions import RegionMatcher
from layers.importing.values import parse_number, parse_year


@pytest.fixture(scope="module")
def matcher(boundaries: BoundarySet) -> RegionMatcher:
    return RegionMatcher(boundaries.regions)


@pytest.mark.parametrize(("text", "adcode"), [
    ("临夏回族自治州", "622900"), ("临夏州", "622900"), ("甘南州", "623000"), ("甘南藏族自治州", "623000"),
    ("兰州", "620100"), ("兰州市", "620100"), ("甘肃省兰州市", "620100"), ("Lanzhou", "620100"),
    ("lanzhou shi", "620100"), ("ＬＡＮＺＨＯＵ", "620100"), ("620102", "620102"), ("620102.0", "620102"),
    ("620102000000", "620102"), ("城关区", "620102"), ("城关", "620102"), ("Chengguan District", "620102"),
    ("兰州市城关区", "620102"), ("天水市 秦州区", "620502"), ("东乡", "622926"), ("东乡县", "622926"),
    ("积石山县", "622927"), ("环县", "621022"), ("敦煌", "620982"), ("dunhuang", "620982"), ("Qin'an", "620522"),
    ("临夏市", "622901"), ("临夏县", "622921"), ("嘉峪关", "620200"), ("甘肃省", "620000"), ("华亭", "620881"),
])
def test_names_match(matcher: RegionMatcher, text: str, adcode: str) -> None:
    m = matcher.match(text, None)
    assert m.unit is not None and m.unit.adcode == adcode, m


@pytest.mark.parametrize(("text", "level", "candidates"), [
    ("临夏", None, {"622900", "622901", "622921"}),
    ("临夏", "county", {"622901", "622921"}),
    ("白银", None, {"620400", "620402"}),
])
def test_ambiguous_names_are_not_guessed(matcher: RegionMatcher, text: str, level: str | None,
                                         candidates: set[str]) -> None:
    m = matcher.match(text, level)
    assert m.unit is None and {u.adcode for u in m.units} == candidates


def test_declared_level_settles(matcher: RegionMatcher) -> None:
    assert matcher.match("白银", "county").unit.adcode == "620402"  # type: ignore[union-attr]
    assert matcher.match("临夏", "prefecture").unit.adcode == "622900"  # type: ignore[union-attr]
    wrong = matcher.match("临夏县", "prefecture")
    assert wrong.unit is None and [u.adcode for u in wrong.wrong_level] == ["622921"]


@pytest.mark.parametrize(("text", "key"), [
    ("兰州新区", "imp_hint_new_area"), ("620171", "imp_hint_new_area"), ("兰州高新区", "imp_hint_unofficial"),
    ("兰白试验区", "imp_hint_lanbai"), ("629999", "imp_hint_code"), ("环", "imp_hint_close"),
])
def test_unofficial_units_get_a_hint_not_a_guess(matcher: RegionMatcher, text: str, key: str) -> None:
    m = matcher.match(text, None)
    assert m.units == () and m.hint[0] == key


@pytest.mark.parametrize(("cell", "value", "qualifier"), [
    ("1,234", 1234, "="), ("１２３４", 1234, "="), ("１，２３４", 1234, "="), ("12.5%", 12.5, "="),
    ("4 800", 4800, "="), ("123件", 123, "="), ("10多", 10, ">"), ("＞10", 10, ">"), ("超过20", 20, ">"),
    (12.0, 12, "="), (7, 7, "="), ("-5", -5, "="), ("1e3", 1000, "="),
])
def test_numbers(cell: object, value: float, qualifier: str) -> None:
    p = parse_number(cell, ("件",))
    assert (p.value, p.qualifier, p.problem) == (value, qualifier, None)


@pytest.mark.parametrize("cell", ["", "  ", "-", "—", "－", "/", "…", None, "N/A", "无"])
def test_blanks_and_dashes_are_no_data(cell: object) -> None:
    assert parse_number(cell).missing


@pytest.mark.parametrize(("cell", "problem"), [
    ("=1+1", "formula"), ("+1+1", "formula"), ("@SUM(A1:A3)", "formula"), ("-cmd", "formula"),
    ("1,23", "not_a_number"), ("1.234,5", "not_a_number"), ("abc", "not_a_number"), (True, "not_a_number"),
    (float("nan"), "not_a_number"),
])
def test_bad_cells(cell: object, problem: str) -> None:
    assert parse_number(cell).problem == problem


def test_years() -> None:
    assert [parse_year(x, 2026)[0] for x in ("2016", "2016年", "２０１６年度", 2016.0, 2016)] == [2016] * 5
    assert parse_year("1984", 2026)[1] == "year_out_of_range" and parse_year("2027", 2026)[1] == "year_out_of_range"
    assert parse_year("二〇一六", 2026)[1] == "year_not_a_year"
