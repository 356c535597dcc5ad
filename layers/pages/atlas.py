"""The atlas: what stays fixed while serving (boundaries, catalogue, zones, locator, search) and the caches.

The atlas reads data only in `snapshot(version)`: the server resolves a request's data version once and passes
the snapshot down; every page function reads that snapshot, never "the newest" on its own.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
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
from layers.core.view import MapView, ResolvedView
from layers.core.view import resolve as resolve_view
from layers.core.zones import Units, ZoneBook
from layers.importing.regions import RegionMatcher
from layers.render import features
from layers.render.choropleth import rounded
from layers.render.folium_text import render_parts
from layers.render.locator_svg import SvgLocator
from layers.render.zone_layer import ZoneOverlay, build_overlay
from layers.stats.observations import Hierarchy
from layers.stats.search import Entry, build_index
from layers.stats.snapshot import Snapshot, build_snapshot
from layers.store.additions import added_indicators
from layers.store.backends import IndicatorStore

DEFAULT_LOD = {"prefecture": 3, "county": 3}
RENDER_CACHE_SIZE = 256
RENDER_CACHE_BYTES = 96 * 1024 * 1024  # rendered maps, compare and timeline results, exports: bytes and count
MEMO_CACHE_BYTES = 32 * 1024 * 1024  # values of views, zone overlays, page units, indicator lists
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
    map_approval: str = ""  # 审图号 printed on every map, export and embed; empty: each says it is schematic
    units: Units = field(init=False, repr=False)
    search_index: list[Entry] = field(init=False, repr=False)
    locator: SvgLocator = field(init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # The bundled plans' first years: what a store seeded before plans were recorded with their period falls back on
    # (the plans a version reads come from the store: plan_periods).
    plan_starts: dict[str, int] = field(default_factory=lambda: {p.id: p.start_year for p in load_plans()})
    # Bounded by count: a key is a version that exists (checked before it is read), a flag and a draft id (checked
    # by the route against the caller before it is read).
    _snapshots: Memo = field(default_factory=lambda: Memo(size=SNAPSHOT_CACHE_SIZE), repr=False)
    _boundary_json: dict[tuple[str, str, int], bytes] = field(default_factory=dict, repr=False)
    render_cache_bytes: int = RENDER_CACHE_BYTES
    memo_cache_bytes: int = MEMO_CACHE_BYTES
    # A per-worker bound on expensive work (server.limits): render_guard wraps every render that is not cached,
    # canvas_guard every raster drawn, with its pixels.
    render_guard: Callable[[], AbstractContextManager[object]] | None = field(default=None, repr=False)
    # Downloads (PNG/SVG/PDF exports, the briefing PDF, charts) wait on slots of their own, so a burst of exports
    # never leaves the interactive maps without one; unset, they share render_guard.
    download_guard: Callable[[], AbstractContextManager[object]] | None = field(default=None, repr=False)
    canvas_guard: Callable[[int], AbstractContextManager[object]] | None = field(default=None, repr=False)
    _renders: Memo = field(init=False, repr=False)
    # Per-version results (values of a view, the indicator list) and per-start-up ones (rounded units).
    _memo: Memo = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._renders = Memo(RENDER_CACHE_SIZE, self.render_cache_bytes, guard=self.render_guard)
        self._memo = Memo(512, self.memo_cache_bytes)
        self.units = Units.of(self.boundaries.regions)
        self.zones.check(self.units)
        self.search_index = build_index(self.boundaries.regions, list(self.zones.zones))
        self.locator = SvgLocator.build(self.boundaries.units("county", 3), self.boundaries.units("prefecture", 3))
        self.refresh_catalogue()

    def refresh_catalogue(self) -> None:
        """Take in the indicators admins have added (on any instance) since this one last looked: at start-up,
        whenever a data version is first read, and before an upload is checked."""
        self.catalogue = self.catalogue.extended(added_indicators(self.store))

    def plan_periods(self, version: int, draft: int | None = None) -> dict[str, int]:
        """Each plan's first year as version `version` (with a draft on top) states it: a plan is data, so a draft
        plan is previewed, and a published one judged, from its own period."""
        stored = self.store.plans(version, draft=draft)
        return self.plan_starts | {str(p): int(y) for p, y in zip(stored["plan_id"], stored["start_year"],
                                                                     strict=True)}

    def version(self) -> int:
        """The newest published data version (a publication sequence: every import bumps it).

        For the server alone, to resolve a request that names no version; nothing below it asks.
        """
        return self.store.version()

    def snapshot(self, version: int, demo: bool = False, draft: int | None = None) -> Snapshot:
        """Data version `version`, read and derived once, then kept (the newest few); an unknown one is an error.

        `demo` reads the same version with the illustrative values kept where real ones exist; `draft` with that
        dataset as if published on top (a preview: every cache key holds the draft, so it never serves the public).
        """
        key = (version, demo, draft)
        kept = self._snapshots.lookup(key)
        if isinstance(kept, Snapshot):
            return kept
        newest = self.version()
        if not 1 <= version <= newest:
            raise UnknownParameterError("version", version, [f"1-{newest}"])
        self.refresh_catalogue()
        snap = build_snapshot(version, self.store.observations(version, draft=draft),
                              self.store.targets(version, draft=draft), self.catalogue, self.boundaries, self.zones,
                              self.units, self.hierarchy, self.plan_periods(version, draft), demo, draft)
        # What a snapshot adds: its frames (catalogue, boundaries and zones are the atlas's own, shared).
        self._snapshots.put(key, snap, weight=deep_bytes(snap.observations) + deep_bytes(snap.targets))
        return snap

    def stored(self, version: int, draft: int | None = None, exclude: int | None = None) -> pd.DataFrame:
        """The stored (not derived) values in force at `version`, with a draft on top or a dataset left out: what
        the workspace compares to say what publishing or retracting would change. Not kept."""
        return self.store.observations(version, draft=draft, exclude=exclude)

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

    def check(self, view: MapView) -> None:
        """The view's free-form parameters name things that exist (a unit, an indicator, a zone year): cheap
        look-ups, done before any cache or render, so a made-up value costs neither a render nor an entry.
        The version is checked by snapshot(), the years against the data by resolve()."""
        if view.region is not None and not self.units.known(view.region):
            raise UnknownParameterError("region", view.region, ["an adcode listed by /api/regions"])
        self.catalogue.get(view.indicator)
        if view.indicator2 is not None:
            self.catalogue.get(view.indicator2)
        self.check_zones_year(view.zones_year, "zones_year")

    def check_zones_year(self, year: int | None, param: str = "year") -> None:
        """A year of the zone terms (or None): one of the years the zones pickers offer."""
        if year is not None and year not in self.zone_years:
            years = self.zone_years
            raise UnknownParameterError(param, year, [f"{min(years)}-{max(years)}"] if years else [])

    @cached_property
    def zone_years(self) -> frozenset[int]:
        """The years the zone terms span: what zones_year may be (the pickers offer the same)."""
        return frozenset(self.zones.years())

    def resolve(self, snap: Snapshot, view: MapView) -> ResolvedView:
        """Check a view against what exists and the data of its version (kept per indicator, level and years:
        a few look-ups). Every cached result of a view is looked up only after this."""
        self.check(view)
        key = ("resolve", view.indicator, view.level, view.year, view.base_year)
        rv = self.kept(snap, key, lambda: resolve_view(view, snap.catalogue, snap.observations,
                                                       self.level_adcodes(view.level)))
        return rv if rv.view == view else ResolvedView(view, rv.indicator, rv.year, rv.years)

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

    def memo(self, snap: Snapshot, kind: str, view: MapView, build: Callable[[], T], download: bool = False) -> T:
        """Cache any view-derived result (maps, compare, timelines, exports) by (kind, view, data version); the
        view is checked first (resolve), so one that names nothing is never drawn nor kept. A `download` is drawn
        under download_guard instead of the maps' render_guard."""
        self.resolve(snap, view)
        return self._renders.get((kind, view.model_dump_json(exclude={"version", "demo"}), *snap.key, self.tile_url),
                                 build, guard=self.download_guard if download else None)

    def canvas(self, pixels: int) -> AbstractContextManager[object]:
        """Hold `pixels` of the worker's raster budget while drawing (canvas_guard; nothing when unset)."""
        return nullcontext() if self.canvas_guard is None else self.canvas_guard(pixels)

    def cache_usage(self) -> dict[str, tuple[int, int]]:
        """(entries, bytes) of each cache the atlas keeps: what a soak or an operator checks memory against."""
        with self._lock:
            boundary = list(self._boundary_json.values())
        return {"renders": self._renders.usage(), "memo": self._memo.usage(), "snapshots": self._snapshots.usage(),
                "boundaries": (len(boundary), sum(len(b) for b in boundary)), "geometry": features.usage()}

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
