"""A new indicator for the catalogue, as an admin types it in the workspace: checked field by field into report
lines, so uploads can then name it (by id, either name or an alias) without two indicators answering to one name."""

from __future__ import annotations

import re

from layers.core.catalogue import Catalogue, Indicator
from layers.importing.report import Issue
from layers.importing.values import text_problem, visible

ID = re.compile(r"^[a-z][a-z0-9_]{2,59}$")
KINDS = ("count", "amount", "rate", "share", "score")
ADDITIVE = ("count", "amount")
MAX_TEXT = 200
ALIAS_SPLIT = re.compile(r"[,，、;；\n]+")
PER_10K = "_per_10k"


def check_indicator(form: dict[str, str], catalogue: Catalogue) -> tuple[list[Indicator], list[Issue]]:
    """The indicator (and, when asked, its per-10k rate derived from the census population) or the report of what
    is wrong; nothing is added while any line is an error."""
    issues: list[Issue] = []

    def err(column: str, code: str, problem: str, fix: str | None = None) -> None:
        issues.append(Issue(None, column, code, problem, fix))

    f = {k: str(form.get(k, "")).strip() for k in ("id", "name_zh", "name_en", "unit", "unit_en", "kind",
                                                    "description_zh", "description_en", "aliases")}
    per_10k = str(form.get("per_10k", "")).lower() in ("1", "true", "on", "yes")
    if not ID.match(f["id"]):
        err("id", "bad_id", f"编号“{visible(f['id'][:60])}”不合规 · not an indicator id",
            "小写字母开头，小写字母、数字和下划线，3–60 个字符，如 trademark_applications")
    elif f["id"] in catalogue.indicators:
        err("id", "taken", f"编号 {f['id']} 已在指标目录中 · already in the catalogue", "换一个编号")
    for col in ("name_zh", "name_en", "unit", "unit_en"):
        if not f[col]:
            err(col, "missing", f"{col} 为空 · {col} is empty",
                "中文名、英文名和单位都必填 · names and units are needed")
    if f["kind"] not in KINDS:
        err("kind", "bad_kind", f"类型“{visible(f['kind'][:20])}”无效 · not a kind", "、".join(KINDS))
    aliases = [a.strip() for a in ALIAS_SPLIT.split(f["aliases"]) if a.strip()]
    for col, text in [*((c, f[c]) for c in ("name_zh", "name_en", "unit", "unit_en", "description_zh",
                                             "description_en")), *(("aliases", a) for a in aliases)]:
        code = text_problem(text, MAX_TEXT * 5 if col.startswith("description") else MAX_TEXT, one_line=True)
        if code is not None:
            err(col, code, f"{col}“{visible(text[:40])}”不能使用 · refused ({code})",
                "不要以 = + - @ 开头，不要尖括号标记或控制字符")
    names: dict[str, str] = {}
    for ind in catalogue.indicators.values():
        for n in (ind.id, ind.name_zh, ind.name_en, *ind.aliases):
            names.setdefault(n.strip().lower(), ind.id)
    for col, text in (("name_zh", f["name_zh"]), ("name_en", f["name_en"]), *(("aliases", a) for a in aliases)):
        if text and text.lower() in names:
            err(col, "name_taken", f"“{visible(text[:40])}”已是指标 {names[text.lower()]} 的名称 · the name of "
                f"another indicator", "上传时一个名称只能对应一个指标：换一个名称")
    if per_10k and f["kind"] not in ADDITIVE:
        err("per_10k", "per_10k_not_additive", "只有可相加的计数或金额才能按每万人口折算 · only a count or an "
            "amount has a per-10k rate", "类型选 count 或 amount，或不勾选每万人口")
    if per_10k and f["id"] + PER_10K in catalogue.indicators:
        err("per_10k", "taken", f"编号 {f['id'] + PER_10K} 已在指标目录中 · already in the catalogue", "换一个编号")
    if issues:
        return [], issues
    ind = Indicator(id=f["id"], name_zh=f["name_zh"], name_en=f["name_en"], unit=f["unit"], unit_en=f["unit_en"],
                    kind=f["kind"], description_zh=f["description_zh"],  # type: ignore[arg-type]
                    description_en=f["description_en"], aliases=aliases)
    out = [ind]
    if per_10k:
        out.append(Indicator(id=f["id"] + PER_10K, name_zh=f"每万人口{f['name_zh']}",
                             name_en=f"{f['name_en']} per 10,000 residents", unit=f"{f['unit']}/万人",
                             unit_en=f"{f['unit_en']} per 10k residents", kind="rate", derive="ratio",
                             numerator=f["id"], denominator="population", scale=10000, upload=False,
                             description_zh=f"{f['name_zh']}除以常住人口（万人）；人口取最近年份（2020年第七次人口普查）。",
                             description_en=f"{f['name_en']} divided by resident population in ten-thousands "
                                            "(nearest year: 2020 census)."))
    return out, issues
