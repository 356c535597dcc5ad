"""The ranking of every year of a view, for the timeline: its table follows the year slider.

Each year's rows are the map page's ranking for that year (layers.pages.maps.ranking_for: rank, value, change on
the year before, rank change, per 10k, share), as numbers to sort by and as the texts the page's cells show.
"""

from __future__ import annotations

import math
from typing import Any

from layers.core.fmt import number
from layers.core.i18n import t
from layers.core.view import MapView
from layers.pages.atlas import Atlas
from layers.pages.maps import ranking_for
from layers.stats.snapshot import Snapshot

KEYS = ("rank", "value", "change", "change-pct", "rank-change", "per10k", "share")  # data-sort keys, in order
COLUMNS = ("rank", "value", "change", "change_pct", "rank_change", "per_10k", "share")


def _num(v: object) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)  # type: ignore[arg-type]


def _signed(v: float | None) -> str:
    return "—" if v is None else ("+" if v > 0 else "") + number(v)


def _rank_change(v: float | None) -> str:
    if v is None:
        return "—"
    return f"▲{number(v)}" if v > 0 else f"▼{number(-v)}" if v < 0 else "="


def cell_texts(nums: list[float | None], lang: str) -> list[str]:
    """What the ranking's cells say for one unit, in KEYS order, as the page template writes them."""
    rank, value, change, change_pct, rank_change, per_10k, share = nums
    pct = "—" if change_pct is None else ("+" if change_pct > 0 else "") + f"{change_pct:.1f}%"
    return [number(rank), t("no_data", lang) if value is None else number(value), _signed(change), pct,
            _rank_change(rank_change), number(per_10k), "—" if share is None else number(share) + "%"]


def rankings_by_year(atlas: Atlas, snap: Snapshot, view: MapView, years: list[int]) -> list[dict[str, Any]]:
    """For each year of the slider: its base year, the line above the table, and each unit's numbers and texts
    ({adcode: [7 numbers, 7 texts]} in KEYS order)."""
    out = []
    for year in years:
        _, base, table = ranking_for(atlas, snap, view.model_copy(update={"year": year}))
        rows = {}
        for r in table[["adcode", *COLUMNS]].itertuples(index=False):
            nums = [_num(v) for v in r[1:]]
            rows[str(r[0])] = [*nums, *cell_texts(nums, view.lang)]
        change = f" · {t('change', view.lang)}{t('colon', view.lang)}{base}→{year}" if base is not None else ""
        out.append({"year": year, "base": base, "help": t("sort_by", view.lang) + change, "rows": rows})
    return out
