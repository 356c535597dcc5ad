"""Serving and browser figures against a real `ipmap serve --workers 2` on 127.0.0.1: wrk and headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.results import Figure

ROOT = Path(__file__).resolve().parent.parent
WRK_SECONDS = 5
WRK_CONNECTIONS = 4  # two per worker: p50 = connections / throughput, so more only queues
CHROMIUM = os.environ.get("IPMAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
COUNTY_PAGE = "/map?level=county&indicator=population"


def free_port() -> int:
    """An unused port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(workers: int = 2, token: str = "bench-token") -> Iterator[str]:
    """`ipmap serve --workers N` on a fresh SQLite store, as an operator starts it; stopped on exit."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = os.environ | {"IPMAP_DATABASE": str(Path(tmp) / "bench.sqlite"), "PYTHONPATH": str(ROOT),
                            "IPMAP_TOKEN": token}
        env.pop("IPMAP_DATABASE_URL", None)
        log = open(Path(tmp) / "serve.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--workers",
                                 str(workers)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            else:
                raise RuntimeError("server did not start: " + (Path(tmp) / "serve.log").read_text()[-2000:])
            time.sleep(3)  # let every worker finish starting, so wrk does not meet a half-started one
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=20)
            log.close()


def wrk(url: str, seconds: int = WRK_SECONDS, connections: int = WRK_CONNECTIONS) -> dict[str, float]:
    """p50/p99 latency (ms) and requests/s from one bounded wrk run with a browser's Accept-Encoding."""
    exe = shutil.which("wrk")
    if exe is None:
        raise RuntimeError("wrk missing: `make bench` installs it (apt-get install wrk)")
    out = subprocess.run([exe, "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "--latency",
                          "-H", "Accept-Encoding: gzip", url], capture_output=True, text=True, check=True,
                         timeout=seconds + 30).stdout
    lat = {m[0]: _ms(m[1], m[2]) for m in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"wrk saw {errors.group(1)} error responses from {url}")
    return {"p50": lat["50"], "p99": lat["99"], "rps": rps}


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]


def serving(base: str) -> list[Figure]:
    """Cached responses under load; a static file through the same server is the reference."""
    client = httpx.Client(headers={"Accept-Encoding": "gzip"})
    boundary = client.get(base + "/api/boundaries?level=county&lod=3").headers["content-location"]
    urls = {"county map page": COUNTY_PAGE, "county embed": "/embed?level=county",
            "API values": "/api/values?indicator=population&level=county", "API indicators": "/api/indicators",
            "boundaries (versioned)": boundary}
    for u in urls.values():
        for _ in range(20):  # a new connection each time reaches every worker, so none renders while wrk measures
            httpx.get(base + u, headers={"Accept-Encoding": "gzip", "Connection": "close"}).raise_for_status()
    ref = wrk(base + "/static/vendor/leaflet/leaflet.js")
    ref_name = "static leaflet.js, same server"
    figures = []
    for name, u in urls.items():
        r = wrk(base + u)
        figures += [
            Figure("Serving", f"{name}: p50 latency", r["p50"], "ms", ref["p50"], ref_name, "≤ 5 ms", r["p50"] <= 5),
            Figure("Serving", f"{name}: p99 latency", r["p99"], "ms", ref["p99"], ref_name),
            Figure("Serving", f"{name}: throughput", r["rps"], "req/s", ref["rps"], ref_name, "≥ 1,000 req/s",
                   r["rps"] >= 1000),
        ]
    health = wrk(base + "/healthz")
    figures.append(Figure("Serving", "/healthz (not kept: reads the data version): throughput", health["rps"], "req/s",
                          ref["rps"], ref_name, note=f"p50 {health['p50']:.2f} ms"))
    return figures


