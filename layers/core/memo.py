"""A small thread-safe memo: compute once per key, drop the least recently used past a count or a byte budget."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from layers.core.sizing import deep_bytes

T = TypeVar("T")


class Memo:
    """Keys that hold a store version go stale by themselves: a new version means new keys.

    With max_bytes, each value is measured once when kept (layers.core.sizing) and the oldest are dropped until the
    total fits: a rendered map, an SVG export and a pair of frames differ a hundredfold in size, so a count
    alone does not bound memory. A value bigger than the whole budget is returned but not kept.
    """

    def __init__(self, size: int = 512, max_bytes: int | None = None):
        self.size = size
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The kept value for key, or compute() kept under it (two threads may both compute; one value wins)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key][0]  # type: ignore[return-value]
        value = compute()
        weight = deep_bytes(value) if self.max_bytes is not None else 0
        if self.max_bytes is not None and weight > self.max_bytes:
            return value
        with self._lock:
            old = self._items.pop(key, None)
            self.bytes += weight - (old[1] if old else 0)
            self._items[key] = (value, weight)
            while len(self._items) > self.size or (self.max_bytes is not None and self.bytes > self.max_bytes):
                self.bytes -= self._items.popitem(last=False)[1][1]
        return value

    def values(self) -> list[object]:
        """The kept values, oldest first (a copy: safe to walk while others write)."""
        with self._lock:
            return [v for v, _ in self._items.values()]

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._items.clear()
            self.bytes = 0
