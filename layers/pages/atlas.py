"""The atlas: what stays fixed while serving (boundaries, catalogue, zones, locator, search) and the caches.

The atlas reads data only in `snapshot(version)`: the server resolves a request's data version once and passes
the snapshot down; every page function reads that snapshot, never "the newest" on its own.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

import folium
import geopandas as gpd
import pandas as pd

from geo.boundaries import BoundarySet
from geo.simplify import LODS, lod_by_id
from layers.core.catalogue import Catalogue
from layers.core.errors import UnknownParameterError
from layers.core.memo import Memo
from layers.core.plans import load_plans
from layers.core.sizing import deep_bytes
from layers.core.view import MapView
from layers.core.zones import Units, ZoneBook
from layers.importing.regions import RegionMatcher
from layers.render.choropleth import rounded
from layers.render.folium_text import render_parts
from layers.render.locator_svg import SvgLocator
from layers.render.zone_layer import ZoneOverlay, build_overlay
from layers.stats.observations import Hierarchy
from layers.stats.search import Entry, build_index
from layers.stats.snapshot import Snapshot, build_snapshot
from layers.store.backends import IndicatorStore

DEFAULT_LOD = {"prefecture": 3, "county": 3}
RENDER_CACHE_SIZE = 256
RENDER_CACHE_BYTES = 96 * 1024 * 1024  # rendered maps, compare and timeline results, exports: bytes and count
SNAPSHOT_CACHE_SIZE = 4  # data versions kept derived (the current one plus a few a shared link may name)
T = TypeVar("T")


@dataclass
class Atlas:
    """Loaded once at start-up; a data version is read from the store once, when a request first names it."""

    boundaries: BoundarySet
    catalogue: Catalogue
    store: IndicatorStore
    tile_url: str | None = None
    tile_attribution: str = ""
    zones: ZoneBook = field(default_factory=ZoneBook.load)
    units: Units = field(init=False, repr=False)
    search_index: list[Entry] = field(init=False, repr=False)
    locator: SvgLocator = field(init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    plan_starts: dict[str, int] = field(default_factory=lambda: {p.id: p.start_year for p in load_plans()})
    _snapshots: OrderedDict[tuple[int, bool], Snapshot] = field(default_factory=OrderedDict, repr=False)
    _boundary_json: dict[tuple[str, str, int], bytes] = field(default_factory=dict, repr=False)
    render_cache_bytes: int = RENDER_CACHE_BYTES
    _renders: Memo = field(init=False, repr=False)
    # Per-version results (values of a view, the indicator list) and per-start-up ones (rounded units).
    _memo: Memo = field(default_factory=Memo, repr=False)

    def __post_init__(self) -> None:
        self._renders = Memo(RENDER_CACHE_SIZE, self.render_cache_bytes)
        self.units = Units.of(self.boundaries.regions)
        self.zones.check(self.units)
        self.search_index = build_index(self.boundaries.regions, list(self.zones.zones))
        self.locator = SvgLocator.build(self.boundaries.units("county", 3), self.boundaries.units("prefecture", 3))

    def version(self) -> int:
        """The newest published data version (a publication sequence: every import bumps it).

        For the server alone, to resolve a request that names no version; nothing below it asks.
        """
        return self.store.version()

    def snapshot(self, version: int, demo: bool = False) -> Snapshot:
        """Data version `version`, read and derived once, then kept (the newest few); an unknown one is an error.

        `demo` reads the same version with the illustrative values kept where real ones exist.
        """
        key = (version, demo)
        with self._lock:
            if key in self._snapshots:
                self._snapshots.move_to_end(key)
                return self._snapshots[key]
        newest = self.version()
        if not 1 <= version <= newest:
            raise UnknownParameterError("version", version, [f"1-{newest}"])
        snap = build_snapshot(version, self.store.observations(version), self.store.targets(version),
                              self.catalogue, self.boundaries, self.zones, self.units, self.hierarchy,
                              self.plan_starts, demo)
        with self._lock:
            self._snapshots[key] = snap
            while len(self._snapshots) > SNAPSHOT_CACHE_SIZE:
                self._snapshots.popitem(last=False)
        return snap

    @cached_property
    def matcher(self) -> RegionMatcher:
        """Region names and codes as planners write them, for imports."""
        return RegionMatcher(self.boundaries.regions)

    @cached_property
    def hierarchy(self) -> Hierarchy:
        """Which units sum to which, from the boundaries."""
        return Hierarchy.from_regions(self.boundaries.regions)

    def level_adcodes(self, level: str) -> set[str]:
        """Adcodes of the units of one level."""
        return self._memo.get(("adcodes", level), lambda: set(self.boundaries.units(level, len(LODS) - 1).adcode))

    def page_units(self, level: str, lod: int) -> gpd.GeoDataFrame:
        """Units of a level at a LOD with coordinates rounded for the page: computed once, then shared read-only."""
        return self._memo.get(("units", level, lod),
                              lambda: rounded(self.boundaries.units(level, lod), lod_by_id(lod).decimals))

    def zone_overlay(self, view: MapView, adcodes: list[str]) -> ZoneOverlay | None:
        """The zones to draw over a view's map (None when the view turns them off)."""
        if not view.zones:
            return None
        lod = view.lod if view.lod is not None else DEFAULT_LOD[view.level]
        # Zones and boundaries are fixed while serving: one overlay per (year, LOD, units, language), kept.
        def build() -> ZoneOverlay:
            counties = self.boundaries.units("county", lod)
            overlay = build_overlay(self.zones, view.zones_year, counties, self.units, adcodes, view.lang,
                                    lod_by_id(lod).decimals)
            if view.within is None:
                return overlay
            # A drill-down draws the zones' parts inside its prefecture only, not across the empty page around it.
            mask = counties[counties["adcode"].isin(adcodes)].union_all()
            inside = overlay.frame[overlay.frame.intersects(mask)].copy()
            inside["geometry"] = inside.intersection(mask)
            return ZoneOverlay(inside, overlay.labels, overlay.key, overlay.lang)

        return self._memo.get(("zones", view.zones_year, lod, tuple(adcodes), view.lang, view.within), build)

    def kept(self, snap: Snapshot, key: tuple[object, ...], build: Callable[[], T]) -> T:
        """A result computed from a snapshot (values, ranks, the indicator list), kept per data version."""
        return self._memo.get((*key, *snap.key), build)

    def render_cached(self, key: tuple[object, ...], build: Callable[[], folium.Map]) -> dict[str, str]:
        """Head, body and script of a map, built once per key and kept in the LRU cache.

        The key says everything the map depends on: a map drawn from data carries its snapshot's version.
        """
        return self._renders.get((*key, self.tile_url), lambda: render_parts(build()))

    def memo(self, snap: Snapshot, kind: str, view: MapView, build: Callable[[], T]) -> T:
        """Cache any view-derived result (maps, compare, timelines, exports) by (kind, view, data version)."""
        return self._renders.get((kind, view.model_dump_json(exclude={"version", "demo"}), *snap.key, self.tile_url),
                                 build)

    def cache_usage(self) -> dict[str, tuple[int, int]]:
        """(entries, bytes) of each cache the atlas keeps: what a soak or an operator checks memory against."""
        with self._lock:
            snaps = list(self._snapshots.values())
            boundary = list(self._boundary_json.values())
        return {"renders": (len(self._renders), self._renders.bytes),
                "memo": (len(self._memo), sum(deep_bytes(v) for v in self._memo.values())),
                "snapshots": (len(snaps), sum(deep_bytes(s.observations) + deep_bytes(s.targets) for s in snaps)),
                "boundaries": (len(boundary), sum(len(b) for b in boundary))}

    def boundaries_json(self, level: str, lod: int) -> bytes:
        """GeoJSON of a level at a LOD, serialised once and kept: boundaries never change while serving."""
        key = ("boundaries", level, lod)
        with self._lock:
            if key in self._boundary_json:
                return self._boundary_json[key]
        body = json.dumps(self.boundaries.geojson(level, lod), ensure_ascii=False, separators=(",", ":")).encode()
        with self._lock:
            self._boundary_json[key] = body
        return body

    def boundaries_checksum(self, level: str, lod: int) -> str:
        """A short hash of a boundary layer's bytes: the `v` of its immutable URL, the same on every instance."""
        body = self.boundaries_json(level, lod)
        return self._memo.get(("boundary_sum", level, lod), lambda: hashlib.blake2b(body, digest_size=8).hexdigest())

    def regions(self, level: str | None = None) -> pd.DataFrame:
        """Attribute table of the units, optionally one level."""
        regions = self.boundaries.regions
        if level is None:
            return regions
        self.boundaries.units(level, len(LODS) - 1)  # raises on an unknown level
        return regions[regions.level == level]
