"""Several maps on one page (compare): one <head> for all, the shared zone patterns defined once."""

from __future__ import annotations

import re

from layers.render.zone_layer import PATTERNS_SVG


def merge_heads(heads: list[str]) -> str:
    """One <head> for several maps: the first map's in full, then only the others' own #map_ size rules."""
    own = re.compile(r"<style>\s*#map_\w+\s*\{.*?</style>", re.S)
    return heads[0] + "".join(m.group(0) for h in heads[1:] for m in own.finditer(h))


def merge_bodies(bodies: list[str]) -> list[str]:
    """The maps' bodies with the shared zone patterns defined once (their ids must be unique on the page)."""
    return [bodies[0], *(b.replace(PATTERNS_SVG, "") for b in bodies[1:])]
