"""Each year's progress and verdicts use the plan in force for that year: a 14th plan (2021-2025), read from the
store as a draft, measures 2023 against its own line from 2020 to 2025, while 2020 stays measured against the 13th
plan's 3.5 and the public reading (no draft) has no progress after the 13th plan's horizon."""

from __future__ import annotations

import pandas as pd
import pytest

from layers.core.catalogue import Catalogue
from layers.importing.plans import COLUMNS, check_plan_file, commit_plan
from layers.pages.atlas import Atlas
from layers.stats.measures import on_track
from layers.stats.targets import assess_targets
from layers.store.sqlite import DatasetMeta

PLAN = "gansu-ip-14,甘肃省“十四五”知识产权发展规划,Gansu IP 14th,2021,2025,"
CSV = (",".join(COLUMNS) + "\n"
       + PLAN + "invention_patents_per_10k,target,2025,>=,4.5,件/万人,三、主要目标,"
       "每万人口发明专利拥有量达到4.5件（测试用）\n")
PROGRESS = "invention_patents_per_10k_progress"


def test_each_year_is_measured_against_the_plan_in_force(atlas: Atlas, catalogue: Catalogue) -> None:
    atlas.store.add_dataset(DatasetMeta(name="2023 report", kind="upload", source="年度报告 2023"), pd.DataFrame([{
        "adcode": "620000", "indicator": "invention_patents_per_10k", "year": 2023, "value": 3.9, "unit": "件/万人",
        "source": "年度报告 2023"}]))
    draft = commit_plan(check_plan_file(CSV.encode(), "p.csv", catalogue), "p.csv", "li", atlas.store, catalogue)
    version = atlas.version()
    public, preview = atlas.snapshot(version), atlas.snapshot(version, draft=draft)

    def progress(snap: object, year: int) -> pd.Series:
        obs = snap.observations  # type: ignore[attr-defined]
        return obs[(obs.indicator == PROGRESS) & (obs.adcode == "620000") & (obs.year == year)].iloc[0]

    assert (public.observations.indicator == PROGRESS)[public.observations.year > 2020].sum() == 0
    in_2023 = progress(preview, 2023)
    assert in_2023.value == pytest.approx(3.9 / on_track(2020, 2.94, 2025, 4.5, 2023) * 100)
    assert "三、主要目标" in in_2023.source  # the plan section is the figure's source
    assert progress(preview, 2020).value == pytest.approx(2.94 / 3.5 * 100)  # the 13th plan's horizon
    verdict = next(v for v in assess_targets(preview.observations, preview.targets, catalogue, preview.plan_starts)
                   if v.plan_id == "gansu-ip-14")
    assert (verdict.value, verdict.as_of, verdict.verdict) == (3.9, "2023", "not_met")  # its own plan's years
