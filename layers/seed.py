"""Load the bundled reference data (census, plans, cited facts) into an empty store."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from layers.catalogue import Catalogue
from layers.derive import aggregate_to_parent
from layers.plans import Plan, load_plans
from layers.store import DatasetMeta, Store

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CENSUS_CSV = DATA_DIR / "reference" / "gansu-census-2020-county-population.csv"
FACTS_CSV = DATA_DIR / "facts" / "gansu-ip-facts.csv"
CENSUS_SOURCE = "2020 census, via tudigong (MIT)"
CENSUS_SOURCE_AGG = CENSUS_SOURCE + "; sum of county-level units (兰州 includes 兰州新区 620171)"
PROVINCE = "620000"


def census_population(path: Path = CENSUS_CSV) -> pd.DataFrame:
    """County, prefecture and province population 2020 in long form.

    Prefectures and the province are sums of the census rows, so 兰州新区 (620171, not a county)
    counts in 兰州 as the census tabulates it.
    """
    raw = pd.read_csv(path, dtype={"CODE": str})
    county = pd.DataFrame({"adcode": raw["CODE"], "indicator": "population", "year": 2020,
                           "value": raw["POPU"].astype(float), "unit": "人", "source": CENSUS_SOURCE,
                           "note": ""})
    county.loc[county.adcode == "620171", "note"] = "兰州新区：国家级新区，非县级行政区；土地位于永登县、皋兰县境内"
    pref = aggregate_to_parent(county)
    pref = pref[~pref.adcode.isin(county.adcode)]
    prov = aggregate_to_parent(county, {a: PROVINCE for a in county.adcode})
    agg = pd.concat([pref, prov]).assign(source=CENSUS_SOURCE_AGG, note="")
    return pd.concat([county, agg], ignore_index=True)


def facts(path: Path = FACTS_CSV) -> pd.DataFrame:
    """Cited observations from press reports and statistics, one source per row."""
    return pd.read_csv(path, dtype={"adcode": str, "period": str, "note": str}).fillna({"period": "", "note": ""})


def plan_baseline(plan: Plan, catalogue: Catalogue) -> pd.DataFrame:
    """A plan's baseline figures with units from the catalogue."""
    df = plan.baseline_frame()
    df["unit"] = [catalogue.get(i).unit for i in df["indicator"]]
    return df


def seed(store: Store, catalogue: Catalogue) -> list[int]:
    """Write every reference dataset as its own version; returns the new dataset ids."""
    ids = [store.add_dataset(DatasetMeta(name="第七次全国人口普查 2020 / 2020 census", kind="reference",
                                         source=CENSUS_SOURCE, file_name=CENSUS_CSV.name), census_population())]
    for plan in load_plans():
        ids.append(store.add_dataset(DatasetMeta(name=plan.name_zh, kind="plan", source=plan.citation,
                                                 file_name=f"{plan.id}.toml"),
                                     plan_baseline(plan, catalogue), plan.target_frame()))
    ids.append(store.add_dataset(DatasetMeta(name="甘肃知识产权公开数据 / Cited Gansu IP facts", kind="reference",
                                             source="see each row", file_name=FACTS_CSV.name), facts()))
    return ids


def ensure_seeded(store: Store, catalogue: Catalogue) -> None:
    """Create and seed the store on first start; never touches a store that has data."""
    store.init()
    with store.lock():  # several workers or instances may start at once: only one seeds
        if store.version() == 0:
            seed(store, catalogue)
