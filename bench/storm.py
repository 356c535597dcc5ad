"""Storm: the real server under anonymous cache-busting and export requests, checked against its memory and
/healthz bounds (issue 11). A figure for bench/, not a CI gate.

Run: `python bench/storm.py [--seconds 60] [--clients 8] [--cache-mb 64] [--markdown bench/storm-results.md]`.
Targets 127.0.0.1 only and stops after --seconds (at most 600) or --max-requests. The mix, all anonymous:
- junk-api: /api/search with a junk parameter (a random name, up to 60 KB of value): 422 expected;
- junk-page: a map page with chat-app and random junk parameters: 307 to the page without them;
- bust-api: /api/search with a random query, /api/values for a random indicator, level and year: 200 (distinct
  URLs, each a new kept response);
- bust-map: /map or /embed for a random valid region, year, k, scheme, language: 200, or 503 when the renders
  are full;
- bad-value: a made-up region or year: 404;
- export: PNG/SVG/PDF of a random view and size (up to the 16-million-pixel cap, some over it: 422) and the
  briefing PDF for a random region: 200, 503 when full, 422 over the cap;
- kept: one page asked again and again: 200 from the kept responses.
Meanwhile a probe in its own process asks /healthz every 100 ms, and the server's RSS is sampled every second.
Pass: no transport error and no status outside the expected ones; peak RSS under the start (after warm-up) plus
IPMAP_CACHE_MB plus HEADROOM_MB; /healthz p99 under HEALTHZ_P99_MS.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import string
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # runnable as `python bench/storm.py` from a checkout
    sys.path.insert(0, str(ROOT))

from bench.soak import HOST, pct, rss_mb, start_server  # noqa: E402

MAX_SECONDS = 600
HEADROOM_MB = 150
HEALTHZ_P99_MS = 100
MAX_PIXELS = 16_000_000
EXPECTED = {"junk-api": (422,), "junk-page": (307,), "bust-api": (200,), "bust-map": (200, 503),
            "bad-value": (404,), "export": (200, 422, 503), "kept": (200,)}
WEIGHTS = {"junk-api": 20, "junk-page": 12, "bust-api": 15, "bust-map": 15, "bad-value": 10, "export": 20, "kept": 8}


@dataclass
class World:
    """What exists, read from the server: units and, per indicator and level, the years with data."""

    regions: list[str]
    years: dict[tuple[str, str], list[int]]


def world(url: str) -> World:
    regions = [r["adcode"] for r in httpx.get(url + "/api/regions", timeout=30).json()]
    years = {(i["id"], level): ys for i in httpx.get(url + "/api/indicators", timeout=30).json()
             for level, ys in i["years"].items() if level in ("prefecture", "county") and ys}
    return World(sorted(set(regions)), years)


BLOB = "".join(random.Random(0).choices(string.ascii_letters + string.digits, k=64 * 1024))


def junk(rng: random.Random, big: bool = False) -> str:
    """Random-looking text, cheap to make (a slice of one blob): the client must not eat the server's CPU."""
    n = rng.choice([60_000, 20_000]) if big else rng.randint(1, 2_000)
    start = rng.randrange(len(BLOB) - n)
    return BLOB[start:start + n]


def view_query(rng: random.Random, w: World) -> str:
    (indicator, level), years = rng.choice(list(w.years.items()))
    q = {"level": level, "indicator": indicator, "year": rng.choice(years), "k": rng.randint(2, 9),
         "scheme": rng.choice(["quantiles", "natural_breaks", "equal_interval"]), "lang": rng.choice(["zh", "en"])}
    if rng.random() < 0.7:
        q["region"] = rng.choice(w.regions)
    return str(httpx.QueryParams(q))


