"""Statistical-yearbook tables through the importer: two-level headers, parts of a whole, unit lines, totals."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from geo.boundaries import BoundarySet
from layers.core.catalogue import Catalogue
from layers.importing.layout import find_layout, indicator_index
from layers.importing.read import read_table
from layers.importing.regions import RegionMatcher
from layers.importing.report import Options, Validated
from layers.importing.service import Upload, check

DATA = Path(__file__).resolve().parents[2] / "data"
PREF = {"兰州": "620100", "嘉峪关": "620200", "白银": "620400", "甘南": "623000"}


@pytest.fixture(scope="module")
def matcher(boundaries: BoundarySet) -> RegionMatcher:
    return RegionMatcher(boundaries.regions)


def run_file(name: str, catalogue: Catalogue, matcher: RegionMatcher, **opts: object) -> Validated:
    return check(Upload((DATA / name).read_bytes(), name, dry_run=True, options=Options(**opts)), catalogue, matcher)


def run_text(text: str, catalogue: Catalogue, matcher: RegionMatcher, **opts: object) -> Validated:
    opts = {"year": 2022, "level": "prefecture"} | opts
    return check(Upload(text.encode("gbk"), "t.csv", dry_run=True, options=Options(**opts)), catalogue, matcher)


def issues(v: Validated, severity: str = "error") -> list[tuple[int | None, str | None, str]]:
    return [(i.row, i.column, i.code) for i in v.issues if i.severity == severity]


def table(v: Validated) -> pd.Series:
    return v.observations.set_index(["adcode", "indicator", "year"])["value"]


def columns(name: str, catalogue: Catalogue) -> list[tuple[str, str | None]]:
    """Each value column's header as the report names it, and the indicator it lands on."""
    layout = find_layout(read_table((DATA / name).read_bytes(), name).rows, indicator_index(catalogue))
    assert layout is not None
    return [(c.header, c.indicator.id if c.indicator else None) for c in layout.of("by_indicator")]


def test_yearbook_csv_two_level_header_lands_each_column_on_its_indicator(catalogue: Catalogue,
                                                                            matcher: RegionMatcher) -> None:
    assert columns("yearbook-2022-two-level.csv", catalogue) == [
        ("专利申请量 / 合计", "patent_applications"), ("专利申请量 / 其中：发明", "invention_patent_applications"),
        ("专利授权量 / 合计", "patent_grants"), ("专利授权量 / 其中：发明", "invention_patent_grants")]
    v = run_file("yearbook-2022-two-level.csv", catalogue, matcher, year=2022, level="prefecture")
    assert v.summary["encoding"] == "gb18030" and v.summary["layout"] == "by_indicator"
    assert v.summary["header_row"] == 3 and v.summary["header_rows"] == 2  # title and unit lines passed over
    assert issues(v) == []
    # the 全省 row (file row 5) is checked column by column: its invention grants include 兰州新区, 55 more
    assert issues(v, "warning") == [(5, "专利授权量 / 其中：发明", "total_mismatch")]
    assert "2,179" in v.issues[0].problem and "2,124" in v.issues[0].problem
    obs = table(v)
    assert len(obs) == 14 * 4 and v.summary["levels"] == {"prefecture": 14}  # 兰　州 and 白　银 read as names
    lz = PREF["兰州"]
    assert obs[(lz, "patent_applications", 2022)] == 14_210
    assert obs[(lz, "invention_patent_applications", 2022)] == 4_906
    assert obs[(lz, "patent_grants", 2022)] == 9_874 and obs[(lz, "invention_patent_grants", 2022)] == 1_652
    assert obs[(PREF["甘南"], "invention_patent_grants", 2022)] == 2
    assert obs[(PREF["白银"], "invention_patent_applications", 2022)] == 302
    assert "620000" not in set(v.observations.adcode)  # the total is checked, never loaded
    assert v.summary["totals_rows"] == 1 and v.summary["note_rows"] == 1


def test_yearbook_xlsx_merged_header_with_three_kinds(catalogue: Catalogue, matcher: RegionMatcher) -> None:
    cols = columns("yearbook-2023-by-kind.xlsx", catalogue)
    assert [ind for _, ind in cols] == [
        "patent_applications", "invention_patent_applications", "utility_model_applications", "design_applications",
        "patent_grants", "invention_patent_grants", "utility_model_grants", "design_grants"]
    assert cols[2][0] == "专利申请量 / 实用\n新型"  # a wrapped header cell, named as written
    v = run_file("yearbook-2023-by-kind.xlsx", catalogue, matcher, year=2023, level="prefecture")
    assert v.summary["sheet"] == "12-9" and v.summary["header_rows"] == 2
    assert v.issues == []  # every total agrees and each row's kinds add up to its total: nothing to report
    obs = table(v)
    assert len(obs) == 14 * 8 and "620000" not in set(v.observations.adcode) and v.summary["totals_rows"] == 1
    jyg = PREF["嘉峪关"]
    assert obs[(jyg, "patent_applications", 2023)] == 176 + 602 + 98
    assert obs[(jyg, "invention_patent_applications", 2023)] == 176
    assert obs[(jyg, "utility_model_applications", 2023)] == 602 and obs[(jyg, "design_applications", 2023)] == 98
    assert obs[(jyg, "invention_patent_grants", 2023)] == 55 and obs[(jyg, "utility_model_grants", 2023)] == 520
    assert obs[(jyg, "design_grants", 2023)] == 80 and obs[(jyg, "patent_grants", 2023)] == 655


