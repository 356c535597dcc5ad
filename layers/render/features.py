"""GeoDataFrame -> GeoJSON dict through GEOS's own writer: the slow part of building a Folium layer, made fast."""

from __future__ import annotations

import json
from collections.abc import Iterable

import geopandas as gpd
import pandas as pd
import shapely

from layers.core.memo import Memo

# Parsed geometries by object: page boundaries and zone shapes are built once and reused by every render, so
# their GeoJSON is parsed once. The entry holds the geometry itself, so its id() cannot be reused meanwhile.
# Bounded by bytes like every cache (the server sets the budget from IPMAP_CACHE_MB): each zone overlay
# (per year, level of detail and language) brings new shapes, and a finest-detail county layer parses to 9 MB.
PARSED_BYTES = 32 * 1024 * 1024
PER_COORDINATE = 150 + 16  # a parsed [x, y] pair as Python lists and floats, plus GEOS's own copy
PER_GEOMETRY = 512
_PARSED = Memo(size=None, max_bytes=PARSED_BYTES)


def set_budget(max_bytes: int) -> None:
    """The byte budget of the parsed-geometry cache (dropping the oldest now if it shrank)."""
    _PARSED.resize(max_bytes)


def usage() -> tuple[int, int]:
    """(entries, bytes) of the parsed-geometry cache."""
    return _PARSED.usage()


def geometry_dicts(array: Iterable[shapely.Geometry | None]) -> list[dict[str, object] | None]:
    """GeoJSON geometry dicts (shared, read-only) for an array of shapely geometries."""
    geoms = list(array)
    out: list[dict[str, object] | None] = [None] * len(geoms)
    missing: list[tuple[int, shapely.Geometry]] = []
    for i, g in enumerate(geoms):
        hit = _PARSED.lookup(id(g))
        if isinstance(hit, tuple) and hit[0] is g:
            out[i] = hit[1]
        elif g is not None:
            missing.append((i, g))
    if missing:
        chosen = [g for _, g in missing]
        texts = shapely.to_geojson(chosen)
        weights = shapely.get_num_coordinates(chosen) * PER_COORDINATE + PER_GEOMETRY
        for (i, g), text, weight in zip(missing, texts, weights, strict=True):
            parsed: dict[str, object] = json.loads(text)
            out[i] = parsed
            _PARSED.put(id(g), (g, parsed), weight=int(weight))
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
