"""A per-worker bound on expensive renders: a few at once, a short queue, then 503 with Retry-After.

Uncached maps, PNG/SVG/PDF exports and the briefing PDF take tens of milliseconds to seconds of CPU and up to
~100 MB each; a burst of distinct requests used to run them all at once and leave /healthz unanswered. The gate
is taken inside the worker thread that renders (the routes are plain `def`, run in the thread pool), only on a
cache miss (layers.core.memo's guard), so the event loop, kept pages and /healthz never wait for it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from layers.render.image import MAX_PIXELS


class RendersBusyError(Exception):
    """Every render slot is taken and the queue is full (or the wait ran out): answered 503 + Retry-After."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(f"the server is busy drawing other maps; try again in {retry_after} s")


class RenderGate:
    """At most `slots` renders at once; up to `queue` more wait (at most `wait` seconds); the rest are refused.

    Re-entrant per thread: a render that draws another (a compare page drawing its two maps) holds one slot.
    PNG canvases also share a pixel budget (one canvas of the largest size allowed, layers.render.image.MAX_PIXELS),
    so two slots never hold two of the largest canvases at once: memory stays within one canvas of headroom.
    """

    def __init__(self, slots: int = 2, queue: int = 4, wait: float = 20.0, retry_after: int = 5,
                 pixels: int = MAX_PIXELS):
        self.slots, self.queue, self.wait, self.retry_after = slots, queue, wait, retry_after
        self.running = 0
        self.waiting = 0
        self.pixel_budget = pixels
        self.pixels = 0  # of the canvases being drawn now
        self.canvas_waiting = 0
        self._cond = threading.Condition()
        self._held = threading.local()

    def __call__(self) -> RenderGate:
        """The gate is its own context manager: `with gate():` (what layers.core.memo's guard expects)."""
        return self

    def __enter__(self) -> RenderGate:
        depth = getattr(self._held, "depth", 0)
        if depth:
            self._held.depth = depth + 1
            return self
        with self._cond:
            if self.running >= self.slots:
                if self.waiting >= self.queue:
                    raise RendersBusyError(self.retry_after)
                self.waiting += 1
                try:
                    free = self._cond.wait_for(lambda: self.running < self.slots, timeout=self.wait)
                finally:
                    self.waiting -= 1
                if not free:
                    raise RendersBusyError(self.retry_after)
            self.running += 1
        self._held.depth = 1
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._held.depth -= 1
        if self._held.depth:
            return
        with self._cond:
            self.running -= 1
            self._cond.notify_all()

    @contextmanager
    def canvas(self, pixels: int) -> Iterator[None]:
        """Hold `pixels` of the canvas budget while drawing a raster (waits, then 503, like a slot); a canvas
        alone may always use the whole budget."""
        with self._cond:
            self.canvas_waiting += 1
            try:
                free = self._cond.wait_for(lambda: self.pixels == 0 or self.pixels + pixels <= self.pixel_budget,
                                           timeout=self.wait)
            finally:
                self.canvas_waiting -= 1
            if not free:
                raise RendersBusyError(self.retry_after)
            self.pixels += pixels
        try:
            yield
        finally:
            with self._cond:
                self.pixels -= pixels
                self._cond.notify_all()

    def usage(self) -> dict[str, int]:
        """Renders running and waiting now, canvas pixels in use, and the limits."""
        with self._cond:
            return {"running": self.running, "waiting": self.waiting, "slots": self.slots, "queue": self.queue,
                    "pixels": self.pixels, "canvas_waiting": self.canvas_waiting}
