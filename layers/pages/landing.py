"""Landing pages instead of dead ends: a compare or timeline of an indicator with one year offers the others."""

from __future__ import annotations

from typing import Any

from layers.core.i18n import t
from layers.core.view import MapView
from layers.pages import frames
from layers.pages.atlas import Atlas
from layers.pages.maps import view_page
from layers.stats.snapshot import Snapshot


def one_year(atlas: Atlas, snap: Snapshot, view: MapView, page: str, base_url: str) -> dict[str, Any] | None:
    """For an indicator with a single year, the compare and timeline pages land on a choice of the indicators
    that have several years at the level (in the view's language, not a 404); None when there is something to
    show."""
    rv = frames.resolve(atlas, snap, view)
    if len(rv.years) > 1 or view.indicator2 or view.base_year is not None:
        return None
    lang = view.lang
    choices = [{"name": i["name_en"] if lang == "en" else i["name_zh"],
                "query": view.model_copy(update={"indicator": i["id"], "year": None, "region": None}).query()}
               for i in frames.indicators(atlas, snap) if len(i["years"].get(view.level, [])) > 1]
    name = rv.indicator.name_en if lang == "en" else rv.indicator.name_zh
    return view_page(atlas, snap, view, base_url) | {
        "page": page, "message": t("one_year_only", lang, indicator=name, year=rv.year), "choices": choices}
