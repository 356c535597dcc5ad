"""A plan as a planner uploads it: a table of baselines and targets (CSV/XLSX from the workspace's template) or the
plan TOML file the app ships, checked row by row into the same report as a data upload, then a Plan.

Every figure must name its indicator, year, comparator, value, the indicator's own unit, the plan section that
states it and the plan's own sentence: the section is the figure's source wherever it is shown. A target lies
inside the plan's period (it is judged on its own year only); a baseline lies before it (it is never judged).
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from dataclasses import dataclass, field

import pandas as pd

from layers.core.catalogue import Catalogue
from layers.core.errors import ImportRejectedError, UnreadableFileError
from layers.core.plans import Baseline, Plan, Target
from layers.importing.read import read_table
from layers.importing.report import Issue
from layers.importing.values import parse_number, text_problem, visible
from layers.store.backends import IndicatorStore
from layers.store.seed import plan_baseline
from layers.store.sqlite import DatasetMeta

COLUMNS = ("plan_id", "name_zh", "name_en", "start_year", "end_year", "indicator", "kind", "year", "comparator",
           "value", "unit", "section", "sentence")
OPTIONAL = ("region", "period", "target_kind", "value_max", "citation", "issuer_zh", "issuer_en")
# Chinese headers a planner may use instead of the template's ids.
HEADERS = {"规划编号": "plan_id", "规划名称": "name_zh", "英文名称": "name_en", "起始年": "start_year",
           "终止年": "end_year", "指标": "indicator", "类别": "kind", "年份": "year", "比较": "comparator",
           "数值": "value", "单位": "unit", "章节": "section", "原文": "sentence", "地区": "region", "时期": "period",
           "目标类型": "target_kind", "上限": "value_max", "引用": "citation", "发布机关": "issuer_zh"}
PLAN_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
TARGET_COMPARATORS = (">=", "<=", "=", ">", "<")
BASELINE_QUALIFIERS = ("=", ">")  # a baseline is as stated, or "more than" (突破, 多)
TARGET_KINDS = ("level", "annual_growth", "annual_level", "count")
KINDS = {"baseline": "baseline", "基期": "baseline", "基数": "baseline", "target": "target", "目标": "target"}
MAX_TEXT = 500
PROVINCE = "620000"


@dataclass
class PlanChecked:
    """The plan a commit would write (None while anything is an error), its figures as read, and the report."""

    plan: Plan | None
    figures: list[dict[str, object]]
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        """Issues that block a commit."""
        return [i for i in self.issues if i.severity == "error"]

    def report(self) -> list[dict[str, object]]:
        """Errors first, then warnings, in file order."""
        return [i.as_dict() for i in sorted(self.issues, key=lambda i: (i.severity != "error", i.row or 0))]


def _text(cell: object) -> str:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def read_plan_table(data: bytes, file_name: str) -> pd.DataFrame:
    """A plan file as a table of text cells, one row per figure, columns by the template's names; each row keeps
    its line in the file (`_row`). TOML (the app's own plan file) becomes the same table."""
    if file_name.lower().endswith(".toml"):
        return toml_table(data)
    table = read_table(data, file_name)
    rows = [(i + 1, r) for i, r in enumerate(table.rows)
            if any(_text(c) for c in r) and not _text(r[0]).startswith("#")]
    if not rows:
        return pd.DataFrame(columns=[*COLUMNS, "_row"])
    header = [HEADERS.get(_text(c), _text(c).lower()) for c in rows[0][1]]
    records = [{h: _text(c) for h, c in zip(header, cells, strict=False) if h} | {"_row": line}
               for line, cells in rows[1:]]
    return pd.DataFrame(records, columns=[*dict.fromkeys([*header, "_row"])] if header else None).fillna("")


def toml_table(data: bytes) -> pd.DataFrame:
    """The app's plan TOML as the upload table: the plan's fields on every row, a row per baseline and target."""
    raw = tomllib.loads(data.decode("utf-8"))
    head = {k: _text(raw.get(k, "")) for k in ("plan_id", "name_zh", "name_en", "start_year", "end_year",
                                               "region", "citation", "issuer_zh", "issuer_en")}
    head["plan_id"] = _text(raw.get("id", ""))
    rows: list[dict[str, object]] = []
    for kind, items in (("baseline", raw.get("baseline", [])), ("target", raw.get("target", []))):
        for item in items:
            comparator = item.get("qualifier", "=") if kind == "baseline" else item.get("comparator", ">=")
            rows.append(head | {"kind": kind, "indicator": _text(item.get("indicator")),
                                "year": _text(item.get("year")), "comparator": _text(comparator),
                                "value": _text(item.get("value")), "unit": "", "section": _text(item.get("section")),
                                "sentence": _text(item.get("quote")), "period": _text(item.get("period")),
                                "target_kind": _text(item.get("kind")) if kind == "target" else "",
                                "value_max": _text(item.get("value_max")),
                                "_row": len(rows) + 2})
    return pd.DataFrame(rows, columns=[*COLUMNS, *OPTIONAL, "_row"]).fillna("")


def default_target_kind(catalogue: Catalogue, indicator: str) -> str:
    """What a target on this indicator measures, when the file does not say: a growth rate each year, a level of a
    rate, a share or a score by the target year, a count or amount in the target year."""
    ind = catalogue.indicators[indicator]
    if ind.derive == "growth":
        return "annual_growth"
    return "level" if ind.kind in ("rate", "share", "score") else "annual_level"


def validate_plan(table: pd.DataFrame, catalogue: Catalogue, units_from_catalogue: bool = False) -> PlanChecked:
    """Check a plan table: report rows (row, column, problem, suggestion) for every problem; the Plan when none is
    an error. `units_from_catalogue`: the TOML file states no units, so each figure takes its indicator's."""
    issues: list[Issue] = []

    def err(row: int | None, column: str | None, code: str, problem: str, fix: str | None = None) -> None:
        issues.append(Issue(row, column, code, problem, fix))

    missing = [c for c in COLUMNS if c not in table.columns and not (c == "unit" and units_from_catalogue)]
    if missing:
        err(1, None, "missing_columns", f"缺少列：{', '.join(missing)} · missing columns",
            f"使用工作台提供的规划模板 · use the plan template: {', '.join(COLUMNS)}")
        return PlanChecked(None, [], issues)
    if table.empty:
        err(None, None, "empty", "文件中没有基期或目标数据 · no baseline or target rows",
            "每行填写一个数字 · one figure a row")
        return PlanChecked(None, [], issues)
    table = table.copy()
    if units_from_catalogue or "unit" not in table.columns:
        table["unit"] = [catalogue.indicators[i].unit if i in catalogue.indicators else "" for i in table.indicator]
    for c in OPTIONAL:
        if c not in table.columns:
            table[c] = ""

    # The plan's own fields: the same on every row.
    head: dict[str, str] = {}
    for col in ("plan_id", "name_zh", "name_en", "start_year", "end_year", "region", "citation", "issuer_zh",
                "issuer_en"):
        seen = [v for v in dict.fromkeys(table[col]) if v]
        if len(seen) > 1:
            row = int(table[table[col] == seen[1]]["_row"].iloc[0])
            err(row, col, "plan_field_differs", f"同一文件只能有一个规划：{col} 有 {len(seen)} 个不同的值 · one plan a "
                f"file: {col} differs between rows", f"每行都写 {visible(seen[0][:40])}")
        head[col] = seen[0] if seen else ""
    first = int(table["_row"].iloc[0])
    for col in ("plan_id", "name_zh", "start_year", "end_year"):
        if not head[col]:
            err(first, col, "plan_field_missing", f"{col} 为空 · {col} is empty",
                "每行都填写规划的编号、名称和起止年份")
    if head["plan_id"] and not PLAN_ID.match(head["plan_id"]):
        err(first, "plan_id", "bad_plan_id", f"规划编号“{visible(head['plan_id'][:40])}”不合规 · not a plan id",
            "小写字母、数字和连字符，如 gansu-ip-15")
    years: dict[str, int] = {}
    for col in ("start_year", "end_year"):
        if head[col] and not (head[col].isdigit() and len(head[col]) == 4):
            err(first, col, "bad_year", f"{col}“{visible(head[col][:10])}”不是四位年份 · not a four-digit year",
                "如 2026")
        elif head[col]:
            years[col] = int(head[col])
    start, end = years.get("start_year"), years.get("end_year")
    if start is not None and end is not None and start > end:
        err(first, "end_year", "bad_period", f"终止年 {end} 早于起始年 {start} · the plan ends before it starts",
            "检查起止年份")
    for col in ("name_zh", "name_en", "citation", "issuer_zh", "issuer_en"):
        _check_text(err, first, col, head[col])

    figures: list[dict[str, object]] = []
    seen_keys: dict[tuple[str, str, str, str], int] = {}
    for rec in table.to_dict("records"):
        line = int(rec["_row"])
        kind = KINDS.get(str(rec["kind"]).strip().lower())
        ind_id = str(rec["indicator"])
        ok = True
        if kind is None:
            err(line, "kind", "bad_kind", f"类别“{visible(str(rec['kind'])[:20])}”应为 baseline 或 target · kind",
                "baseline（基期）或 target（目标）")
            ok = False
        ind = catalogue.indicators.get(ind_id)
        if ind is None:
            close = difflib.get_close_matches(ind_id, list(catalogue.indicators), n=1)
            by_name = [i.id for i in catalogue.indicators.values() if ind_id in (i.name_zh, i.name_en, *i.aliases)]
            hint = next(iter(by_name or close), None)
            err(line, "indicator", "unknown_indicator", f"未知指标“{visible(ind_id[:60])}” · unknown indicator",
                f"使用指标编号，如 {hint} · use the catalogue id (/api/indicators)" if hint else
                "使用 /api/indicators 中的指标编号；新指标由管理员在工作台添加 · an admin adds new indicators")
            ok = False
        year_text = str(rec["year"])
        year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else None
        if year is None:
            err(line, "year", "bad_year", f"年份“{visible(year_text[:10])}”不是四位年份 · not a four-digit year",
                "如 2030")
            ok = False
        elif kind == "target" and start is not None and end is not None and not start <= year <= end:
            err(line, "year", "target_outside_plan", f"目标年份 {year} 不在规划期 {start}–{end} 内 · a target outside "
                "the plan's period", "目标只按其本年评估：把它放进规划期，或写入下一个规划")
            ok = False
        elif kind == "baseline" and start is not None and year >= start:
            err(line, "year", "baseline_in_plan", f"基期年份 {year} 不早于规划起始年 {start} · a baseline inside the "
                "plan's period", f"基期应在 {start} 年之前；规划期内的数字是观测值，请作为数据上传")
            ok = False
        comparator = str(rec["comparator"]) or ("=" if kind == "baseline" else "")
        allowed = BASELINE_QUALIFIERS if kind == "baseline" else TARGET_COMPARATORS
        if comparator not in allowed:
            err(line, "comparator", "bad_comparator", f"比较符“{visible(comparator[:10])}”无效 · not a comparator",
                f"{'、'.join(allowed)}")
            ok = False
        parsed = parse_number(rec["value"])
        if parsed.value is None or not math.isfinite(parsed.value):
            err(line, "value", "bad_value", f"数值“{visible(str(rec['value'])[:20])}”不是数字 · not a number",
                "只写数字，如 4.5")
            ok = False
        top = parse_number(rec["value_max"]) if str(rec["value_max"]) else None
        if top is not None and (kind != "target" or top.value is None or not math.isfinite(top.value)
                                or (parsed.value is not None and top.value < parsed.value)):
            err(line, "value_max", "bad_value_max", f"上限“{visible(str(rec['value_max'])[:20])}”无效 · not the top of "
                "a range", "只有目标可写区间（如 2–3：数值 2，上限 3）；上限不小于数值")
            ok = False
        unit = str(rec["unit"])
        if ind is not None and unit not in (ind.unit, ind.unit_en):
            err(line, "unit", "wrong_unit", f"单位“{visible(unit[:20])}”不是“{ind.name_zh}”的单位 · not the "
                f"indicator's unit", f"{ind.unit}（{ind.unit_en}）")
            ok = False
        for col in ("section", "sentence"):
            if not str(rec[col]):
                section = col == "section"
                err(line, col, f"{col}_missing",
                    "缺少规划章节 · the plan section is missing" if section else
                    "缺少规划原文 · the plan's own sentence is missing",
                    "写明该数字出自规划的哪一章节，它就是数字的来源" if section else "照录规划中给出该数字的原句")
                ok = False
            elif _check_text(err, line, col, str(rec[col])):
                ok = False
        target_kind = str(rec["target_kind"])
        if kind == "target" and target_kind and target_kind not in TARGET_KINDS:
            err(line, "target_kind", "bad_target_kind", f"目标类型“{visible(target_kind[:20])}”无效 · target kind",
                "、".join(TARGET_KINDS))
            ok = False
        key = (str(kind), ind_id, year_text, str(rec["period"]))
        if ok and key in seen_keys:
            err(line, "indicator", "duplicate", f"与第 {seen_keys[key]} 行重复 · the same figure twice",
                "每个指标每年只写一个基期或目标")
            ok = False
        seen_keys.setdefault(key, line)
        if ok and ind is not None and year is not None and parsed.value is not None:
            figures.append({"row": line, "kind": kind, "indicator": ind_id, "name_zh": ind.name_zh,
                            "name_en": ind.name_en, "year": year, "comparator": comparator, "value": parsed.value,
                            "unit": ind.unit, "section": str(rec["section"]), "sentence": str(rec["sentence"]),
                            "period": str(rec["period"]) or None,
                            "value_max": top.value if top is not None else None,
                            "target_kind": target_kind or default_target_kind(catalogue, ind_id)})
    if any(i.severity == "error" for i in issues):
        return PlanChecked(None, figures, issues)
    return PlanChecked(build_plan(head, figures), figures, issues)


def _check_text(err: object, row: int, column: str, text: str) -> bool:
    """Report a free text the importer refuses anywhere (formula, markup, control characters, too long)."""
    code = text_problem(text, MAX_TEXT, one_line=True)
    if code is None:
        return False
    fixes = {"text_formula": "去掉开头的 = + - @", "markup": "去掉尖括号标记", "control": "去掉控制字符",
             "too_long": f"不超过 {MAX_TEXT} 字"}
    err(row, column, code, f"{column}“{visible(text[:40])}”不能导入 · refused ({code})",  # type: ignore[operator]
        fixes.get(code))
    return True


def build_plan(head: dict[str, str], figures: list[dict[str, object]]) -> Plan:
    """The checked figures as the Plan the app reads (the same model as a plan file)."""
    name = head["name_zh"]
    return Plan(id=head["plan_id"], name_zh=name, name_en=head["name_en"] or name,
                issuer_zh=head["issuer_zh"], issuer_en=head["issuer_en"], region=head["region"] or PROVINCE,
                start_year=int(head["start_year"]), end_year=int(head["end_year"]),
                baseline_period=str(int(head["start_year"]) - 5) + "-" + str(int(head["start_year"]) - 1),
                citation=head["citation"] or f"《{name}》",
                baseline=[Baseline(indicator=str(f["indicator"]), year=int(f["year"]),  # type: ignore[call-overload]
                                   value=float(f["value"]), period=f["period"] or None,  # type: ignore[arg-type]
                                   qualifier=f["comparator"], section=str(f["section"]),  # type: ignore[arg-type]
                                   quote=str(f["sentence"]))
                          for f in figures if f["kind"] == "baseline"],
                target=[Target(indicator=str(f["indicator"]), year=int(f["year"]),  # type: ignore[call-overload]
                               value=float(f["value"]), kind=f["target_kind"],  # type: ignore[arg-type]
                               value_max=f["value_max"],  # type: ignore[arg-type]
                               comparator=f["comparator"], section=str(f["section"]),  # type: ignore[arg-type]
                               quote=str(f["sentence"]))
                        for f in figures if f["kind"] == "target"])


def check_plan_file(data: bytes, file_name: str, catalogue: Catalogue) -> PlanChecked:
    """Read (CSV, XLSX or the plan TOML) and check; UnreadableFileError for a file that cannot be read at all."""
    is_toml = file_name.lower().endswith(".toml")
    try:
        table = read_plan_table(data, file_name)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, AttributeError, TypeError) as e:
        raise UnreadableFileError(f"not a plan TOML file: {str(e)[:200]}") from e
    checked = validate_plan(table, catalogue, units_from_catalogue=is_toml)
    code = text_problem(file_name, 255, one_line=True)
    if code is not None:
        checked.issues.append(Issue(None, "file_name", code, f"文件名“{visible(file_name[:40])}”不能导入 · refused "
                                    "file name", "请重命名文件 · rename the file"))
        checked.plan = None
    return checked


def commit_plan(checked: PlanChecked, file_name: str, uploader: str, store: IndicatorStore, catalogue: Catalogue,
                publish: bool = False) -> int:
    """Write a checked plan as one dataset of kind "plan" (its baselines as observations, its targets, its period),
    a draft unless `publish`; refused (ImportRejectedError) while the report has an error."""
    if checked.plan is None or checked.errors:
        raise ImportRejectedError(f"the plan has {len(checked.errors)} problems: nothing was written",
                                  checked.report(), {})
    plan = checked.plan
    meta = DatasetMeta(name=plan.name_zh, kind="plan", source=plan.citation, file_name=file_name, uploader=uploader)
    baseline = plan_baseline(plan, catalogue) if plan.baseline else pd.DataFrame(columns=["adcode"])
    return store.add_dataset(meta, baseline, plan.target_frame(), publish=publish, plan=plan.meta())
