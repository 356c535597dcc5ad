"""GeoDataFrame -> GeoJSON dict through GEOS's own writer: the slow part of building a Folium layer, made fast."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Iterable

import geopandas as gpd
import pandas as pd
import shapely

# Parsed geometries by object: page boundaries and zone shapes are built once and reused by every render, so
# their GeoJSON is parsed once. The entry holds the geometry itself, so its id() cannot be reused meanwhile.
_PARSED: OrderedDict[int, tuple[shapely.Geometry, dict[str, object]]] = OrderedDict()
_PARSED_MAX = 4_000  # page units at every LOD and the zone shapes, with room to spare
_LOCK = threading.Lock()


def geometry_dicts(array: Iterable[shapely.Geometry | None]) -> list[dict[str, object] | None]:
    """GeoJSON geometry dicts (shared, read-only) for an array of shapely geometries."""
    geoms = list(array)
    out: list[dict[str, object] | None] = [None] * len(geoms)
    missing: list[tuple[int, shapely.Geometry]] = []
    with _LOCK:
        for i, g in enumerate(geoms):
            hit = _PARSED.get(id(g))
            if hit is not None and hit[0] is g:
                out[i] = hit[1]
            elif g is not None:
                missing.append((i, g))
    if missing:
        texts = shapely.to_geojson([g for _, g in missing])
        with _LOCK:
            for (i, g), text in zip(missing, texts, strict=True):
                parsed: dict[str, object] = json.loads(text)
                out[i] = parsed
                _PARSED[id(g)] = (g, parsed)
            while len(_PARSED) > _PARSED_MAX:
                _PARSED.popitem(last=False)
    return out


def feature_collection(frame: gpd.GeoDataFrame) -> dict[str, object]:
    """The same FeatureCollection as frame.__geo_interface__ (ids, properties with NaN as null, geometries),
    built with shapely.to_geojson in C instead of iterating coordinates in Python (about 20x faster)."""
    geometry = frame.geometry.name
    props = pd.DataFrame(frame.drop(columns=geometry))
    props = props.astype(object).where(props.notna(), None)
    geoms = geometry_dicts(frame.geometry.values)
    return {
        "type": "FeatureCollection",
        "features": [
            {"id": str(i), "type": "Feature", "properties": p, "geometry": g}
            for i, p, g in zip(frame.index, props.to_dict("records"), geoms, strict=True)
        ],
    }
