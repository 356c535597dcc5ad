"""Plans in the store, on SQLite and PostgreSQL: a draft plan is read only by a preview, a published one by every
version after it, and a plan restated by a later dataset is that statement whole until it is retracted."""

from __future__ import annotations

from layers.core.catalogue import Catalogue
from layers.core.plans import PLANS_DIR
from layers.importing.indicators import check_indicator
from layers.importing.plans import COLUMNS, check_plan_file, commit_plan
from layers.store.additions import add_indicators, added_indicators
from layers.store.backends import IndicatorStore

PLAN = "gansu-ip-15,甘肃省知识产权“十五五”规划,Gansu IP 15th,2026,2030,"
CSV = (",".join(COLUMNS) + "\n"
       + PLAN + "invention_patents_per_10k,target,2030,>=,8.8,件/万人,二、发展目标,到2030年达到8.8件\n").encode()


def test_a_draft_plan_is_read_by_its_preview_only(store: IndicatorStore, catalogue: Catalogue) -> None:
    v = store.version()
    draft = commit_plan(check_plan_file(CSV, "p.csv", catalogue), "p.csv", "li", store, catalogue)
    assert store.version() == v and "gansu-ip-15" not in set(store.plans(v).plan_id)
    assert "gansu-ip-15" not in set(store.targets(v).plan_id)
    preview = store.plans(v, draft=draft).set_index("plan_id")
    assert int(preview.loc["gansu-ip-15", "start_year"]) == 2026
    assert int(preview.loc["gansu-ip-13", "start_year"]) == 2016  # the seeded plan, recorded with its period
    assert set(store.targets(v, draft=draft).plan_id) == {"gansu-ip-13", "gansu-ip-15"}
    published = store.publish(draft)
    assert "gansu-ip-15" in set(store.plans(published).plan_id)
    retracted = store.retract(draft)
    assert "gansu-ip-15" not in set(store.targets(retracted).plan_id)


def test_a_restated_plan_replaces_the_earlier_statement_until_retracted(store: IndicatorStore,
                                                                        catalogue: Catalogue) -> None:
    path = next(PLANS_DIR.glob("*.toml"))
    before = store.targets()
    restated = path.read_text().replace("value = 3.5\n", "value = 4.25\n", 1).encode()
    ds = commit_plan(check_plan_file(restated, path.name, catalogue), path.name, "li", store, catalogue,
                     publish=True)
    now = store.targets()
    assert len(now) == len(before)  # one statement of each target, not two
    assert now[now.indicator == "invention_patents_per_10k"].value.tolist() == [4.25]
    store.retract(ds)
    again = store.targets()
    assert again[again.indicator == "invention_patents_per_10k"].value.tolist() == [3.5]


def test_added_indicators_are_kept_in_the_store(store: IndicatorStore, catalogue: Catalogue) -> None:
    new, issues = check_indicator({"id": "trademark_applications", "name_zh": "商标申请量", "name_en": "Trademarks",
                                   "unit": "件", "unit_en": "applications", "kind": "count"}, catalogue)
    assert not issues
    add_indicators(store, new, "zhou")
    assert [i.id for i in added_indicators(store)] == ["trademark_applications"]
