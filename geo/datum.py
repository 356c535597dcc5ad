"""GCJ-02 -> WGS84 conversion, so Amap-derived shapes line up with any WGS84 basemap."""

from __future__ import annotations

import numpy as np
import prcoords
import shapely
from shapely.geometry.base import BaseGeometry

DATUM_NOTE_ZH = "坐标：WGS84（由高德 GCJ-02 转换）"
DATUM_NOTE_EN = "Datum: WGS84 (converted from Amap GCJ-02)"


def _gcj_to_wgs(xy: np.ndarray) -> np.ndarray:
    """Convert an (n, 2) lon/lat array; prcoords iterates to ~1e-8 degrees."""
    out = np.empty_like(xy)
    for i, (lon, lat) in enumerate(xy):
        c = prcoords.gcj_wgs_bored(prcoords.Coords(lat, lon))
        out[i] = (c.lon, c.lat)
    return out


def gcj02_to_wgs84(geom: BaseGeometry) -> BaseGeometry:
    """Return the geometry in WGS84; shared vertices map to the same point, so coverages stay coverages."""
    return shapely.transform(geom, _gcj_to_wgs)
