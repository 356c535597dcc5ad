"""`ipmap serve` with tracemalloc on: each SIGUSR1 writes a snapshot and the size of every server cache.

Used by `bench/soak.py --trace DIR` to name what grows during a soak. Not for production: tracemalloc makes
every allocation slower and adds its own memory.
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import signal
import sys
import tracemalloc
from pathlib import Path
from types import FrameType

FRAMES = 8


def cache_sizes() -> dict[str, object]:
    """Entries and bytes held by each cache the server keeps, found by type among live objects."""
    from layers.pages.atlas import Atlas
    from server.compression import BodyCache
    from server.kept_responses import ResponseCache

    out: dict[str, object] = {}
    for obj in gc.get_objects():
        if isinstance(obj, Atlas):
            out |= {f"atlas.{name}": usage for name, usage in obj.cache_usage().items()}
        elif isinstance(obj, ResponseCache):
            out["kept_responses"] = obj.usage()
        elif isinstance(obj, BodyCache):
            out["compressed_bodies"] = obj.usage()
    out["native"] = native_memory()
    out["traced_python"] = tracemalloc.get_traced_memory()[0]
    return out


class _Mallinfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]


def native_memory() -> dict[str, int]:
    """Memory outside Python objects: Arrow's pool (pandas strings) and glibc's heap (in use and free-but-held)."""
    import pyarrow as pa

    pool = pa.default_memory_pool()
    out = {"arrow_backend": pool.backend_name, "arrow_allocated": pool.bytes_allocated(),
           "arrow_peak": pool.max_memory()}
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _Mallinfo2
        info = libc.mallinfo2()
        out |= {"malloc_heap": info.arena, "malloc_mmapped": info.hblkhd, "malloc_in_use": info.uordblks,
                "malloc_free_held": info.fordblks}
    except (OSError, AttributeError):
        pass
    return out


def main() -> None:
    out = Path(os.environ["IPMAP_TRACE_DIR"])
    out.mkdir(parents=True, exist_ok=True)
    tracemalloc.start(FRAMES)
    count = [0]

    def dump(signum: int, frame: FrameType | None) -> None:
        count[0] += 1
        gc.collect()
        tracemalloc.take_snapshot().dump(str(out / f"snap-{count[0]}.pickle"))
        try:  # a handler that raised would raise inside whatever the server was doing
            sizes = cache_sizes()
        except Exception as e:  # noqa: BLE001 - reported in the file instead
            sizes = {"error": repr(e)}
        (out / f"caches-{count[0]}.json").write_text(json.dumps(sizes, indent=1))

    signal.signal(signal.SIGUSR1, dump)
    from server.cli import app

    sys.argv = ["ipmap", "serve", *sys.argv[1:]]
    app()


if __name__ == "__main__":
    main()