PATHS_OBSERVER = """
(() => {
  const want = %d;
  const done = () => document.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive').length >= want;
  let seen = false;  // two animation frames after the paths exist: they have been painted
  const mark = () => {
    if (seen || !done()) return;
    seen = true;
    requestAnimationFrame(() => requestAnimationFrame(() => { window.__pathsAt = performance.now(); }));
  };
  new MutationObserver(mark).observe(document, {childList: true, subtree: true});
})();
"""
FCP_SEEN = "() => performance.getEntriesByName('first-contentful-paint').length > 0"
READ_TIMES = """() => ({fcp: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime,
                   paths: window.__pathsAt})"""


def browser_times(base: str, page_url: str, paths: int, runs: int = 5, throttle: dict[str, float] | None = None,
                  html: str | None = None) -> dict[str, float]:
    """Median first contentful paint and time until `paths` county paths are drawn, cold and warm cache (ms)."""
    from playwright.sync_api import sync_playwright

    cold_fcp, cold_paths, warm_paths = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                ctx = browser.new_context(viewport={"width": 1280, "height": 800})
                page = ctx.new_page()
                if throttle:
                    cdp = ctx.new_cdp_session(page)
                    cdp.send("Network.enable")
                    cdp.send("Network.emulateNetworkConditions", {"offline": False, **throttle})
                if html is not None:
                    page.route(base + page_url, lambda route: route.fulfill(body=html, content_type="text/html"))
                page.add_init_script(PATHS_OBSERVER % paths)
                for visit in ("cold", "warm"):
                    page.goto(base + page_url, wait_until="load", timeout=120_000)
                    page.wait_for_function("() => window.__pathsAt !== undefined", timeout=120_000)
                    if visit == "cold":  # paint timing entries arrive asynchronously
                        page.wait_for_function(FCP_SEEN, timeout=30_000)
                    t = page.evaluate(READ_TIMES)
                    if visit == "cold":
                        cold_fcp.append(t["fcp"])
                        cold_paths.append(t["paths"])
                    else:
                        warm_paths.append(t["paths"])
                ctx.close()
        finally:
            browser.close()
    return {"fcp": statistics.median(cold_fcp), "paths": statistics.median(cold_paths),
            "warm_paths": statistics.median(warm_paths)}


# A slow office link: 10 Mbit/s down, 40 ms round trip.
SLOW_LINK = {"latency": 40, "downloadThroughput": 10e6 / 8, "uploadThroughput": 5e6 / 8}


def browser(base: str, naive_gzip_bytes: float | None = None) -> list[Figure]:
    """Headless Chromium on loopback and on a throttled link."""
    fast = browser_times(base, COUNTY_PAGE, 87)
    slow = browser_times(base, COUNTY_PAGE, 87, runs=3, throttle=SLOW_LINK)
    note_slow = "10 Mbit/s, 40 ms RTT (Chromium network emulation)"
    figures = [
        Figure("Browser", "first contentful paint, loopback, cold cache", fast["fcp"] / 1e3, "s", target="≤ 1 s",
               met=fast["fcp"] <= 1000),
        Figure("Browser", "87 county paths drawn, loopback, cold cache", fast["paths"] / 1e3, "s", target="≤ 1 s",
               met=fast["paths"] <= 1000),
        Figure("Browser", "87 county paths drawn, loopback, warm cache", fast["warm_paths"] / 1e3, "s",
               note="second visit: Leaflet and CSS from the browser cache, page revalidated"),
        Figure("Browser", "first contentful paint, slow link, cold cache", slow["fcp"] / 1e3, "s", note=note_slow),
        Figure("Browser", "87 county paths drawn, slow link, cold cache", slow["paths"] / 1e3, "s", note=note_slow),
    ]
    if naive_gzip_bytes:
        figures[-1].baseline = naive_gzip_bytes / SLOW_LINK["downloadThroughput"]
        figures[-1].baseline_name = "naive document's gzip bytes alone at 10 Mbit/s (transfer time, lower bound)"
    return figures
