"""Topology-preserving simplification per level of detail: shared borders stay shared."""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from geopandas.array import GeometryArray


@dataclass(frozen=True)
class Lod:
    """A level of detail: simplification tolerance and output precision, both in degrees."""

    id: int
    tolerance: float
    decimals: int
    max_zoom: int


# About one screen pixel at each zoom range (1 px ~ 1.2 km at zoom 7 and Gansu's latitude).
LODS: tuple[Lod, ...] = (
    Lod(0, 0.001, 5, 18),
    Lod(1, 0.002, 4, 9),
    Lod(2, 0.006, 3, 7),
    Lod(3, 0.015, 3, 6),
)


TILE_SIZE = 256
PIXEL_FRACTION = 0.7


def lod_by_id(lod: int) -> Lod:
    """The Lod with that id; callers validate the id first."""
    return LODS[lod]


def lod_for_zoom(zoom: float) -> Lod:
    """The coarsest Lod that still draws at most about a pixel of error at this zoom."""
    for lod in reversed(LODS):
        if zoom <= lod.max_zoom:
            return lod
    return LODS[0]


def degrees_per_pixel(zoom: float) -> float:
    """Longitude degrees per screen pixel at a web-map zoom (256-pixel tiles)."""
    return 360.0 / (TILE_SIZE * 2.0**zoom)


def zoom_to_fit(bounds: tuple[float, float, float, float], width: int, height: int, snap: float = 0.25) -> float:
    """The zoom at which a (minx, miny, maxx, maxy) box fills a width x height map, as Leaflet's fitBounds picks it."""
    minx, miny, maxx, maxy = bounds
    x = (maxx - minx) / 360.0
    y = (_mercator_y(maxy) - _mercator_y(miny)) / (2 * math.pi)
    zoom = math.log2(min(width / (TILE_SIZE * x), height / (TILE_SIZE * y)))
    return math.floor(zoom / snap) * snap


def lod_for_viewport(bounds: tuple[float, float, float, float], width: int = 1024, height: int = 768) -> Lod:
    """A level of detail made for one view: tolerance ~0.7 pixel and half-pixel precision at the fitted zoom.

    The fixed LODS follow the same rule at Gansu's zooms (LOD 3: 0.015 degrees at zoom 6); this gives the
    equivalent for any extent, e.g. all of China at zoom ~4.
    """
    zoom = zoom_to_fit(bounds, width, height)
    px = degrees_per_pixel(zoom)
    decimals = max(0, math.ceil(-math.log10(px / 2)))
    return Lod(-1, round(PIXEL_FRACTION * px, 4), decimals, math.floor(zoom))


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def simplify_coverage(units: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    """Simplify a coverage as a whole (shapely.coverage_simplify), keeping edges shared."""
    out = units.copy()
    out["geometry"] = shapely.coverage_simplify(units.geometry.values, tolerance)
    return out


def round_coordinates(geoms: np.ndarray | GeometryArray, decimals: int) -> np.ndarray:
    """Round every vertex (the same vertex always rounds the same way) and drop repeats."""
    rounded = shapely.transform(geoms, lambda xy: np.round(xy, decimals))
    try:
        return shapely.remove_repeated_points(rounded)
    except shapely.errors.GEOSException:
        # A tiny ring collapsed; snap that geometry to the grid the topology-aware way instead.
        return np.array([_dedupe_one(g, decimals) for g in rounded], dtype=object)


def _dedupe_one(geom: shapely.Geometry, decimals: int) -> shapely.Geometry:
    try:
        return shapely.remove_repeated_points(geom)
    except shapely.errors.GEOSException:
        return shapely.set_precision(geom, 10.0**-decimals)


def vertex_count(units: gpd.GeoDataFrame) -> int:
    """Total vertices, the figure that drives page weight."""
    return int(shapely.get_num_coordinates(units.geometry.values).sum())
