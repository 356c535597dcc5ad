"""Soak: the real server under a bounded mixed load on loopback (maps, API, search, exports, uploads) for minutes,
failing on any error or on memory that keeps growing once the caches are full.

Run: `make soak`, or `PYTHONPATH=. python bench/soak.py [--seconds 600] [--workers 4] [--markdown FILE]`.
Targets 127.0.0.1 only; stops after --seconds (at most 600) or --max-requests, whichever comes first.
Pass: no 5xx, no unexpected status, no transport error, and memory within two bounds:
- growth over the second half under HALF_GROWTH_MB: the mean RSS of the last quarter minus that of the second
  (single samples swing by ±50 MB as each commit turns the caches over; quarter means of 30 samples do not);
- peak RSS under the start plus the server's cache budget plus HEADROOM_MB.
The server runs with a small cache budget (--cache-mb, 64 MB) so that its caches are full within the first
minutes: growth after that is a leak, not a cache filling up. With the default 224 MB the caches are still
filling at half-time and the growth bound says nothing; the ceiling still holds (`--cache-mb 224`).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # loopback only, by design
MAX_SECONDS = 600
HALF_GROWTH_MB = 40
HEADROOM_MB = 150  # requests in flight (a PDF or PNG export builds a figure), allocator slack
TOKEN = "soak-token"
COUNTIES = ["620102", "620103", "620402", "620502", "620602", "620702", "620802", "620902", "620982", "621102",
            "621202", "622901", "623001", "620200"]
PREFECTURES = ["620100", "620200", "620300", "620400", "620500", "620600", "620700", "620800", "620900", "621000",
               "621100", "621200", "622900", "623000"]
SEARCHES = ["兰州", "dunhuang", "dh", "敦煌", "城关", "tianshui", "临夏", "甘南", "zz", "x"]
GOOD_CSV = "地区,指标,年份,数值\r\n兰州市,专利授权量,2023,\"5,120\"\r\n白银市,专利授权量,2023,640\r\n"
BAD_CSV = "地区,指标,年份,数值\r\n火星市,专利授权量,2023,abc\r\n".encode("gbk")


@dataclass
class Req:
    kind: str
    method: str
    url: str
    ok: tuple[int, ...] = (200,)
    files: dict[str, tuple[str, bytes]] | None = None
    data: dict[str, str] | None = None


def pick(rng: random.Random, commit_due: bool) -> Req:
    """One request of the mix: mostly map pages and JSON, some search and exports, a few uploads."""
    level = rng.choice(["county", "prefecture"])
    lang = rng.choice(["zh", "en"])
    roll = rng.random()
    if commit_due:
        return Req("upload-commit", "POST", "/api/datasets", files={"file": ("soak.csv", GOOD_CSV.encode())},
                   data={"source": "压力测试（本机）", "dry_run": "false", "publish": "true"})
    if roll < 0.30:
        ind = rng.choice(["population", "patent_grants", "patent_applications", "valid_invention_patents"])
        page = rng.choice(["/map", "/embed", "/"])
        return Req("map", "GET", f"{page}?level={level}&indicator={ind}&lang={lang}&k={rng.randint(3, 7)}",
                   ok=(200, 404))
    if roll < 0.55:
        url = rng.choice([f"/api/values?level={level}&indicator=population", "/api/indicators", "/api/regions",
                          f"/api/regions/{rng.choice(COUNTIES + PREFECTURES)}", "/api/datasets", "/healthz",
                          f"/api/boundaries?level={level}&lod={rng.randint(2, 3)}", "/api/zones"])
        return Req("api", "GET", url)
    if roll < 0.68:
        q = rng.choice(SEARCHES)
        return Req("search", "GET", rng.choice([f"/api/search?q={q}", f"/search?q={q}"]))
    if roll < 0.80:
        url = rng.choice(["/regions", f"/regions/{rng.choice(COUNTIES)}", "/zones", "/zones/lanbai",
                          f"/compare?level={level}&indicator=population", f"/timeline?level={level}"
                          "&indicator=patent_grants", f"/briefing?level={level}"])
        return Req("pages", "GET", url, ok=(200, 404))
    if roll < 0.86:
        fmt = rng.choice(["csv", "xlsx", "csv", "svg"])
        return Req("export", "GET", f"/export.{fmt}?level={level}&indicator=population&lang={lang}")
    if roll < 0.93:
        return Req("upload-dry", "POST", "/api/datasets", files={"file": ("soak.csv", GOOD_CSV.encode())},
                   data={"dry_run": "true"})
    if roll < 0.97:
        return Req("upload-bad", "POST", "/api/datasets", ok=(422,), files={"file": ("bad.csv", BAD_CSV)},
                   data={"source": "x", "dry_run": "false"})
    return Req("error-path", "GET", rng.choice(["/map?indicator=nope", "/api/regions/999999", "/nope",
                                                "/api/values?level=town"]), ok=(404, 422))


@dataclass
class Tally:
    counts: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, req: Req, status: int | None, seconds: float, error: str = "") -> None:
        with self.lock:
            self.counts[req.kind] += 1
            if status is not None:
                self.statuses[status] += 1
            self.latency[req.kind].append(seconds)
            if error or status not in req.ok:
                self.failures.append(f"{req.method} {req.url} -> {status} {error}"[:300])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def start_server(db: Path, trace: Path | None = None, cache_mb: int = 64) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port = s.getsockname()[1]
    env = os.environ | {"IPMAP_DATABASE": str(db), "IPMAP_TOKEN": TOKEN, "IPMAP_HOST": HOST,
                        "IPMAP_CACHE_MB": str(cache_mb),
                        "PYTHONPATH": str(ROOT)}
    entry = ["-m", "server.cli", "serve"]
    if trace is not None:  # tracemalloc on; SIGUSR1 dumps a snapshot and the cache sizes into trace
        env["IPMAP_TRACE_DIR"] = str(trace)
        entry = [str(ROOT / "bench" / "traced_serve.py")]
    proc = subprocess.Popen([sys.executable, *entry, "--host", HOST, "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://{HOST}:{port}"
    deadline = time.monotonic() + (900 if trace else 90)  # tracemalloc slows start-up several times over
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def worker(url: str, seed: int, stop: threading.Event, tally: Tally, budget: list[int], commits: list[float],
           commit_every: float) -> None:
    rng = random.Random(seed)
    with httpx.Client(base_url=url, timeout=60, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        while not stop.is_set():
            with tally.lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
                due = time.monotonic() - commits[0] >= commit_every
                if due:
                    commits[0] = time.monotonic()
            req = pick(rng, due)
            t0 = time.perf_counter()
            try:
                r = client.request(req.method, req.url, files=req.files, data=req.data)
                r.read()
                tally.add(req, r.status_code, time.perf_counter() - t0)
            except httpx.HTTPError as e:
                tally.add(req, None, time.perf_counter() - t0, f"{type(e).__name__}: {e}")


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) >= 2 else (values[0] if values else 0.0)


def quarter_mean(rss: list[tuple[float, float]], elapsed: float, quarter: int) -> float:
    """Mean RSS of the samples taken in one quarter (0-3) of the run."""
    lo, hi = elapsed * quarter / 4, elapsed * (quarter + 1) / 4
    values = [r for t, r in rss if lo <= t <= hi]
    return statistics.fmean(values) if values else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=int, default=600)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--max-requests", type=int, default=500_000)
    ap.add_argument("--commit-every", type=float, default=60.0, help="seconds between committed uploads")
    ap.add_argument("--cache-mb", type=int, default=64, help="the server's IPMAP_CACHE_MB (small: caches full early)")
    ap.add_argument("--markdown", type=Path, help="also write the figures as a Markdown table here")
    ap.add_argument("--trace", type=Path, help="run the server under tracemalloc; snapshots at 1/4, 1/2, 3/4 and "
                    "the end of the run go here (compare them with bench/trace_diff.py)")
    args = ap.parse_args()
    seconds = min(args.seconds, MAX_SECONDS)

    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_server(Path(tmp) / "soak.sqlite", args.trace, args.cache_mb)
        try:
            warm = Tally()
            for i in range(60):  # fill the caches a steady load would fill anyway
                worker(url, 1000 + i, threading.Event(), warm, [5], [time.monotonic()], 1e9)
            rss: list[tuple[float, float]] = []
            tally, stop, budget, commits = Tally(), threading.Event(), [args.max_requests], [time.monotonic()]
            threads = [threading.Thread(target=worker, args=(url, i, stop, tally, budget, commits, args.commit_every))
                       for i in range(args.workers)]
            t0 = time.monotonic()
            rss.append((0.0, rss_mb(proc.pid)))
            for th in threads:
                th.start()
            marks = [seconds * q / 4 for q in (1, 2, 3)] if args.trace else []
            while time.monotonic() - t0 < seconds and any(th.is_alive() for th in threads):
                time.sleep(5)
                rss.append((time.monotonic() - t0, rss_mb(proc.pid)))
                if marks and rss[-1][0] >= marks[0]:
                    marks.pop(0)
                    proc.send_signal(signal.SIGUSR1)
            stop.set()
            for th in threads:
                th.join(120)
            elapsed = time.monotonic() - t0
            rss.append((elapsed, rss_mb(proc.pid)))
            versions = httpx.get(url + "/healthz", timeout=10).json()["data_version"]
            if args.trace:
                proc.send_signal(signal.SIGUSR1)
                time.sleep(20)
        finally:
            proc.terminate()
            proc.wait(timeout=30)

    start, end, peak = rss[0][1], rss[-1][1], max(r for _, r in rss)
    half = next(r for t, r in rss if t >= elapsed / 2)
    growth = quarter_mean(rss, elapsed, 3) - quarter_mean(rss, elapsed, 1)
    total = sum(tally.counts.values())
    ceiling = start + args.cache_mb + HEADROOM_MB
    ok = not tally.failures and not warm.failures and growth < HALF_GROWTH_MB and peak < ceiling
    lines = [
        f"duration {elapsed:.0f} s, {args.workers} workers, {total} requests ({total / elapsed:.1f}/s), "
        f"{len(tally.failures)} failures, data version at the end {versions}",
        f"server RSS: start {start:.0f} MB (after warm-up), half-time {half:.0f} MB, end {end:.0f} MB, "
        f"peak {peak:.0f} MB; growth over the second half {growth:+.0f} MB (mean of the last quarter minus mean of "
        f"the second; bound {HALF_GROWTH_MB} MB; end minus half-time sample {end - half:+.0f} MB); peak bound: "
        f"start + cache {args.cache_mb} MB + headroom {HEADROOM_MB} MB = {ceiling:.0f} MB",
        "statuses: " + ", ".join(f"{s}: {n}" for s, n in sorted(tally.statuses.items())),
        "",
        "| kind | requests | p50 ms | p95 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind in sorted(tally.counts):
        lat = [x * 1000 for x in tally.latency[kind]]
        lines.append(f"| {kind} | {tally.counts[kind]} | {pct(lat, 50):.0f} | {pct(lat, 95):.0f} | "
                     f"{pct(lat, 99):.0f} | {max(lat):.0f} |")
    lines += ["", "RSS over time (s: MB): " + ", ".join(f"{t:.0f}: {r:.0f}" for t, r in rss[:: max(1, len(rss) // 12)]),
              "", f"result: {'PASS' if ok else 'FAIL'}"]
    lines += [f"  failure: {f}" for f in (warm.failures + tally.failures)[:20]]
    print("\n".join(lines))
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
