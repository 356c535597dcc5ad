"""Time a 10,000-row planner import (validate, then commit) and the derived values that follow it.

Run: `PYTHONPATH=. python bench/import_bench.py [ROWS]`. Reports seconds and, as the target, ratios to the
least any Python importer does (decode, csv.reader, float() of each value): a machine-independent yardstick.
  validate (dry run)  <= 100 x read_csv       commit (validate + write)  <= 150 x read_csv
(measured on a busy 2-core machine: 10,000 rows validate in 0.24-0.9 s, validate + commit in 0.47-1.0 s, that
is 36-76 x; the targets leave room for a slower disk, not for a slower algorithm.)
"""

from __future__ import annotations

import csv
import io
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from geo.boundaries import BoundarySet
from layers.core.catalogue import Catalogue
from layers.importing.service import Upload, run_import
from layers.pages.atlas import Atlas
from layers.store.seed import ensure_seeded
from layers.store.sqlite import Store

TARGETS = {"validate": 100.0, "commit": 150.0}


def sample(rows: int, regions: pd.DataFrame) -> bytes:
    """Long-form CSV in GBK with Chinese names, thousands separators: the planner's usual file, `rows` long."""
    counties = regions[regions.level == "county"].name_zh.tolist()
    indicators = ["专利申请量", "专利授权量", "有效发明专利数", "PCT申请量"]
    out = io.StringIO()
    out.write("地区,指标,年份,数值\n")
    n, year = 0, 2023
    while n < rows:
        for ind in indicators:
            for name in counties:
                if n == rows:
                    break
                out.write(f'{name},{ind},{year},"{(n * 37) % 9000 + 1000:,}"\n')
                n += 1
        year -= 1
    return out.getvalue().encode("gbk")


def _bare_parse(data: bytes) -> list[float]:
    rows = list(csv.reader(io.StringIO(data.decode("gbk"))))[1:]
    return [float(r[3].replace(",", "")) for r in rows]


def _timed(fn: object) -> float:
    t0 = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - t0


def main(rows: int = 10_000) -> None:
    boundaries, catalogue = BoundarySet.load(), Catalogue.load()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.sqlite")
        ensure_seeded(store, catalogue)
        atlas = Atlas(boundaries, catalogue, store)
        atlas.snapshot(store.version())
        data = sample(rows, boundaries.regions)
        yardstick = min(_timed(lambda: _bare_parse(data)) for _ in range(5))
        matcher = atlas.matcher
        t0 = time.perf_counter()
        dry = run_import(Upload(data, "bench.csv", dry_run=True), catalogue, matcher, store)
        validate = time.perf_counter() - t0
        t0 = time.perf_counter()
        done = run_import(Upload(data, "bench.csv", source="bench"), catalogue, matcher, store)
        commit = time.perf_counter() - t0
        t0 = time.perf_counter()
        derived = atlas.snapshot(store.version()).observations
        recompute = time.perf_counter() - t0
    assert dry["rows"] == done["rows"] == rows, (dry["rows"], done["rows"])
    print(f"{rows:,} rows, {len(data):,} bytes GBK")
    print(f"bare csv parse (yardstick) {yardstick:.3f} s")
    print(f"validate (dry run)          {validate:.3f} s  = {validate / yardstick:.1f} x  (target <= "
          f"{TARGETS['validate']:.0f} x)")
    print(f"validate + commit           {commit:.3f} s  = {commit / yardstick:.1f} x  (target <= "
          f"{TARGETS['commit']:.0f} x)")
    print(f"derived values recomputed   {recompute:.3f} s  ({len(derived):,} rows incl. derived)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
