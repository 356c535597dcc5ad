"""Plans and the catalogue in the workspace, as plain data: a plan file's check, the plan datasets with their
periods, one plan dataset's figures with the previews of it in force, the blank templates, and adding an indicator.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
from openpyxl.styles import Font

from layers.core.errors import NotFoundError
from layers.importing.indicators import check_indicator
from layers.importing.plans import COLUMNS, PlanChecked, check_plan_file, commit_plan
from layers.pages import api
from layers.pages.atlas import Atlas
from layers.store.additions import add_indicators

# Blank files to fill in: the header and one example row commented out (a line starting with #, passed over).
TEMPLATES = {
    "data": "地区,指标,年份,数值,单位,来源,备注\n"
            "# 兰州市,专利申请受理量,2023,12345,件,甘肃发展年鉴2024 表12-8,（示例行：以 # 开头的行不导入）\n",
    "plan": ",".join(COLUMNS) + "\n"
            "# gansu-ip-15,甘肃省知识产权“十五五”规划,Gansu IP Plan for the 15th Five-Year Period,2026,2030,"
            "invention_patents_per_10k,target,2030,>=,8,件/万人,二、发展目标,每万人口发明专利拥有量达到8件"
            "（示例行：以 # 开头的行不导入）\n",
}
TEMPLATE_KINDS = tuple(TEMPLATES)


def template_xlsx(kind: str) -> bytes:
    """The same template as a workbook: the header in bold, the example row (commented with #) below it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "plan" if kind == "plan" else "data"
    for row in csv.reader(io.StringIO(TEMPLATES[kind])):
        ws.append(row)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def checked(atlas: Atlas, data: bytes, file_name: str) -> PlanChecked:
    """A plan file checked against the catalogue as it stands (indicators added on any instance included)."""
    atlas.refresh_catalogue()
    return check_plan_file(data, file_name, atlas.catalogue)


def check_view(result: PlanChecked) -> dict[str, Any]:
    """What a check shows: the plan's period and names, each figure as read, the report."""
    plan = result.plan
    return {"plan": plan.meta() if plan is not None else None, "figures": result.figures,
            "report": result.report(), "errors": len(result.errors),
            "targets": sum(1 for f in result.figures if f["kind"] == "target"),
            "baselines": sum(1 for f in result.figures if f["kind"] == "baseline")}


def commit(atlas: Atlas, data: bytes, file_name: str, uploader: str, publish: bool = False) -> int:
    """Check once more and write the plan as a draft (or published at once): its dataset id."""
    result = checked(atlas, data, file_name)
    return commit_plan(result, file_name, uploader, atlas.store, atlas.catalogue, publish=publish)


def plan_datasets(atlas: Atlas) -> list[dict[str, Any]]:
    """Every plan dataset, drafts included, newest first, with its plan's id and period where recorded."""
    rows = atlas.store.rows("SELECT dataset_id, plan_id, start_year, end_year FROM plans")
    periods = {int(r[0]): (str(r[1]), int(r[2]), int(r[3])) for r in rows}
    out = []
    for d in reversed(api.datasets(atlas, drafts=True)):
        if d["kind"] != "plan":
            continue
        plan_id, start, end = periods.get(int(d["id"]), ("", None, None))
        out.append(d | {"plan_id": plan_id, "start_year": start, "end_year": end})
    return out


def plan_dataset(atlas: Atlas, dataset_id: int) -> dict[str, Any]:
    """One plan dataset: the plan's period, its targets and baselines with their sections, and links that preview
    the briefing and the progress maps with it in force (a draft) or show them (published)."""
    meta = atlas.store.dataset(dataset_id)
    if meta is None or meta["kind"] != "plan":
        raise NotFoundError("plan dataset", dataset_id)
    plan = atlas.store.rows("SELECT plan_id, name_zh, name_en, region, start_year, end_year, citation FROM plans"
                            " WHERE dataset_id = :id", {"id": dataset_id})
    cols = ("plan_id", "name_zh", "name_en", "region", "start_year", "end_year", "citation")
    info = dict(zip(cols, plan[0], strict=True)) if plan else None
    targets = atlas.store.rows("SELECT indicator, year, comparator, value, kind, section, quote, source FROM targets"
                               " WHERE dataset_id = :id ORDER BY indicator, year", {"id": dataset_id})
    names = {i.id: i for i in atlas.catalogue.indicators.values()}

    def named(ind: str) -> dict[str, str]:
        i = names.get(ind)
        return {"indicator": ind, "name_zh": i.name_zh if i else ind, "name_en": i.name_en if i else ind,
                "unit": i.unit if i else ""}

    target_rows = [named(str(t[0])) | {"year": int(t[1]), "comparator": t[2], "value": float(t[3]),
                                       "target_kind": t[4], "section": t[5], "sentence": t[6], "source": t[7]}
                   for t in targets]
    baseline = atlas.store.dataset_observations(dataset_id)
    baseline_rows = [named(str(b["indicator"])) | {"year": int(b["year"]), "comparator": b["qualifier"],
                                                     "value": float(b["value"]), "section": b["source"],
                                                     "sentence": b["note"]}
                     for b in baseline.to_dict("records")]
    state = str(meta["state"])
    draft = f"&draft={dataset_id}" if state != "published" else ""
    progress = {i.base: i for i in atlas.catalogue.indicators.values() if i.derive == "progress"}
    previews = [{"label_zh": "简报（规划目标与评估）", "label_en": "Briefing: the plan's targets and verdicts",
                 "href": "/briefing" + ("?" + draft.lstrip("&") if draft else "")}]
    for ind in dict.fromkeys(t["indicator"] for t in target_rows):
        if ind in progress:
            p = progress[ind]
            previews.append({"label_zh": f"进度地图：{p.name_zh}", "label_en": f"Progress map: {p.name_en}",
                             "href": f"/map?level=prefecture&indicator={p.id}{draft}"})
        previews.append({"label_zh": f"走势图：{named(ind)['name_zh']}（目标为菱形）",
                         "label_en": f"Chart: {named(ind)['name_en']} (the target a diamond)",
                         "href": f"/chart?indicator={ind}{draft}"})
    return {"meta": api.dataset(atlas, dataset_id, 0, 0), "state": state, "plan": info, "targets": target_rows,
            "baselines": baseline_rows, "previews": previews}


def catalogue_view(atlas: Atlas) -> list[dict[str, Any]]:
    """The catalogue as the indicators page lists it, the indicators admins added marked."""
    atlas.refresh_catalogue()
    added = {str(r[0]): (str(r[1]), str(r[2])) for r in
             atlas.store.rows("SELECT id, added_by, added_at FROM catalogue_additions")}
    return [{"id": i.id, "name_zh": i.name_zh, "name_en": i.name_en, "unit": i.unit, "kind": i.kind,
             "derive": i.derive or "", "aliases": i.aliases, "added": added.get(i.id)}
            for i in atlas.catalogue.indicators.values()]


def add_indicator(atlas: Atlas, form: dict[str, str], by: str) -> tuple[list[str], list[dict[str, object]]]:
    """Check and add an indicator (and its per-10k rate when asked): the ids added, or the report of what is wrong.
    The atlas takes it in at once; other instances when they next read a version or check an upload."""
    atlas.refresh_catalogue()
    new, issues = check_indicator(form, atlas.catalogue)
    if issues:
        return [], [i.as_dict() for i in issues]
    add_indicators(atlas.store, new, by)
    atlas.refresh_catalogue()
    return [i.id for i in new], []
