"""Expensive renders run under a per-worker limit: a full limit answers 503 with Retry-After at once, while
/healthz and kept pages still answer. Filled deterministically with a render that waits on an event."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from layers.pages import exports, frames
from server.app import create_app
from server.limits import RenderGate, RendersBusyError
from server.settings import Settings


def until(condition: Callable[[], bool], seconds: float = 30) -> None:
    """Wait for a state the test set up (a render started); the outcome never depends on how long it takes."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the blocked render never started"
        time.sleep(0.01)


@pytest.fixture
def one_slot(settings: Settings) -> Iterator[TestClient]:
    """The app with one render slot and a queue of one."""
    s = settings.model_copy(update={"render_slots": 1, "render_queue": 1, "retry_after_seconds": 7})
    with TestClient(create_app(s)) as c:
        yield c


def blocked_renders(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Every uncached map render waits for the returned event to be set."""
    release = threading.Event()
    original = frames._render_map

    def slow(*args: Any) -> dict[str, str]:
        assert release.wait(60), "the test never released the render"
        return original(*args)

    monkeypatch.setattr(frames, "_render_map", slow)
    return release


def in_thread(client: TestClient, url: str, out: list[httpx.Response]) -> threading.Thread:
    th = threading.Thread(target=lambda: out.append(client.get(url)), daemon=True)
    th.start()
    return th


def test_a_full_render_limit_answers_503_and_keeps_healthz_and_kept_pages(
        one_slot: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    client = one_slot
    gate: RenderGate = client.app.state.render_gate  # type: ignore[attr-defined]
    kept = client.get("/embed?level=prefecture")  # drawn before the renders are blocked: kept from now on
    assert kept.status_code == 200
    release = blocked_renders(monkeypatch)
    first: list[httpx.Response] = []
    queued: list[httpx.Response] = []
    threads = [in_thread(client, "/embed?level=county&k=3", first)]
    until(lambda: gate.usage()["running"] == 1)
    threads.append(in_thread(client, "/embed?level=county&k=4", queued))
    until(lambda: gate.usage()["waiting"] == 1)
    try:
        for url in ("/embed?level=county&k=6", "/map?level=county&k=7"):
            busy = client.get(url)
            assert busy.status_code == 503, url
            assert busy.headers["retry-after"] == "7" and busy.headers["cache-control"] == "no-store"
            assert "busy" in busy.json()["detail"]
        # Exports wait on slots of their own: a full map gate does not stop them.
        assert client.get("/export.svg?level=county&k=8").status_code == 200
        # Nothing waits on the renders: health, kept pages, JSON and static files answer meanwhile.
        assert client.get("/healthz").status_code == 200
        again = client.get("/embed?level=prefecture")
        assert again.status_code == 200 and again.content == kept.content
        assert client.get("/api/values?level=county").status_code == 200
        assert client.get("/static/js/ipmap.js").status_code == 200
    finally:
        release.set()
        for th in threads:
            th.join(60)
    assert [r.status_code for r in first + queued] == [200, 200]  # the running and the queued one both finish
    assert gate.usage() == {"running": 0, "waiting": 0, "slots": 1, "queue": 1, "pixels": 0, "canvas_waiting": 0}
    assert client.get("/embed?level=county&k=6").status_code == 200  # free again


def test_a_burst_of_exports_leaves_the_maps_their_slots(one_slot: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Exports hold their own slot (IPMAP_EXPORT_SLOTS): one being drawn and a full export queue answer the next
    export 503, while an uncached map is still drawn."""
    client = one_slot
    downloads: RenderGate = client.app.state.export_gate  # type: ignore[attr-defined]
    downloads.queue = 0
    release = threading.Event()
    original = exports._image

    def slow(*args: Any) -> bytes:
        assert release.wait(60), "the test never released the export"
        return original(*args)

    monkeypatch.setattr(exports, "_image", slow)
    first: list[httpx.Response] = []
    th = in_thread(client, "/export.svg?level=county&k=3", first)
    until(lambda: downloads.usage()["running"] == 1)
    try:
        busy = client.get("/export.pdf?level=county&k=4")
        assert busy.status_code == 503 and busy.headers["retry-after"] == "7"
        assert client.get("/embed?level=county&k=5").status_code == 200  # a map still has its slot
    finally:
        release.set()
        th.join(60)
    assert [r.status_code for r in first] == [200]
    assert downloads.usage()["running"] == 0


def test_a_busy_answer_is_not_kept(one_slot: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    client = one_slot
    gate: RenderGate = client.app.state.render_gate  # type: ignore[attr-defined]
    gate.queue = 0
    release = blocked_renders(monkeypatch)
    first: list[httpx.Response] = []
    th = in_thread(client, "/embed?level=county&k=3", first)
    until(lambda: gate.usage()["running"] == 1)
    try:
        assert client.get("/embed?level=county&k=5").status_code == 503
    finally:
        release.set()
        th.join(60)
    assert client.get("/embed?level=county&k=5").status_code == 200


def test_the_gate_queues_refuses_and_is_reentrant() -> None:
    gate = RenderGate(slots=1, queue=0, wait=5, retry_after=3)
    with gate():
        with gate():  # a render drawing another inside it holds one slot, not two
            assert gate.usage()["running"] == 1
        refused: list[BaseException] = []

        def other() -> None:
            try:
                with gate():
                    pass
            except RendersBusyError as e:
                refused.append(e)

        th = threading.Thread(target=other)
        th.start()
        th.join(10)
        assert len(refused) == 1 and refused[0].retry_after == 3
    assert gate.usage()["running"] == 0


def test_a_queued_render_gives_up_after_its_wait() -> None:
    gate = RenderGate(slots=1, queue=1, wait=0.05, retry_after=1)
    outcome: list[str] = []

    def queued() -> None:
        try:
            with gate():
                outcome.append("ran")
        except RendersBusyError:
            outcome.append("busy")

    with gate():
        th = threading.Thread(target=queued)
        th.start()
        th.join(10)  # the slot is held throughout, so the wait always runs out
    assert outcome == ["busy"] and gate.usage()["waiting"] == 0


def test_png_canvases_share_one_canvas_of_pixels() -> None:
    """Two slots never draw two of the largest canvases at once: the second waits for the first."""
    gate = RenderGate(slots=2, queue=2, wait=30, retry_after=1, pixels=16_000_000)
    order: list[str] = []
    done = threading.Event()

    def second() -> None:
        with gate.canvas(4_000_000):
            order.append("second")
            assert gate.usage()["pixels"] == 4_000_000
        done.set()

    with gate.canvas(16_000_000):
        with gate.canvas(0):  # SVG and PDF take no pixels: never wait
            pass
        th = threading.Thread(target=second)
        th.start()
        until(lambda: gate.usage()["canvas_waiting"] == 1)
        order.append("first done")
    th.join(30)
    assert done.is_set() and order == ["first done", "second"] and gate.usage()["pixels"] == 0


def test_a_large_png_export_takes_its_pixels_from_the_budget(client: TestClient,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    gate: RenderGate = client.app.state.render_gate  # type: ignore[attr-defined]
    seen: list[int] = []
    monkeypatch.setattr(exports, "render", lambda data, fmt, opts: seen.append(gate.usage()["pixels"]) or b"png")
    q = "level=prefecture&style=choropleth"  # the choropleth's renderer (counts default to circles)
    assert client.get(f"/export.png?{q}&width=2000&height=1000&scale=2").status_code == 200
    assert client.get(f"/export.svg?{q}&width=2000&height=1000").status_code == 200
    assert seen == [8_000_000, 0] and gate.usage()["pixels"] == 0
