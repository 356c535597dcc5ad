"""Page weight and uncached render time, measured in-process against the naive Folium baseline."""

from __future__ import annotations

import gzip
import re
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from bench.naive import naive_inputs, timed_naive
from bench.results import Figure
from geo.boundaries import BoundarySet
from layers.core.catalogue import Catalogue
from layers.core.view import MapView
from layers.pages.atlas import Atlas
from layers.pages.frames import render_map
from layers.store.seed import ensure_seeded
from layers.store.sqlite import Store
from server.app import create_app
from server.settings import Settings

PAGE = "/map?level=county&indicator=population"
ASSET = re.compile(r'<(?:script[^>]*\ssrc|link[^>]*rel="stylesheet"[^>]*\shref)="(/static/[^"]+)"')
GZIP_TARGET = 150_000


def sent(client: TestClient, url: str, encoding: str) -> int:
    """Bytes on the wire for one response with that Accept-Encoding."""
    with client.stream("GET", url, headers={"Accept-Encoding": encoding}) as r:
        return len(b"".join(r.iter_raw()))


def page_weight(naive_html: str, naive_single_html: str) -> list[Figure]:
    """County map page with its data, raw / gzip / brotli, against the naive document."""
    naive_raw = len(naive_html.encode())
    naive_gz = len(gzip.compress(naive_html.encode(), 6))
    single_gz = len(gzip.compress(naive_single_html.encode(), 6))
    with tempfile.TemporaryDirectory() as tmp, TestClient(create_app(Settings(
            database=Path(tmp) / "bench.sqlite", _env_file=None))) as client:  # type: ignore[call-arg]
        html = client.get(PAGE, headers={"Accept-Encoding": "identity"}).text
        raw, gz = len(html.encode()), sent(client, PAGE, "gzip")
        sent(client, PAGE, "br")
        time.sleep(1.5)  # the best-quality brotli pass runs in the background
        br = sent(client, PAGE, "br")
        assets = sorted(set(ASSET.findall(html)))
        assets_gz = sum(sent(client, a, "gzip") for a in assets)
        assets_raw = sum(sent(client, a, "identity") for a in assets)
    naive_name = "naive Folium, Choropleth + tooltip layer"
    return [
        Figure("Page weight", "county map page incl. data, raw", raw, "B", naive_raw, naive_name),
        Figure("Page weight", "county map page incl. data, gzip", gz, "B", naive_gz, naive_name,
               "≤ 150 KB gzip", gz <= GZIP_TARGET),
        Figure("Page weight", "county map page incl. data, gzip", gz, "B", single_gz,
               "naive Folium, Choropleth only (tooltip on it)", note="the leaner naive variant"),
        Figure("Page weight", "county map page incl. data, brotli", br, "B", naive_gz, naive_name + ", gzip",
               note="after the background best-quality pass; browsers send br over HTTPS"),
        Figure("Page weight", "first visit: page + all its JS/CSS, gzip", gz + assets_gz, "B", naive_gz,
               naive_name + " (document only; its CDN assets not counted)",
               note=f"{len(assets)} vendored assets, {assets_raw / 1e3:.0f} KB raw; cached by the browser after"),
    ]


def render_time(naive_s: float, naive_cpu: float, naive_single_s: float, repeat: int = 7) -> list[Figure]:
    """Uncached county map build (render_map on a fresh atlas) against the naive build."""
    boundaries, catalogue = BoundarySet.load(), Catalogue.load()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "render.sqlite")
        ensure_seeded(store, catalogue)
        view = MapView(level="county", indicator="population")
        cold, cold_cpu, warm = [], [], []
        for _ in range(repeat):
            atlas = Atlas(boundaries, catalogue, store)
            snap = atlas.snapshot(store.version())  # the store read is start-up work in both cases
            t, c = time.perf_counter(), time.process_time()
            render_map(atlas, snap, view)
            cold.append(time.perf_counter() - t)
            cold_cpu.append(time.process_time() - c)
            atlas._renders.clear()
            t = time.perf_counter()
            render_map(atlas, snap, view.model_copy(update={"k": 6}))
            warm.append(time.perf_counter() - t)
    naive_name = "naive Folium build"
    return [
        Figure("Render", "uncached county map build", statistics.median(cold), "s", naive_s, naive_name,
               "≤ 10% of naive", statistics.median(cold) <= 0.1 * naive_s,
               note="fresh atlas: rounds the LOD once, joins, classifies, builds and renders the Folium map"),
        Figure("Render", "uncached county map, another view", statistics.median(warm), "s", naive_s, naive_name,
               "≤ 10% of naive", statistics.median(warm) <= 0.1 * naive_s,
               note="rounded boundaries kept from start-up; what a new view or a new data version costs"),
        Figure("Render", "uncached county map build, CPU time", statistics.median(cold_cpu), "s", naive_cpu,
               naive_name + ", CPU time", "≤ 10% of naive", statistics.median(cold_cpu) <= 0.1 * naive_cpu,
               note="process CPU seconds: steadier than wall time when other work shares the machine"),
        Figure("Render", "uncached county map build", statistics.median(cold), "s", naive_single_s,
               "naive Folium, Choropleth only", note="the leaner naive variant"),
    ]


def run() -> list[Figure]:
    """Naive baseline first, then ours, in the same process."""
    counties, pop = naive_inputs()
    naive_s, naive_cpu, naive_html = timed_naive(counties, pop)
    single_s, _, single_html = timed_naive(counties, pop, tooltip_layer=False)
    return page_weight(naive_html, single_html) + render_time(naive_s, naive_cpu, single_s)
