"""Level of detail for a view: the same ~0.7-pixel rule as the fixed LODs, for any extent (Gansu, China)."""

from __future__ import annotations

from geo.boundaries import BoundarySet
from geo.simplify import LODS, degrees_per_pixel, lod_for_viewport, zoom_to_fit

CHINA = (73.5, 18.1, 135.1, 53.6)


def test_gansu_view_matches_the_default_lod(boundaries: BoundarySet) -> None:
    bounds = tuple(boundaries.units("county", 3).total_bounds)
    zoom = zoom_to_fit(bounds, 1024, 768)
    assert 6 <= zoom <= 6.5 and zoom % 0.25 == 0
    lod = lod_for_viewport(bounds)
    assert lod.decimals == LODS[3].decimals
    assert 0.5 * LODS[3].tolerance <= lod.tolerance <= 1.5 * LODS[3].tolerance


def test_a_wider_view_is_coarser() -> None:
    china = lod_for_viewport(CHINA)
    assert zoom_to_fit(CHINA, 1024, 768) < 5
    assert china.tolerance > 2 * LODS[3].tolerance and china.decimals == 2
    assert degrees_per_pixel(china.max_zoom + 1) * 2 == degrees_per_pixel(china.max_zoom)
    assert abs(lod_for_viewport(CHINA, 2048, 1536).tolerance - china.tolerance / 2) < 1e-4
