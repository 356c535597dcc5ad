"""What grew between two tracemalloc snapshots of the soak (`bench/soak.py --trace DIR`), biggest first.

Run: `python bench/trace_diff.py DIR/snap-1.pickle DIR/snap-4.pickle [--top 25]`.
"""

from __future__ import annotations

import argparse
import tracemalloc


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--group", default="traceback", choices=["lineno", "filename", "traceback"])
    args = ap.parse_args()
    old, new = (tracemalloc.Snapshot.load(p) for p in (args.before, args.after))
    print(f"traced: {sum(s.size for s in old.statistics('filename')) / 2**20:.0f} MB -> "
          f"{sum(s.size for s in new.statistics('filename')) / 2**20:.0f} MB")
    for stat in new.compare_to(old, args.group)[: args.top]:
        print(f"\n{stat.size_diff / 2**20:+.1f} MB ({stat.size / 2**20:.1f} MB, {stat.count_diff:+d} blocks)")
        frames = stat.traceback.format(limit=8 if args.group == "traceback" else 1)
        print("\n".join("   " + line for line in frames))


if __name__ == "__main__":
    main()
