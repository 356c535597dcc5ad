"""`ipmap serve` with tracemalloc on: each SIGUSR1 writes a snapshot and the size of every server cache.

Used by `bench/soak.py --trace DIR` to name what grows during a soak. Not for production: tracemalloc makes
every allocation slower and adds its own memory.
"""

from __future__ import annotations

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
    from layers.atlas import Atlas
    from server.compression import BodyCache
    from server.kept_responses import ResponseCache

    out: dict[str, object] = {}
    for obj in gc.get_objects():
        if isinstance(obj, Atlas):
            out |= {f"atlas.{name}": usage for name, usage in obj.cache_usage().items()}
        elif isinstance(obj, ResponseCache):
            out["kept_responses"] = (len(obj._items), obj.size)
        elif isinstance(obj, BodyCache):
            out["compressed_bodies"] = (len(obj._items), obj.size)
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
        (out / f"caches-{count[0]}.json").write_text(json.dumps(cache_sizes(), indent=1))

    signal.signal(signal.SIGUSR1, dump)
    from server.cli import app

    sys.argv = ["ipmap", "serve", *sys.argv[1:]]
    app()


if __name__ == "__main__":
    main()