def pick(rng: random.Random, w: World) -> tuple[str, str]:
    """(kind, URL) of one request of the mix."""
    kind = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    if kind == "junk-api":
        # "x" first: a bare random name can be one the route takes (q, lang, limit), which rightly answers 200.
        name = "x" + "".join(rng.choices(string.ascii_lowercase, k=rng.randint(0, 11)))
        return kind, f"/api/search?q={junk(rng)[:8]}&{name}={junk(rng, big=rng.random() < 0.2)}"
    if kind == "junk-page":
        extra = f"&from=singlemessage&isappinstalled=0&x{rng.randint(0, 10**9)}={junk(rng)}"
        return kind, f"/{rng.choice(['map', 'embed'])}?{view_query(rng, w)}{extra}"
    if kind == "bust-api":
        if rng.random() < 0.6:
            return kind, f"/api/search?q={junk(rng)[:rng.randint(1, 100)]}"
        (indicator, level), years = rng.choice(list(w.years.items()))
        return kind, f"/api/values?indicator={indicator}&level={level}&year={rng.choice(years)}"
    if kind == "bust-map":
        return kind, f"/{rng.choice(['map', 'embed'])}?{view_query(rng, w)}"
    if kind == "bad-value":
        if rng.random() < 0.5:
            return kind, f"/embed?level=county&region={rng.randint(100000, 999999)}"  # 62xxxx units are rare
        return kind, f"/export.png?level=county&year={rng.randint(1900, 2010)}"
    if kind == "export":
        if rng.random() < 0.25:
            return kind, f"/briefing.pdf?{view_query(rng, w)}"
        fmt = rng.choice(["png", "png", "svg", "pdf"])
        width, height, scale = rng.randint(320, 4000), rng.randint(240, 4000), rng.choice([1, 1.5, 2, 3, 4])
        return kind, f"/export.{fmt}?{view_query(rng, w)}&width={width}&height={height}&scale={scale}"
    return kind, "/map?level=county"


@dataclass
class Tally:
    counts: Counter[str] = field(default_factory=Counter)
    statuses: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, url: str, status: int | None, seconds: float, error: str = "") -> None:
        with self.lock:
            self.counts[kind] += 1
            self.latency[kind].append(seconds)
            if status is not None:
                self.statuses[kind][status] += 1
            if kind == "bad-value" and url.startswith("/embed") and status == 200:
                return  # the random adcode happened to be a real unit
            if error or status not in EXPECTED[kind]:
                self.failures.append(f"{kind} {url[:120]} -> {status} {error}"[:300])


def client_loop(url: str, w: World, seed: int, stop: threading.Event, tally: Tally, budget: list[int]) -> None:
    rng = random.Random(seed)
    with httpx.Client(base_url=url, timeout=120, follow_redirects=False) as client:
        while not stop.is_set():
            with tally.lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            kind, path = pick(rng, w)
            t0 = time.perf_counter()
            try:
                r = client.get(path)
                tally.add(kind, path, r.status_code, time.perf_counter() - t0)
            except httpx.HTTPError as e:
                tally.add(kind, path, None, time.perf_counter() - t0, f"{type(e).__name__}: {e}")


def idle_healthz(url: str, count: int = 100) -> list[float]:
    """/healthz latencies (ms) with no other load on the server: what the machine alone costs."""
    out = []
    with httpx.Client(base_url=url, timeout=30) as client:
        for _ in range(count):
            t0 = time.perf_counter()
            client.get("/healthz")
            out.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.05)
    return out


