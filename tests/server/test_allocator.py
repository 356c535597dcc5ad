"""Freed memory goes back to the system: the trim the server runs every IPMAP_TRIM_SECONDS really releases it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from server import allocator

ROOT = Path(__file__).resolve().parents[2]
PROBE = textwrap.dedent("""
    from pathlib import Path
    from server import allocator

    def rss():
        line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith("VmRSS:"))
        return int(line.split()[1]) // 1024

    blocks = [bytearray(64 * 1024) for _ in range(4000)]  # 256 MB in 64 KB blocks: heap memory, not mmap
    keep = blocks[::64]  # a few survivors pin the heaps, as long-lived objects do in a server
    del blocks
    before = rss()
    released = allocator.trim() if TRIM else False
    print(before, rss(), released)
""")

glibc_only = pytest.mark.skipif(allocator._glibc() is None, reason="not glibc: nothing to trim")


def probe(trim: bool) -> tuple[int, int, str]:
    out = subprocess.run([sys.executable, "-c", f"TRIM = {trim}\n{PROBE}"], cwd=ROOT, capture_output=True,
                         text=True, check=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}).stdout
    before, after, released = out.split()
    return int(before), int(after), released


@glibc_only
def test_trim_returns_freed_heap_memory() -> None:
    before, after, released = probe(trim=True)
    assert released == "True" and before > 200 and after < before - 150, (before, after)


@glibc_only
def test_without_trim_the_freed_memory_stays() -> None:
    before, after, _ = probe(trim=False)
    assert after > 200 and abs(after - before) < 20, (before, after)  # what the trim is for


@glibc_only
def test_tune_fixes_the_mmap_threshold() -> None:
    assert allocator.tune() is True
