"""Caches bounded by bytes: what keeps a long-running server's memory flat whatever the mix of requests."""

from __future__ import annotations

import dataclasses
import gc
import tracemalloc

import geopandas as gpd
import pandas as pd
from shapely.geometry import Polygon

from layers.core.memo import Memo
from layers.core.sizing import deep_bytes
from layers.core.view import MapView
from layers.pages.atlas import Atlas
from layers.pages.frames import render_map
from tests.conftest import newest


def test_text_is_measured_by_its_storage_not_its_length() -> None:
    ascii_text, chinese_text = "a" * 100_000, "甘" * 100_000
    assert 100_000 <= deep_bytes(ascii_text) < 101_000
    assert 200_000 <= deep_bytes(chinese_text) < 201_000  # two bytes per character in CPython
    assert deep_bytes({"head": ascii_text, "body": chinese_text}) >= 300_000


def test_frames_count_their_strings_and_their_coordinates() -> None:
    frame = pd.DataFrame({"name": ["城关区" * 1000] * 10, "value": range(10)})
    assert deep_bytes(frame) >= 10 * 6000
    square = Polygon([(0, 0), (0, 1), (1, 1), (1, 0)])
    ring = Polygon([(i / 1000, (i % 2) / 1000) for i in range(10_000)])
    small, big = gpd.GeoDataFrame(geometry=[square]), gpd.GeoDataFrame(geometry=[ring])
    assert deep_bytes(big) - deep_bytes(small) >= 9_000 * 16


def test_shared_parts_and_dataclasses_are_counted_once() -> None:
    @dataclasses.dataclass
    class Pair:
        left: bytes
        right: bytes

    blob = b"x" * 50_000
    assert 50_000 <= deep_bytes(Pair(blob, blob)) < 51_000
    assert deep_bytes(Pair(blob, b"y" * 50_000)) >= 100_000


def test_memo_drops_the_oldest_past_its_byte_budget() -> None:
    memo = Memo(size=100, max_bytes=350_000)
    for i in range(10):
        memo.get(i, lambda i=i: bytes([i]) * 100_000)
    assert len(memo) == 3 and memo.bytes <= 350_000
    assert memo.get(9, lambda: b"recomputed") == bytes([9]) * 100_000  # newest kept
    assert memo.get(0, lambda: b"recomputed") == b"recomputed"  # oldest dropped


def test_memo_returns_but_never_keeps_a_value_bigger_than_its_budget() -> None:
    memo = Memo(size=100, max_bytes=1000)
    memo.get("small", lambda: b"s" * 100)
    assert memo.get("huge", lambda: b"h" * 10_000) == b"h" * 10_000
    assert len(memo) == 1 and memo.get("huge", lambda: b"again") == b"again"


def test_memo_still_honours_its_count() -> None:
    memo = Memo(size=2, max_bytes=10**9)
    for i in range(5):
        memo.get(i, lambda i=i: i)
    assert len(memo) == 2


def test_atlas_render_cache_stays_within_its_budget(atlas: Atlas) -> None:
    small = Atlas(atlas.boundaries, atlas.catalogue, atlas.store, render_cache_bytes=1024 * 1024)
    views = [MapView(level="county", k=k, lang=lang) for k in (3, 4, 5, 6) for lang in ("zh", "en")]
    pages = [render_map(small, newest(small), v) for v in views]
    entries, used = small.cache_usage()["renders"]
    one_page = deep_bytes(pages[-1])
    assert one_page > 100_000  # a county map really is big enough to matter
    assert used <= 1024 * 1024 and 1 <= entries < len(views)
    assert render_map(small, newest(small), views[-1]) is pages[-1]  # the newest is served from the cache


def test_rendering_many_maps_does_not_keep_memory(atlas: Atlas) -> None:
    """Each render once left its own parsed copy of the neighbouring provinces (~200 KB) in a shared cache."""
    uncached = Atlas(atlas.boundaries, atlas.catalogue, atlas.store, render_cache_bytes=0)
    views = [MapView(level=level, k=k, scheme=scheme) for level in ("county", "prefecture") for k in (3, 4, 5)
             for scheme in ("quantiles", "equal_interval", "natural_breaks")]
    for view in views:  # warm: each level's units and zone overlay are parsed once and kept on purpose
        render_map(uncached, newest(uncached), view)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for view in views * 2:
            render_map(uncached, newest(uncached), view)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert uncached.cache_usage()["renders"] == (0, 0)
    assert grown < 1_000_000, f"{grown / 1e6:.1f} MB kept after {2 * len(views)} renders"
