"""Colour-blind-safe ColorBrewer palettes (via branca), sequential for amounts, diverging around a centre."""

from __future__ import annotations

from branca.utilities import color_brewer

SEQUENTIAL = ("YlGnBu", "Blues", "Purples", "YlOrBr")
DIVERGING = ("PuOr", "BrBG", "RdBu")
DEFAULT_SEQUENTIAL = "YlGnBu"
DEFAULT_DIVERGING = "BrBG"  # brown behind, blue-green ahead; no red/green, no red-for-good ambiguity
CHANGE_DIVERGING = "PuOr"  # change maps: orange falls, purple rises, neutral grey middle; colour-blind safe
NO_DATA_FILL = "url(#ipmap-hatch)"
NO_DATA_SWATCH = "#e6e6e6"
OUTLINE = "#4d4d4d"


def colours(k: int, name: str = DEFAULT_SEQUENTIAL) -> list[str]:
    """k hex colours, light to dark; ColorBrewer starts at 3, so 1 or 2 classes take its ends."""
    if k >= 3:
        return list(color_brewer(name, k))[:k]
    base = list(color_brewer(name, 3))
    return [base[-1]] if k == 1 else [base[0], base[-1]]


def diverging_colours(n_below: int, n_above: int, name: str = DEFAULT_DIVERGING) -> list[str]:
    """Colours for classes either side of a centre: equal distance from the centre, equal strength."""
    half = max(n_below, n_above, 2)
    full = list(color_brewer(name, 2 * half))
    return full[half - n_below: half] + full[half: half + n_above]
