"""What anonymous requests can make a worker keep is bounded by IPMAP_CACHE_MB, keys and headers included."""

from __future__ import annotations

import random
import string
import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from layers.core.memo import Memo
from server import compression
from server.app import cache_usage, create_app
from server.compression import BodyCache
from server.settings import Settings

IN_BUDGET = ("responses", "compressed", "renders", "memo", "geometry")


@pytest.fixture
def small(settings: Settings) -> Iterator[TestClient]:
    """The app with IPMAP_CACHE_MB=1."""
    with TestClient(create_app(settings.model_copy(update={"cache_mb": 1}))) as c:
        yield c


def test_a_long_key_costs_its_own_bytes() -> None:
    memo = Memo(size=None, max_bytes=10_000)
    for i in range(5):
        memo.put(f"{i}" + "k" * 4_000, b"")  # empty values, long keys: the keys are the memory
    entries, used = memo.usage()
    assert entries == 2 and 8_000 < used <= 10_000


def test_kept_responses_count_query_and_headers_not_just_the_body(small: TestClient) -> None:
    kept = small.app.state.kept  # type: ignore[attr-defined]
    budget = kept.max_bytes
    rng = random.Random(11)
    queries = ["".join(rng.choices(string.ascii_lowercase, k=100)) for _ in range(400)]
    for q in queries:
        r = small.get("/api/search", params={"q": q})
        assert r.status_code == 200 and r.json() == []  # a 2-byte body each
    entries, used = kept.usage()
    per_entry = len(f"q={queries[0]}") + sum(len(k) + len(v) for k, v in r.headers.raw) + len("/api/search")
    assert used <= budget
    assert used >= entries * per_entry  # key and headers counted: the old count was 2 bytes an entry
    assert entries < len(queries)  # so the oldest were dropped instead of 400 entries of ~1 KB for "2 bytes"


def test_every_cache_a_request_can_fill_stays_inside_cache_mb(small: TestClient) -> None:
    for k in (3, 4, 5, 6):  # maps, values, overlays and parsed geometry
        assert small.get(f"/embed?level=county&k={k}", headers={"Accept-Encoding": "br"}).status_code == 200
    for i in range(150):
        small.get(f"/api/search?q=zz{i}", headers={"Accept-Encoding": "gzip"})
    usage = cache_usage(small.app)
    total = sum(usage[name][1] for name in IN_BUDGET)
    assert usage["responses"][0] > 0 and usage["compressed"][0] > 0, usage
    assert total <= 1024 * 1024, usage


def test_the_second_compression_pass_holds_a_bounded_backlog(monkeypatch: pytest.MonkeyPatch) -> None:
    started, release = threading.Event(), threading.Event()
    fast = compression.compress

    def slow(body: bytes, encoding: str, level: int) -> bytes:
        started.set()
        release.wait(30)
        return fast(body, encoding, level)

    monkeypatch.setattr(compression, "compress", slow)
    cache = BodyCache(max_bytes=64 * 1024 * 1024)
    body = b"x" * (1024 * 1024)
    try:
        for i in range(40):  # 40 MB of bodies waiting for quality 11, unless the backlog is bounded
            key = (f"/p{i}", f'"{i}"', "br")
            cache.put(key, b"small")
            cache.improve_later(key, body + bytes([i]))
            if i == 0:
                assert started.wait(30)
        assert cache._pending <= compression.PENDING_MAX
    finally:
        release.set()