@pytest.mark.parametrize("sub", ["其中：发明", "其中:发明", "#发明", "＃发明", "其中发明专利", "其中：发明专利", "发明",
                                 "发明专利", "其中：发明（件）"])
def test_invention_sub_column_spellings_under_a_spanning_header(sub: str, catalogue: Catalogue,
                                                                matcher: RegionMatcher) -> None:
    v = run_text(f"地区,专利申请量,,专利授权量,\n,合计,{sub},合计,{sub}\n兰州,200,50,150,25\n", catalogue, matcher)
    assert issues(v) == [] and issues(v, "warning") == []
    obs = table(v)
    assert obs[("620100", "invention_patent_applications", 2022)] == 50
    assert obs[("620100", "invention_patent_grants", 2022)] == 25
    assert obs[("620100", "patent_applications", 2022)] == 200 and obs[("620100", "patent_grants", 2022)] == 150


@pytest.mark.parametrize("sub", ["其中：发明", "其中:发明", "#发明", "其中发明专利"])
def test_invention_sub_column_beside_its_whole_on_one_header_line(sub: str, catalogue: Catalogue,
                                                                  matcher: RegionMatcher) -> None:
    v = run_text(f"地区,专利申请量（件）,{sub},专利授权量,{sub}\n兰州,200,50,150,25\n", catalogue, matcher)
    assert issues(v) == [] and v.summary["header_rows"] == 1
    obs = table(v)
    assert obs[("620100", "invention_patent_applications", 2022)] == 50
    assert obs[("620100", "invention_patent_grants", 2022)] == 25


def test_a_blank_sub_header_is_the_spanning_quantity_itself(catalogue: Catalogue, matcher: RegionMatcher) -> None:
    v = run_text("地区,专利申请量,,专利授权量,\n,,其中：发明,,其中：发明\n白银,100,9,50,5\n", catalogue, matcher)
    assert issues(v) == []
    assert table(v).to_dict() == {("620400", "patent_applications", 2022): 100,
                                  ("620400", "invention_patent_applications", 2022): 9,
                                  ("620400", "patent_grants", 2022): 50, ("620400", "invention_patent_grants", 2022): 5}


def test_years_under_a_quantity_and_quantities_under_a_year(catalogue: Catalogue, matcher: RegionMatcher) -> None:
    by_year = run_text("地区,专利申请量,,其中：发明,\n,2021年,2022年,2021年,2022年\n兰州,190,200,45,50\n",
                       catalogue, matcher, year=None)
    obs = table(by_year)
    assert issues(by_year) == [] and obs[("620100", "patent_applications", 2021)] == 190
    assert obs[("620100", "invention_patent_applications", 2022)] == 50
    by_ind = run_text("地区,2022年,,2023年,\n,专利申请量,其中：发明,专利申请量,其中：发明\n兰州,200,50,210,52\n",
                      catalogue, matcher, year=None)
    obs = table(by_ind)
    assert issues(by_ind) == [] and obs[("620100", "invention_patent_applications", 2023)] == 52
    assert obs[("620100", "patent_applications", 2022)] == 200


def test_what_cannot_be_told_apart_is_refused_not_guessed(catalogue: Catalogue, matcher: RegionMatcher) -> None:
    # 总累计 is the total since 1985: its 其中：发明 is not this year's invention applications
    v = run_text("地区,专利申请量,,总累计,\n,合计,其中：职务,合计,其中：发明\n兰州,200,150,5000,900\n",
                 catalogue, matcher)
    assert issues(v) == [(2, "专利申请量 / 其中：职务", "unknown_indicator"),
                         (2, "总累计 / 合计", "unknown_indicator"), (2, "总累计 / 其中：发明", "unknown_indicator")]
    assert v.observations.empty


def test_parts_are_checked_against_their_whole(catalogue: Catalogue, matcher: RegionMatcher) -> None:
    swapped = run_text("地区,专利申请量,,\n,合计,其中：发明\n兰州,50,200\n", catalogue, matcher)
    assert issues(swapped, "warning") == [(3, "专利申请量 / 其中：发明", "part_exceeds_whole")]
    assert "发明专利申请量 200 大于 专利申请受理量 50" in swapped.issues[0].problem
    short = run_text("地区,专利授权量,,,\n,合计,发明,实用新型,外观设计\n兰州,100,20,60,10\n", catalogue, matcher)
    assert issues(short, "warning") == [(3, "专利授权量 / 合计", "parts_mismatch")]
    assert "100" in short.issues[0].problem and "90" in short.issues[0].problem
    assert len(short.observations) == 4  # warnings: everything is loaded as written


