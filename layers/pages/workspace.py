"""The planners' workspace as plain data: an upload's check (report, region matching), the dataset list, and what
publishing or retracting a dataset would change, value by value."""

from __future__ import annotations

from typing import Any

import pandas as pd

from layers.core.errors import NotFoundError
from layers.importing.service import Upload, check
from layers.pages import api
from layers.pages.atlas import Atlas

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
    own = atlas.store.dataset_observations(dataset_id)
    views = (own.merge(regions[["level"]], left_on="adcode", right_index=True)
             .groupby(["indicator", "year", "level"]).size().reset_index(name="n"))
    meta = api.dataset(atlas, dataset_id, 0, 0)
    return {"meta": meta, "state": state, "action": action, "counts": counts,
            "unchanged": int(len(own) - sum(counts.values())) if action == "publish" else None,
            "changes": rows.head(MAX_CHANGES).to_dict("records"), "more": max(0, len(rows) - MAX_CHANGES),
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