def probe(url: str, stop: Event, out: Connection) -> None:
    """/healthz every 100 ms, in its own process so that the load generator's threads do not delay its clock."""
    latencies: list[float] = []
    errors: list[str] = []
    with httpx.Client(base_url=url, timeout=30) as client:
        while not stop.is_set():
            t0 = time.perf_counter()
            try:
                r = client.get("/healthz")
                latencies.append(time.perf_counter() - t0)
                if r.status_code != 200:
                    errors.append(f"/healthz -> {r.status_code}")
            except httpx.HTTPError as e:
                errors.append(f"/healthz {type(e).__name__}")
            stop.wait(0.1)
    out.send((latencies, errors))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--clients", type=int, default=8, help="concurrent anonymous clients")
    ap.add_argument("--max-requests", type=int, default=100_000)
    ap.add_argument("--cache-mb", type=int, default=64, help="the server's IPMAP_CACHE_MB")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--markdown", type=Path, help="also write the figures as Markdown here")
    args = ap.parse_args()
    seconds = min(args.seconds, MAX_SECONDS)

    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_server(Path(tmp) / "storm.sqlite", cache_mb=args.cache_mb)
        assert url.startswith(f"http://{HOST}:")
        try:
            w = world(url)
            with httpx.Client(base_url=url, timeout=120) as warm:  # what any first visitor would draw
                for page in ("/map?level=county", "/map?level=prefecture", "/embed?level=county", "/zones"):
                    warm.get(page)
            baseline = idle_healthz(url)
            load_before = os.getloadavg()[0]
            start = rss_mb(proc.pid)
            rss: list[tuple[float, float]] = [(0.0, start)]
            tally, stop, budget = Tally(), threading.Event(), [args.max_requests]
            threads = [threading.Thread(target=client_loop, args=(url, w, args.seed + i, stop, tally, budget))
                       for i in range(args.clients)]
            spawn = multiprocessing.get_context("spawn")
            probe_stop = spawn.Event()
            receive, send = spawn.Pipe(duplex=False)
            prober = spawn.Process(target=probe, args=(url, probe_stop, send))
            prober.start()
            t0 = time.monotonic()
            for th in threads:
                th.start()
            while time.monotonic() - t0 < seconds and any(th.is_alive() for th in threads):
                time.sleep(1)
                rss.append((time.monotonic() - t0, rss_mb(proc.pid)))
            stop.set()
            probe_stop.set()
            health, health_errors = receive.recv()
            prober.join(30)
            for th in threads:
                th.join(180)
            elapsed = time.monotonic() - t0
            rss.append((elapsed, rss_mb(proc.pid)))
            load_after = os.getloadavg()[0]
        finally:
            proc.terminate()
            proc.wait(timeout=30)

    peak, end = max(r for _, r in rss), rss[-1][1]
    ceiling = start + args.cache_mb + HEADROOM_MB
    hz = [x * 1000 for x in health]
    p99 = pct(hz, 99)
    total = sum(tally.counts.values())
    memory_ok, health_ok = peak < ceiling, p99 < HEALTHZ_P99_MS and not health_errors
    ok = memory_ok and health_ok and not tally.failures
    lines = [
        f"duration {elapsed:.0f} s, {args.clients} anonymous clients, {total} requests ({total / elapsed:.1f}/s), "
        f"server IPMAP_CACHE_MB={args.cache_mb}, one worker, default render limits",
        "",
        f"- worker RSS: start {start:.0f} MB (after warm-up), peak {peak:.0f} MB, end {end:.0f} MB; bound start + "
        f"{args.cache_mb} + {HEADROOM_MB} = {ceiling:.0f} MB: **{'met' if memory_ok else 'EXCEEDED'}**",
        f"- /healthz every 100 ms ({len(hz)} probes, {len(health_errors)} errors): p50 {pct(hz, 50):.1f} ms, "
        f"p95 {pct(hz, 95):.1f} ms, p99 {p99:.1f} ms, max {max(hz, default=0):.1f} ms; target p99 < "
        f"{HEALTHZ_P99_MS} ms: **{'met' if health_ok else 'MISSED'}**",
        f"- the same probe before the storm (server idle, same machine): p50 {pct(baseline, 50):.1f} ms, "
        f"p99 {pct(baseline, 99):.1f} ms; machine load average {load_before:.1f} before, {load_after:.1f} after "
        f"({os.cpu_count()} CPUs, shared with other work)",
        f"- unexpected statuses or transport errors: {len(tally.failures)}",
        "",
        "| kind | requests | statuses | p50 ms | p99 ms | max ms |",
        "| --- | ---: | --- | ---: | ---: | ---: |",
    ]
    for kind in WEIGHTS:
        lat = [x * 1000 for x in tally.latency[kind]]
        if not lat:
            continue
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(tally.statuses[kind].items()))
        lines.append(f"| {kind} | {tally.counts[kind]} | {statuses} | {pct(lat, 50):.0f} | {pct(lat, 99):.0f} | "
                     f"{max(lat):.0f} |")
    lines += ["", "RSS over time (s: MB): " + ", ".join(f"{t:.0f}: {r:.0f}" for t, r in rss[:: max(1, len(rss) // 15)]),
              "", f"result: {'PASS' if ok else 'FAIL'}"]
    lines += [f"  failure: {f}" for f in (tally.failures + health_errors)[:20]]
    print("\n".join(lines))
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
