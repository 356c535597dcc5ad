"""The planners' workspace as plain data: an upload's check (report, region matching), the dataset list, and what
publishing or retracting a dataset would change, value by value."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import pandas as pd

from layers.core.errors import NotFoundError
from layers.core.fmt import number
from layers.importing.service import Upload, check
from layers.pages import api
from layers.pages.atlas import Atlas
from layers.render.locator_svg import change_map

HOW = {"code": "代码 · code", "full_name": "全称 · full name", "short_name": "简称 · short name",
       "pinyin": "拼音 · pinyin", "path": "市州+县区 · prefecture + county"}
REGION_CODES = ("ambiguous_region", "unknown_region", "wrong_level", "code_name_mismatch")
KEY = ["adcode", "indicator", "year"]
MAX_CHANGES = 2000
# Blank files a planner fills in: long form (one value per row) and wide (one column per year).
TEMPLATES = {
    "long": "地区,指标,年份,数值,单位,来源,备注\n",
    "wide": "地区,2021年,2022年,2023年\n",
}


def checked(atlas: Atlas, upload: Upload) -> dict[str, Any]:
    """What a check shows before anything is written: the report, the summary and how each region name matched."""
    atlas.refresh_catalogue()  # indicators an admin added on another instance
    result = check(upload, atlas.catalogue, atlas.matcher)
    regions = atlas.regions().drop_duplicates("adcode").set_index("adcode")
    names = [{"text": text, "adcode": adcode, "name_zh": str(regions.name_zh.get(adcode, "")),
              "level": str(regions.level.get(adcode, "")), "how": HOW[atlas.matcher.how(text)]}
             for text, adcode in result.names.items()]
    report = result.report()
    return {"report": report, "summary": result.summary, "errors": len(result.errors),
            "rows": len(result.observations), "names": sorted(names, key=lambda n: (n["how"], n["adcode"])),
            "unmatched": [r for r in report if r["code"] in REGION_CODES]}


def datasets(atlas: Atlas) -> list[dict[str, Any]]:
    """Every dataset, drafts included, newest first."""
    return list(reversed(api.datasets(atlas, drafts=True)))


def changes(atlas: Atlas, dataset_id: int, version: int) -> dict[str, Any]:
    """What the next action on a dataset would change against data version `version` (the newest, resolved by the
    route): publishing a draft (or a retracted one) adds or changes values; retracting a published one changes them
    back or removes them."""
    meta = atlas.store.dataset(dataset_id)
    if meta is None:
        raise NotFoundError("dataset", dataset_id)
    state = str(meta["state"])
    now = atlas.stored(version)
    if state == "published":
        action, after = "retract", atlas.stored(version, exclude=dataset_id)
    else:
        action, after = "publish", atlas.stored(version, draft=dataset_id)
    rows = diff(now, after)
    regions = atlas.regions().drop_duplicates("adcode").set_index("adcode")
    names = {i.id: i.name_zh for i in atlas.catalogue.indicators.values()}
    rows["region"] = rows.adcode.map(regions.name_zh).fillna(rows.adcode)
    rows["level"] = rows.adcode.map(regions.level).fillna("")
    rows["indicator_name"] = rows.indicator.map(names).fillna(rows.indicator)
    counts = {k: int((rows.kind == k).sum()) for k in ("added", "changed", "removed")}
    drawn = change_map_of(atlas, rows, f"数据集 {dataset_id} 的变化 · what dataset {dataset_id} changes")
    own = atlas.store.dataset_observations(dataset_id)
    views = (own.merge(regions[["level"]], left_on="adcode", right_index=True)
             .groupby(["indicator", "year", "level"]).size().reset_index(name="n"))
    meta = api.dataset(atlas, dataset_id, 0, 0)
    return {"meta": meta, "state": state, "action": action, "counts": counts,
            "unchanged": int(len(own) - sum(counts.values())) if action == "publish" else None,
            "changes": rows.head(MAX_CHANGES).to_dict("records"), "more": max(0, len(rows) - MAX_CHANGES),
            "change_map": drawn,
            "views": [{"indicator": str(ind), "indicator_name": names.get(str(ind), str(ind)), "year": int(year),
                       "level": lvl if lvl in ("prefecture", "county") else "prefecture", "n": int(n)}
                      for ind, year, lvl, n in views[["indicator", "year", "level", "n"]].itertuples(index=False)]}


def diff(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Values that differ between two readings, per (region, indicator, year): added, changed (old -> new, % change)
    or removed."""
    b = before[[*KEY, "value"]].rename(columns={"value": "old"})
    a = after[[*KEY, "value"]].rename(columns={"value": "new"})
    both = b.merge(a, on=KEY, how="outer")
    both = both[~((both.old == both.new) | (both.old.isna() & both.new.isna()))].copy()
    both["kind"] = "changed"
    both.loc[both.old.isna(), "kind"] = "added"
    both.loc[both.new.isna(), "kind"] = "removed"
    old = both.old.where(both.old != 0)
    both["pct"] = ((both.new - old) / old.abs() * 100).round(1)
    both = both.astype(object).where(both.notna(), None)
    return both.sort_values(["indicator", "year", "adcode"]).reset_index(drop=True)


def change_map_of(atlas: Atlas, rows: pd.DataFrame, title: str) -> dict[str, Any] | None:
    """The map of the changes: each prefecture or county whose values change, filled by how (added, changed,
    removed, or several of these), with its changes in its hover title; None when no unit changes."""
    units = rows[rows.level.isin(["prefecture", "county"])]
    if units.empty:
        return None
    kinds, tips = {}, {}
    for adcode, group in units.groupby("adcode", sort=False):
        found = set(group.kind)
        kinds[str(adcode)] = found.pop() if len(found) == 1 else "mixed"
        lines = [change_text(r) for r in group.head(6).to_dict("records")]
        more = f"\n… +{len(group) - 6}" if len(group) > 6 else ""
        tips[str(adcode)] = f"{group.region.iloc[0]} {adcode}\n" + "\n".join(lines) + more
    counts = {k: sum(1 for v in kinds.values() if v == k) for k in ("added", "changed", "removed", "mixed")}
    return {"svg": change_map(atlas.locator, kinds, tips, title), "counts": counts,
            "elsewhere": int(rows.adcode.nunique() - len(kinds))}


def change_text(row: Mapping[Hashable, Any]) -> str:
    """One change in words for a hover title: '专利授权量 2023: 5,823 → 4,321 (-25.8%)'."""
    old, new, pct = row["old"], row["new"], row["pct"]
    if row["kind"] == "added":
        what = f"+ {number(new)}"
    elif row["kind"] == "removed":
        what = f"− {number(old)}"
    else:
        what = f"{number(old)} → {number(new)}" + (f" ({pct:+.1f}%)" if pct is not None else "")
    return f"{row['indicator_name']} {row['year']}: {what}"