def test_the_unit_line_above_the_header_is_checked(catalogue: Catalogue, matcher: RegionMatcher) -> None:
    wan = run_text("各市州专利申请量\n单位：万件\n地区,专利申请量,专利授权量\n兰州,1.4,1.0\n", catalogue, matcher)
    assert issues(wan) == [(2, "专利申请量", "unit_mismatch"), (2, "专利授权量", "unit_mismatch")]
    assert "万件" in wan.issues[0].problem
    money = run_text("单位：万元\n地区,知识产权质押融资年度金额\n兰州,52000\n", catalogue, matcher)
    assert issues(money) == [(1, "知识产权质押融资年度金额", "unit_mismatch")] and "亿元" in money.issues[0].problem
    # 项 for 件 is another word for the same count, not a multiplier: loaded
    xiang = run_text("单位：项\n地区,专利授权量\n兰州,9874\n", catalogue, matcher)
    assert issues(xiang) == [] and table(xiang)[("620100", "patent_grants", 2022)] == 9874
    # the unit in a title, two units listed, a rate with its own unit: all fine
    ok = run_text("各市州专利情况（单位：件、件/万人）\n地区,专利申请量,每万人口高价值发明专利拥有量（件/万人）\n"
                  "兰州,14210,20.5\n", catalogue, matcher)
    assert issues(ok) == [] and table(ok)[("620100", "high_value_invention_patents_per_10k", 2022)] == 20.5


def test_growth_and_share_columns_beside_a_quantity(catalogue: Catalogue, matcher: RegionMatcher) -> None:
    v = run_text("地区,专利申请量,,专利授权量,,,\n,绝对数,比上年增长(%),合计,占全省比重%,其中：发明,增长%\n"
                 "兰州,200,12.5,150,70.1,25,-3.1\n", catalogue, matcher)
    obs = table(v)
    assert issues(v) == [] and obs[("620100", "patent_applications_growth", 2022)] == 12.5  # published growth
    assert obs[("620100", "invention_patent_grants_growth", 2022)] == -3.1  # the growth of the column before it
    # a share is computed here from the values: passed over with a warning, never refused
    assert issues(v, "warning") == [(2, "专利授权量 / 占全省比重%", "measure_column")]
    assert ("620100", "patent_grants_share", 2022) not in obs.index


def test_the_high_value_rate_is_loaded_as_given_and_never_summed(catalogue: Catalogue,
                                                                 matcher: RegionMatcher) -> None:
    v = run_text("地区,每万人口高价值发明专利拥有量,有效发明专利\n全省,4.1,12000\n兰州,13.2,9000\n白银,1.9,500\n",
                 catalogue, matcher, year=2023)
    obs = table(v)
    assert obs[("620100", "high_value_invention_patents_per_10k", 2023)] == 13.2
    assert obs[("620400", "valid_invention_patents", 2023)] == 500
    assert ("620000", "high_value_invention_patents_per_10k", 2023) not in obs.index
    # the province rate cannot be checked against a sum of rates; the count total can (and disagrees here)
    assert issues(v, "warning") == [(2, "每万人口高价值发明专利拥有量", "total_unchecked"),
                                    (2, "有效发明专利", "total_mismatch")]


def test_rank_and_serial_columns_of_a_yearbook_are_passed_over(catalogue: Catalogue, matcher: RegionMatcher) -> None:
    v = run_text("序号,地区,专利申请量,位次\n1,兰州,14210,1\n2,天水,2310,2\n", catalogue, matcher)
    assert v.issues == [] and len(v.observations) == 2


def test_quantity_over_number_and_growth(catalogue: Catalogue, matcher: RegionMatcher) -> None:
    v = run_text("地区,专利授权量,\n,数量,增速%\n天水,1690,8.2\n", catalogue, matcher)
    assert v.issues == [] and v.summary["header_rows"] == 2
    assert table(v).to_dict() == {("620500", "patent_grants", 2022): 1690,
                                  ("620500", "patent_grants_growth", 2022): 8.2}


def test_a_bilingual_yearbook_header_is_read_by_its_chinese(catalogue: Catalogue, matcher: RegionMatcher) -> None:
    v = run_text("地　区 Region,专利申请量 Patent Applications,,专利授权量 Patents Granted,\n"
                 ",合计 Total,其中：发明 Invention,合计 Total,其中：发明 Invention\n兰州,200,50,150,25\n",
                 catalogue, matcher)
    assert issues(v) == [] and v.summary["header_rows"] == 2
    assert table(v)[("620100", "invention_patent_grants", 2022)] == 25
    assert table(v)[("620100", "patent_applications", 2022)] == 200


def test_a_data_row_under_a_long_header_is_never_taken_for_a_second_header_line(catalogue: Catalogue,
                                                                                  matcher: RegionMatcher) -> None:
    v = run_text("地区,指标,年份,数值\n,专利授权量,2022,\n兰州,专利授权量,2022,3\n", catalogue, matcher)
    assert v.summary["header_rows"] == 1 and issues(v) == [(2, None, "unknown_region")]  # a row with no name
