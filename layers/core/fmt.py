"""Number formatting and escaping for anything shown in HTML: every data string passes through here."""

from __future__ import annotations

import html
import math


def esc(text: object) -> str:
    """HTML-escape a value from data (names, units, sources) before any template or Folium sees it."""
    return html.escape("" if text is None else str(text), quote=True)


def number(value: float | None, decimals: int = 2) -> str:
    """Thousands separators, trailing zeros dropped: 4359446 -> '4,359,446', 1.50 -> '1.5'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if decimals == 0 or float(value).is_integer():
        return f"{round(value):,}"
    return f"{value:,.{decimals}f}".rstrip("0").rstrip(".")


def qualified(value: float | None, qualifier: str = "=") -> str:
    """A number with the plan's qualifier: '>10' for 突破10 / 10多."""
    prefix = {">": "＞", "<": "＜"}.get(qualifier, "")
    return prefix + number(value)


def decimals_for(values: list[float]) -> int:
    """Decimals a legend needs: none for large counts, two for small rates."""
    finite = [abs(v) for v in values if v == v]
    top = max(finite, default=0.0)
    return 0 if top >= 100 else 1 if top >= 10 else 2
