"""Messy planner files through the import pipeline: what is read, and the report for each (no store involved)."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.boundaries import BoundarySet
from layers.core.catalogue import Catalogue
from layers.core.errors import UnreadableFileError
from layers.importing.regions import RegionMatcher
from layers.importing.report import Options, Validated
from layers.importing.service import Upload, check

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def matcher(boundaries: BoundarySet) -> RegionMatcher:
    return RegionMatcher(boundaries.regions)


def run(name: str, catalogue: Catalogue, matcher: RegionMatcher, **opts: object) -> Validated:
    return check(Upload((DATA / name).read_bytes(), name, dry_run=True, options=Options(**opts)), catalogue, matcher)


def codes(v: Validated, severity: str = "error") -> list[tuple[int | None, str | None, str]]:
    return [(i.row, i.column, i.code) for i in v.issues if i.severity == severity]


def test_gbk_short_names_and_totals_row(catalogue: Catalogue, matcher: RegionMatcher) -> None:
    v = run("gbk-short-names-total.csv", catalogue, matcher, indicator="patent_applications")
    assert v.summary["encoding"] == "gb18030" and v.summary["header_row"] == 2 and v.summary["layout"] == "by_year"
    assert codes(v) == []
    # the 2021 total agrees; 2022's is 100 too high: a warning on the totals row (file row 17), not loaded
    assert codes(v, "warning") == [(17, "2022年", "total_mismatch")]
    assert "100" in v.issues[0].problem
    obs = v.observations.set_index(["adcode", "year"])["value"]
    assert len(obs) == 27 and obs[("620100", 2021)] == 12_345 and obs[("620400", 2021)] == 2_345  # full-width
    assert obs[("622900", 2022)] == 330 and obs[("623000", 2021)] == 77 and obs[("620200", 2022)] == 820
    assert ("620600", 2022) not in obs.index  # '-' is no data, not zero
    assert "620000" not in set(v.observations.adcode)  # 合计 is checked, never loaded as the province
    assert v.summary["note_rows"] == 1 and v.summary["totals_rows"] == 1 and v.summary["levels"] == {"prefecture": 14}


def test_wide_years_xlsx(catalogue: Catalogue, matcher: RegionMatcher) -> None:
    v = run("wide-years.xlsx", catalogue, matcher, indicator="patent_grants", level="county")
    assert v.summary["format"] == "xlsx" and v.summary["sheet"] == "专利授权"
    # 临夏 is 临夏市 or 临夏县 even at county level: reported, not guessed
    assert codes(v) == [(5, "县区", "ambiguous_region")]
    assert "临夏市 622901" in v.issues[0].problem and "临夏县 622921" in v.issues[0].problem
    obs = v.observations.set_index(["adcode", "year"])["value"]
    assert obs[("620102", 2021)] == 4512 and obs[("620982", 2019)] == 35 and obs[("620502", 2021)] == 910
    assert obs[("622926", 2021)] == 6


def test_wide_indicators_xlsx_formula_never_evaluated(catalogue: Catalogue, matcher: RegionMatcher) -> None:
    v = run("wide-indicators-formula.xlsx", catalogue, matcher)
    assert codes(v) == [(3, "专利授权量（件）", "formula_no_value")]
    obs = v.observations.set_index(["adcode", "indicator"])["value"]
    assert obs[("620102", "patent_applications")] == 5000 and obs[("622901", "patent_grants")] == 70
    assert ("620982", "patent_grants") not in obs.index


def test_ambiguous_name_settled_by_declared_level(catalogue: Catalogue, matcher: RegionMatcher) -> None:
    data = "地区,2022\n临夏,1\n白银,2\n".encode()
    undeclared = check(Upload(data, "a.csv", True, options=Options(indicator="patent_grants")), catalogue, matcher)
    assert [i.code for i in undeclared.errors] == ["ambiguous_region", "ambiguous_region"]
    pref = check(Upload(data, "a.csv", True, options=Options(indicator="patent_grants", level="prefecture")),
                 catalogue, matcher)
    assert pref.errors == [] and set(pref.observations.adcode) == {"622900", "620400"}
    county = check(Upload(data, "a.csv", True, options=Options(indicator="patent_grants", level="county")),
                   catalogue, matcher)
    assert [(i.row, i.code) for i in county.errors] == [(2, "ambiguous_region")]  # 临夏市 / 临夏县
    assert set(county.observations.adcode) == {"620402"}  # 白银 at county level is 白银区


@pytest.mark.parametrize(("name", "expected"), [
    ("duplicate-region.csv", [(4, "数值", "duplicate")]),
    ("negative-count.csv", [(2, "value", "negative")]),
    ("formula.csv", [(2, "value", "formula"), (3, "region", "formula")]),
    ("unknown-region.csv", [(2, "地区", "unknown_region")]),
    ("lanzhou-new-area.csv", [(2, "地区", "unknown_region")]),
    ("unknown-indicator.csv", [(2, "指标", "unknown_indicator")]),
    ("year-out-of-range.csv", [(2, "年份", "year_out_of_range")]),
])
def test_bad_files_are_reported_by_row_and_column(name: str, expected: list[tuple[int, str, str]],
                                                   catalogue: Catalogue, matcher: RegionMatcher) -> None:
    v = run(name, catalogue, matcher)
    assert codes(v) == expected
    assert all(i.problem and i.suggestion for i in v.errors)


def test_report_text_names_what_to_do(catalogue: Catalogue, matcher: RegionMatcher) -> None:
    dup = run("duplicate-region.csv", catalogue, matcher).errors[0]
    assert "第 2 行" in dup.problem and "临夏回族自治州" in dup.problem
    unknown = run("unknown-region.csv", catalogue, matcher).errors[0]
    assert "临下县" in unknown.problem and "临夏县" in (unknown.suggestion or "")
    new_area = run("lanzhou-new-area.csv", catalogue, matcher, lang="en").errors[0]
    assert "Lanzhou New Area" in (new_area.suggestion or "") and "not a county" in (new_area.suggestion or "")
    ind = run("unknown-indicator.csv", catalogue, matcher).errors[0]
    assert "patent_grants" in (ind.suggestion or "")  # names the allowed ids
    assert "patent_applications_share" not in (ind.suggestion or "")  # computed ones cannot be uploaded


def test_bom_long_form_with_pinyin_codes_and_units(catalogue: Catalogue, matcher: RegionMatcher) -> None:
    v = run("bom-long.csv", catalogue, matcher)
    assert v.summary["encoding"] == "utf-8-sig" and codes(v) == []
    rows = v.observations.set_index("adcode")
    assert rows.loc["620100", "value"] == 12_001 and rows.loc["620100", "source"] == "市局年报"
    assert rows.loc["620400", "value"] == 510 and rows.loc["620102", "value"] == 4_800


def test_undecodable_file_is_a_clear_error(catalogue: Catalogue, matcher: RegionMatcher) -> None:
    with pytest.raises(UnreadableFileError, match="neither UTF-8 nor GBK/GB18030"):
        run("not-text.csv", catalogue, matcher)
    with pytest.raises(UnreadableFileError, match=r"\.xls"):
        check(Upload(b"\xd0\xcf\x11\xe0" + b"\0" * 100, "old.xls"), catalogue, matcher)
    with pytest.raises(UnreadableFileError, match="xlsx"):
        check(Upload(b"PK\x03\x04 not really a zip", "x.xlsx"), catalogue, matcher)


def test_computed_indicator_cannot_be_uploaded(catalogue: Catalogue, matcher: RegionMatcher) -> None:
    data = "地区,2022\n城关区,12\n".encode()
    v = check(Upload(data, "a.csv", True, options=Options(indicator="patent_grants_share")), catalogue, matcher)
    assert [i.code for i in v.errors] == ["computed_indicator"] and "patent_grants" in v.errors[0].problem


def test_commit_needs_a_source(catalogue: Catalogue, matcher: RegionMatcher) -> None:
    data = "地区,2022\n城关区,12\n".encode()
    v = check(Upload(data, "a.csv", False, options=Options(indicator="patent_grants")), catalogue, matcher)
    assert [(i.column, i.code) for i in v.errors] == [("source", "source_required")]
    v = check(Upload(data, "a.csv", False, source="=cmd|' /C calc'!A0", options=Options(indicator="patent_grants")),
              catalogue, matcher)
    assert [(i.column, i.code) for i in v.errors] == [("source", "text_formula")]


def test_xlsx_formula_with_saved_result_uses_the_result(catalogue: Catalogue, matcher: RegionMatcher) -> None:
    import io
    import zipfile

    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["地区", "2022"])
    wb.active.append(["城关区", "=2*21"])
    buf = io.BytesIO()
    wb.save(buf)
    # what Excel writes: the formula and its saved result <v>42</v>; the importer reads 42, never evaluates
    src, out = zipfile.ZipFile(io.BytesIO(buf.getvalue())), io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"<f>2*21</f><v></v>", b"<f>2*21</f><v>42</v>").replace(
                    b"<f>2*21</f><v />", b"<f>2*21</f><v>42</v>")
                assert b"<v>42</v>" in body
            dst.writestr(item, body)
    v = check(Upload(out.getvalue(), "f.xlsx", True, options=Options(indicator="patent_grants")), catalogue, matcher)
    assert v.errors == [] and v.observations.value.tolist() == [42]


def test_utf16_tab_separated_from_excel_unicode_text(catalogue: Catalogue, matcher: RegionMatcher) -> None:
    data = "地区\t指标\t年份\t数值\r\n敦煌市\t专利授权量\t2022\t41\r\n".encode("utf-16")
    v = check(Upload(data, "u.txt", True), catalogue, matcher)
    assert v.summary["encoding"] == "utf-16" and v.errors == [] and v.observations.value.tolist() == [41]


def test_xlsx_empty_cover_sheet_is_passed_over(catalogue: Catalogue, matcher: RegionMatcher) -> None:
    """A cover sheet with nothing typed in it (a formatted cell, a dimension tag) is not the data: the first
    sheet with a value is read, as the README promises."""
    import io

    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "封面"
    cover["B3"].font = Font(bold=True)  # formatted, empty
    data = wb.create_sheet("数据")
    for row in (["地区", "指标", "年份", "数值"], ["兰州市", "专利授权量", 2023, 5120],
                ["白银市", "专利授权量", 2023, 640]):
        data.append(row)
    wb.create_sheet("说明")["A1"] = "注：数据来自各市州报表"
    buf = io.BytesIO()
    wb.save(buf)
    v = check(Upload(buf.getvalue(), "cover.xlsx", dry_run=True), catalogue, matcher)
    assert codes(v) == [] and v.summary["sheet"] == "数据" and len(v.observations) == 2
    blank = openpyxl.Workbook()
    blank.active.title = "空"
    buf = io.BytesIO()
    blank.save(buf)
    v = check(Upload(buf.getvalue(), "blank.xlsx", dry_run=True), catalogue, matcher)
    assert [i.code for i in v.issues] == ["no_header"] and v.summary["sheet"] == "空"
