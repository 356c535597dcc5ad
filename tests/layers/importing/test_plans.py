"""A plan upload's check: the bundled plan file reads as the same plan, each problem is a report line on its row and
column, and a target outside the plan's period is refused (a target is judged on its own year only)."""

from __future__ import annotations

from layers.core.catalogue import Catalogue
from layers.core.plans import PLANS_DIR, Plan
from layers.importing.indicators import check_indicator
from layers.importing.plans import COLUMNS, check_plan_file

HEAD = ",".join(COLUMNS) + "\n"
PLAN = "gansu-ip-15,甘肃省知识产权“十五五”规划,Gansu IP 15th,2026,2030,"
GOOD = (HEAD + "# an example row, passed over\n"
        + PLAN + "invention_patents_per_10k,baseline,2025,=,4.1,件/万人,一、发展基础,每万人口发明专利拥有量达到4.1件\n"
        + PLAN + "invention_patents_per_10k,target,2030,>=,8.8,件/万人,二、发展目标,到2030年达到8.8件\n"
        + PLAN + "patent_applications_growth,target,2028,>=,10,%,二、发展目标,专利申请受理量年增幅不低于10%\n")


def test_the_bundled_plan_file_reads_as_the_plan_the_app_loads(catalogue: Catalogue) -> None:
    path = next(PLANS_DIR.glob("*.toml"))
    checked = check_plan_file(path.read_bytes(), path.name, catalogue)
    assert checked.report() == [] and checked.plan is not None
    loaded = Plan.load(path)
    assert checked.plan.target_frame().equals(loaded.target_frame())
    assert checked.plan.baseline_frame().equals(loaded.baseline_frame())


def test_a_clean_table_becomes_a_plan_with_each_figure_cited_by_its_section(catalogue: Catalogue) -> None:
    checked = check_plan_file(GOOD.encode(), "plan.csv", catalogue)
    assert checked.report() == [] and checked.plan is not None
    plan = checked.plan
    assert (plan.id, plan.start_year, plan.end_year) == ("gansu-ip-15", 2026, 2030)
    targets = plan.target_frame().set_index("indicator")
    assert targets.loc["invention_patents_per_10k", "kind"] == "level"  # a rate: a level by its year
    assert targets.loc["patent_applications_growth", "kind"] == "annual_growth"
    assert targets.loc["invention_patents_per_10k", "source"] == "《甘肃省知识产权“十五五”规划》，二、发展目标"
    assert [b.year for b in plan.baseline] == [2025]


def test_each_problem_is_a_report_line_on_its_row_and_column(catalogue: Catalogue) -> None:
    bad = (HEAD
           + PLAN + "invention_patents_per_10k,target,2031,>=,8.8,件/万人,二、发展目标,2031年达到8.8件\n"  # row 2
           + PLAN + "invention_patents_per_10k,target,2030,>=,8.8,件,二、发展目标,单位写错\n"  # row 3
           + PLAN + "no_such_indicator,target,2030,>=,1,件,二、发展目标,未知指标\n"  # row 4
           + PLAN + "patent_grants,target,2030,>=,1,件,,没有章节\n"  # row 5
           + PLAN + "patent_grants,target,2029,≥,1,件,二,比较符\n"  # row 6
           + PLAN + "patent_grants,baseline,2027,=,1,件,一,基期在规划期内\n"  # row 7
           + PLAN + "patent_grants,target,2030,>=,1,件,二,<script>alert(1)</script>\n")  # row 8
    checked = check_plan_file(bad.encode(), "plan.csv", catalogue)
    got = {(r["row"], r["column"], r["code"]) for r in checked.report()}
    assert got == {(2, "year", "target_outside_plan"), (3, "unit", "wrong_unit"), (4, "indicator", "unknown_indicator"),
                   (5, "section", "section_missing"), (6, "comparator", "bad_comparator"),
                   (7, "year", "baseline_in_plan"), (8, "sentence", "markup")}
    assert checked.plan is None
    wrong_unit = next(r for r in checked.report() if r["code"] == "wrong_unit")
    assert wrong_unit["suggestion"].startswith("件/万人")  # the indicator's own unit


def test_a_file_without_the_columns_says_which(catalogue: Catalogue) -> None:
    checked = check_plan_file("指标,年份,数值\npatent_grants,2030,1\n".encode(), "plan.csv", catalogue)
    [line] = checked.report()
    assert line["code"] == "missing_columns" and "section" in str(line["problem"]) and checked.plan is None


def test_an_indicator_is_checked_before_it_joins_the_catalogue(catalogue: Catalogue) -> None:
    new, issues = check_indicator({"id": "trademark_applications", "name_zh": "商标申请量", "name_en":
                                   "Trademark applications", "unit": "件", "unit_en": "applications", "kind": "count",
                                   "aliases": "商标申请数、商标申请", "per_10k": "on"}, catalogue)
    assert issues == [] and [i.id for i in new] == ["trademark_applications", "trademark_applications_per_10k"]
    assert new[1].derive == "ratio" and new[1].numerator == "trademark_applications" and new[1].kind == "rate"
    extended = catalogue.extended(new)
    assert "trademark_applications_per_10k" in extended.indicators
    assert "trademark_applications" not in catalogue.indicators
    _, issues = check_indicator({"id": "patent_grants", "name_zh": "专利授权量", "name_en": "<b>x</b>", "unit": "",
                                 "unit_en": "x", "kind": "rate", "per_10k": "on"}, catalogue)
    assert {(i.column, i.code) for i in issues} == {("id", "taken"), ("name_zh", "name_taken"), ("name_en", "markup"),
                                                    ("unit", "missing"), ("per_10k", "per_10k_not_additive"),
                                                    ("per_10k", "taken")}  # patent_grants_per_10k exists
