"""The map page, the embed and the ranking beside every map, assembled from the atlas and the stats."""

from __future__ import annotations

import pandas as pd

from layers.core.view import MapView, ResolvedView
from layers.pages.atlas import Atlas
from layers.stats.change import base_year
from layers.stats.ranking import population, province_total, ranking


def ranking_for(atlas: Atlas, view: MapView) -> tuple[ResolvedView, int | None, pd.DataFrame]:
    """The ranking of a view against its base year (see compare.base_year): resolved view, base year, rows."""
    rv, now = atlas.values(view)
    base = base_year(rv)
    before = atlas.values(view.model_copy(update={"year": base}))[1] if base is not None else None
    obs = atlas.observations()
    table = ranking(now, before, rv.indicator, population(obs), province_total(obs, rv.indicator.id, rv.year))
    return rv, base, table
