"""The one cache of the project: thread-safe, least recently used dropped past a count or a byte budget.

Every cache a request can fill goes through Memo (rendered maps, kept responses, compressed bodies, parsed
geometries, per-version results), so one rule bounds them all: an entry weighs its key, its value and the
bookkeeping around it, and the total stays within max_bytes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextlib import AbstractContextManager
from typing import TypeVar

from layers.core.sizing import deep_bytes

T = TypeVar("T")
# The dict slot, the (value, weight) pair and the weight itself: what a kept entry costs beyond key and value.
ENTRY_OVERHEAD = 200
_MISSING = object()


def weigh(key: Hashable, value: object) -> int:
    """Bytes an entry holds: key and value measured deep (layers.core.sizing), plus the entry's own bookkeeping."""
    return deep_bytes(key) + deep_bytes(value) + ENTRY_OVERHEAD


class Memo:
    """Keys that hold a store version go stale by themselves: a new version means new keys.

    With max_bytes, each entry is weighed once when kept and the oldest are dropped until the total fits: a
    rendered map, an SVG export and a pair of frames differ a hundredfold in size, so a count alone does not
    bound memory, and a long key (a query string) counts as much as the body kept under it. An entry bigger
    than the whole budget is returned but not kept. `guard`, when given, wraps each computation on a miss
    (server.limits uses it to bound how many expensive renders run at once); hits never wait for it.
    """

    def __init__(self, size: int | None = 512, max_bytes: int | None = None,
                 guard: Callable[[], AbstractContextManager[object]] | None = None):
        self.size = size
        self.max_bytes = max_bytes
        self.guard = guard
        self.bytes = 0
        self._items: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T],
            guard: Callable[[], AbstractContextManager[object]] | None = None) -> T:
        """The kept value for key, or compute() kept under it (two threads may both compute; one value wins).

        `guard` replaces the memo's own for this computation (exports wait on their own slots, not the maps').
        """
        hit = self.peek(key)
        if hit is not _MISSING:
            return hit  # type: ignore[return-value]
        guard = guard or self.guard
        if guard is None:
            value = compute()
        else:
            with guard():
                value = compute()
        self.put(key, value)
        return value

    def peek(self, key: Hashable, default: object = _MISSING) -> object:
        """The kept value (now the most recently used), or default."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return default
            self._items.move_to_end(key)
            return item[0]

    def lookup(self, key: Hashable) -> object | None:
        """The kept value, or None."""
        return self.peek(key, None)

    def put(self, key: Hashable, value: object, weight: int | None = None) -> bool:
        """Keep value under key, dropping the oldest entries until the budget holds; False when it does not fit."""
        weight = weigh(key, value) if weight is None else weight
        if self.max_bytes is not None and weight > self.max_bytes:
            with self._lock:
                old = self._items.pop(key, None)  # a stale smaller value under the same key is dropped too
                if old is not None:
                    self.bytes -= old[1]
            return False
        with self._lock:
            old = self._items.pop(key, None)
            self.bytes += weight - (old[1] if old else 0)
            self._items[key] = (value, weight)
            self._trim()
        return True

    def resize(self, max_bytes: int | None) -> None:
        """A new byte budget; the oldest entries are dropped now if it shrank."""
        with self._lock:
            self.max_bytes = max_bytes
            self._trim()

    def _trim(self) -> None:
        while (self.size is not None and len(self._items) > self.size) or (
                self.max_bytes is not None and self.bytes > self.max_bytes):
            self.bytes -= self._items.popitem(last=False)[1][1]

    def usage(self) -> tuple[int, int]:
        """(entries, bytes) kept: what a soak or an operator checks memory against."""
        with self._lock:
            return len(self._items), self.bytes

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._items

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._items.clear()
            self.bytes = 0
