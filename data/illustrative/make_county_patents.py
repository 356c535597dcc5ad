"""Write county-patents.csv: ILLUSTRATIVE county patent counts for Gansu, 2016-2023 (not real statistics).

Real county-level patent counts are not published in one place, so the app ships this made-up set to show
every layer; it is flagged illustrative everywhere and any real upload for the same keys replaces it.

How the numbers are made (deterministic, run `python data/illustrative/make_county_patents.py`):
- province totals per year are round numbers of the order of the published provincial figures (e.g. about
  10,900 valid invention patents in 2022, implied by 兰州's 7,704 being 70.38% of the province);
- each county's share follows its 2020 census population weighted by urbanisation squared, with the
  兰州 districts weighted up (most patents are filed there), times a fixed per-county random factor and a
  small per-year one;
- grants never exceed applications, valid invention patents never fall; 兰州新区 (620171) is not a county and gets no row.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
CENSUS = HERE.parent / "reference" / "gansu-census-2020-county-population.csv"
OUT = HERE / "county-patents.csv"
SEED = 20160101
YEARS = range(2016, 2024)
TOTALS = {
    "patent_applications": [19000, 22000, 26000, 24000, 31000, 36000, 33000, 30000],
    "patent_grants": [8000, 9500, 14000, 15000, 21000, 27000, 25000, 22000],
    "valid_invention_patents": [4900, 5700, 6600, 7500, 8600, 9700, 10900, 12300],
}
LANZHOU_BOOST = {"patent_applications": 1.8, "patent_grants": 1.8, "valid_invention_patents": 5.0}
NOT_COUNTIES = {"620171"}


def counties() -> list[dict[str, str]]:
    """Census rows of the 87 county-level units."""
    with open(CENSUS, encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if r["CODE"] not in NOT_COUNTIES]


def make() -> list[dict[str, object]]:
    """All rows, long form."""
    rng = np.random.default_rng(SEED)
    units = counties()
    pop = np.array([float(u["POPU"]) for u in units])
    urb = np.array([float(u["POPU_URB"]) for u in units])
    lanzhou = np.array([u["CODE"].startswith("6201") for u in units])
    persistent = rng.lognormal(0.0, 0.3, len(units))
    rows: list[dict[str, object]] = []
    values: dict[str, np.ndarray] = {}
    for ind, totals in TOTALS.items():
        weight = pop * urb**2 * persistent * np.where(lanzhou, LANZHOU_BOOST[ind], 1.0)
        yearly = np.stack([weight * rng.lognormal(0.0, 0.08, len(units)) for _ in YEARS])
        share = yearly / yearly.sum(axis=1, keepdims=True)
        values[ind] = np.maximum(1, np.rint(share * np.array(totals)[:, None]))
    values["patent_grants"] = np.minimum(values["patent_grants"], values["patent_applications"])
    values["valid_invention_patents"] = np.maximum.accumulate(values["valid_invention_patents"], axis=0)
    for ind, table in values.items():
        for i, u in enumerate(units):
            for j, year in enumerate(YEARS):
                rows.append({"adcode": u["CODE"], "region": u["NAME"], "indicator": ind, "year": year,
                             "value": int(table[j, i])})
    return rows


def main() -> None:
    rows = make()
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["adcode", "region", "indicator", "year", "value"], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {OUT} ({len(rows)} rows)")


if __name__ == "__main__":
    main()
