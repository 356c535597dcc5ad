"""The JSON API's answers as plain data: regions, a region's values, a view's values, the dataset versions."""

from __future__ import annotations

from typing import Any

import pandas as pd

from layers.core.errors import NotFoundError, UnknownParameterError
from layers.core.view import MapView
from layers.pages import frames
from layers.pages.atlas import Atlas
from layers.pages.public import region_detail
from layers.pages.rows import records
from layers.stats.snapshot import Snapshot


def regions(atlas: Atlas, level: str | None) -> list[dict[str, Any]]:
    """Every unit, or the units of one level."""
    return records(atlas.regions(level))


def region(snap: Snapshot, adcode: str) -> dict[str, Any]:
    """One region: name, level, parent, children and every value it has, each with its source."""
    detail = region_detail(snap, adcode)
    detail["values"] = records(pd.DataFrame(detail["values"])) if detail["values"] else []
    return detail


def values(atlas: Atlas, snap: Snapshot, view: MapView) -> dict[str, Any]:
    """Values of one indicator and year for every unit of a level, with rank and source; missing units are null."""
    rv, df = frames.values(atlas, snap, view)
    return {
        "indicator": rv.indicator.id, "level": view.level, "year": rv.year, "years": list(rv.years),
        "unit": rv.indicator.unit, "illustrative": bool(df["illustrative"].any()),
        "data_version": snap.version, "values": records(df),
    }


def datasets(atlas: Atlas, drafts: bool = False) -> list[dict[str, Any]]:
    """Every dataset with its provenance, state, the data version that published it and that version's map.

    Drafts only with `drafts` (the workspace): the public never learns of them."""
    df = atlas.store.datasets()
    if not drafts:
        df = df[df.state != "draft"].copy()
    df["illustrative"] = df["illustrative"].astype(bool)
    # a draft has no version, which would turn the column into floats (4.0): keep whole numbers or None
    df["version"] = [None if v != v or v is None else int(v) for v in df["version"]]
    return [r | {"map": _map_link(r["version"])} for r in records(df)]


def dataset(atlas: Atlas, dataset_id: int, limit: int, offset: int) -> dict[str, Any]:
    """One version: its provenance, what it covers, and a page of the rows it wrote."""
    meta = atlas.store.dataset(dataset_id)
    if meta is None:
        raise NotFoundError("dataset", dataset_id)
    rows = atlas.store.dataset_observations(dataset_id)
    if offset > len(rows):
        raise UnknownParameterError("offset", offset, [f"0-{len(rows)}"])
    meta = records(pd.DataFrame([meta]))[0]
    meta["illustrative"] = bool(meta["illustrative"])
    return meta | {
        "indicators": sorted(set(rows.indicator)), "years": sorted({int(y) for y in rows.year}),
        "regions": int(rows.adcode.nunique()), "total": len(rows), "offset": offset, "limit": limit,
        "observations": records(rows.iloc[offset:offset + limit]), "map": _map_link(meta["version"]),
    }


def _map_link(version: Any) -> str | None:
    """The map as the data stood when a dataset was published (None for one never published)."""
    return None if version is None else f"/map?version={int(version)}"
