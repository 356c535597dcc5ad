"""How many bytes a cached value holds, roughly: what lets a cache be bounded by memory instead of by entries.

A rendered county map is a few hundred KB of text, an SVG export two megabytes and a compare result a pair of
frames; counting entries alone lets the same cache hold 50 MB or 500 MB depending on the traffic mix.
"""

from __future__ import annotations

import dataclasses
import sys

import numpy as np
import pandas as pd
import shapely

OVERHEAD = 64  # per Python object reached that is not measured more exactly


def deep_bytes(value: object, _seen: set[int] | None = None) -> int:
    """Bytes held by value and everything it refers to (strings, containers, frames, arrays, dataclasses)."""
    seen = _seen if _seen is not None else set()
    if id(value) in seen:
        return 0
    seen.add(id(value))
    if isinstance(value, (str, bytes, bytearray, int, float, bool)) or value is None:
        return sys.getsizeof(value)
    if isinstance(value, np.ndarray):
        return value.nbytes + OVERHEAD
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return _frame_bytes(value)
    if isinstance(value, dict):
        return sys.getsizeof(value) + sum(deep_bytes(k, seen) + deep_bytes(v, seen) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return sys.getsizeof(value) + sum(deep_bytes(v, seen) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return OVERHEAD + sum(deep_bytes(getattr(value, f.name), seen) for f in dataclasses.fields(value))
    if hasattr(value, "__dict__"):
        return OVERHEAD + deep_bytes(vars(value), seen)
    return sys.getsizeof(value)


def _frame_bytes(frame: pd.DataFrame | pd.Series) -> int:
    """Columns measured deep; geometry columns by their coordinates, which memory_usage does not see."""
    total = int(frame.memory_usage(deep=True, index=True).sum()) if isinstance(frame, pd.DataFrame) \
        else int(frame.memory_usage(deep=True, index=True))
    columns = frame.items() if isinstance(frame, pd.DataFrame) else [(frame.name, frame)]
    for _, col in columns:
        if getattr(col.dtype, "name", "") == "geometry":
            geoms = np.asarray(col.values)
            total += int(shapely.get_num_coordinates(geoms).sum()) * 16 + len(geoms) * OVERHEAD
    return total
