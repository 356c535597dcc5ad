"""Colour-blind-safe ColorBrewer palettes (via branca), sequential for amounts, diverging around a centre."""

from __future__ import annotations

from branca.utilities import color_brewer

SEQUENTIAL = ("YlGnBu", "Blues", "Purples", "YlOrBr")
DIVERGING = ("PuOr", "BrBG", "RdBu")
DEFAULT_SEQUENTIAL = "YlGnBu"
DEFAULT_DIVERGING = "BrBG"  # brown behind, blue-green ahead; no red/green, no red-for-good ambiguity
CHANGE_DIVERGING = "PuOr"  # change and growth: orange falls, purple rises, neutral grey middle; colour-blind safe
# No data: one flat mid grey, darker than the neighbours (#e4e4e0) and the diverging middles (#f5f5f5, #f7f7f7),
# and in no palette; the legend names it. Zones are outlines, so nothing else on the map is grey-filled.
NO_DATA_FILL = "#b4b4b4"
NO_DATA_SWATCH = NO_DATA_FILL
OUTLINE = "#4d4d4d"
SIDE = 5  # ColorBrewer diverging palettes hold 5 shades each side of the middle (10 or 11 classes)


def colours(k: int, name: str = DEFAULT_SEQUENTIAL) -> list[str]:
    """k hex colours, light to dark; ColorBrewer starts at 3, so 1 or 2 classes take its ends."""
    if k >= 3:
        return list(color_brewer(name, k))[:k]
    base = list(color_brewer(name, 3))
    return [base[-1]] if k == 1 else [base[0], base[-1]]


def diverging_palette(centre: float | None) -> str:
    """The diverging palette for a centre: zero (growth, change) falls and rises, anything else behind and ahead."""
    return CHANGE_DIVERGING if centre == 0 else DEFAULT_DIVERGING


def side_shades(n: int) -> list[int]:
    """Which of a side's five shades (0 next to the centre, 4 the darkest) n classes take, centre outwards.

    The outermost class always takes the darkest shade, so a side with one class (17 counties ahead of plan
    among 87) is drawn strong, not in the palest colour next to the centre.
    """
    if n <= 0:
        return []
    if n >= SIDE:
        return list(range(SIDE))
    if n == 1:
        return [SIDE - 2]
    step = (SIDE - 2) / (n - 1)
    return [round(1 + i * step) for i in range(n)]


def diverging_colours(n_below: int, n_above: int, name: str = DEFAULT_DIVERGING) -> list[str]:
    """Colours for classes either side of a centre, low to high: light near the centre, dark at either extreme."""
    full = list(color_brewer(name, 2 * SIDE))
    below, above = full[:SIDE][::-1], full[SIDE:]  # each side from the centre outwards
    return [below[i] for i in reversed(side_shades(n_below))] + [above[i] for i in side_shades(n_above)]
