"""The atlas: boundaries, catalogue and store together, with the few calls the server and CLI make."""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

import folium
import geopandas as gpd
import pandas as pd

from geo.boundaries import BoundarySet
from geo.simplify import LODS, lod_by_id
from layers.backends import IndicatorStore
from layers.catalogue import Catalogue
from layers.choropleth import MapText, build_map, classify_frame, join_values, rounded
from layers.derive import Hierarchy, derive
from layers.errors import NotFoundError, UnknownParameterError
from layers.folium_text import render_parts
from layers.i18n import t
from layers.importing.regions import RegionMatcher
from layers.locator_svg import SvgLocator
from layers.mapnotes import map_notes
from layers.memo import Memo
from layers.plans import load_plans
from layers.search import Entry, build_index
from layers.series import sparkline_column
from layers.sizing import deep_bytes
from layers.view import MapView, ResolvedView, resolve
from layers.zone_layer import ZoneOverlay, build_overlay
from layers.zones import Units, ZoneBook

DEFAULT_LOD = {"prefecture": 3, "county": 3}
RENDER_CACHE_SIZE = 256
RENDER_CACHE_BYTES = 96 * 1024 * 1024  # rendered maps, compare and timeline results, exports: bytes and count
OBS_CACHE_SIZE = 4  # observations with derived values, per store version (current plus a few old ones)
T = TypeVar("T")


@dataclass
class Atlas:
    """Loaded once at start-up; observations re-read only when the store's version changes."""

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
    _obs: OrderedDict[tuple[int, bool], pd.DataFrame] = field(default_factory=OrderedDict, repr=False)
    _boundary_json: dict[tuple[str, str, int], bytes] = field(default_factory=dict, repr=False)
    render_cache_bytes: int = RENDER_CACHE_BYTES
    _renders: Memo = field(init=False, repr=False)
    # Per-version results (values of a view, the indicator list) and per-start-up ones (rounded units).
    _memo: Memo = field(default_factory=Memo, repr=False)
    _derived: dict[str, tuple[int, object]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._renders = Memo(RENDER_CACHE_SIZE, self.render_cache_bytes)
        self.units = Units.of(self.boundaries.regions)
        self.zones.check(self.units)
        self.search_index = build_index(self.boundaries.regions, list(self.zones.zones))
        self.locator = SvgLocator.build(self.boundaries.units("county", 3), self.boundaries.units("prefecture", 3))

    def version(self) -> int:
        """The store version: changes on every import, so caches keyed by it invalidate themselves."""
        return self.store.version()

    def observations(self, version: int | None = None, demo: bool = False) -> pd.DataFrame:
        """Observations as of a version (default: newest) plus every derived value, cached per version.

        Illustrative values are left out wherever real ones exist unless `demo` asks for the demonstration set.
        """
        v = self.check_version(version)
        key = (v, demo)
        with self._lock:
            if key in self._obs:
                self._obs.move_to_end(key)
                return self._obs[key]
        df = derive(self.store.observations(v), self.catalogue, self.hierarchy, self.store.targets(),
                    self.plan_starts, demo=demo)
        with self._lock:
            self._obs[key] = df
            while len(self._obs) > OBS_CACHE_SIZE:
                self._obs.popitem(last=False)
        return df

    def hides_illustrative(self, view: MapView) -> bool:
        """Whether the real view leaves out illustrative values of its indicator at its level (demo=1 shows them)."""
        if view.demo:
            return False
        v = self.check_version(view.version)

        def count() -> bool:
            codes = self.level_adcodes(view.level)
            n = [int((o.illustrative & (o.indicator == view.indicator) & o.adcode.isin(codes)).sum())
                 for o in (self.observations(v, True), self.observations(v, False))]
            return n[0] > n[1]

        return bool(self._memo.get(("hides", v, view.indicator, view.level), count))

    def check_version(self, version: int | None) -> int:
        """The version to read: the newest when None; an error naming the range for one that does not exist."""
        newest = self.version()
        if version is None:
            return newest
        if not 1 <= version <= newest:
            raise UnknownParameterError("version", version, [f"1-{newest}"])
        return version

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

    def resolve(self, view: MapView) -> ResolvedView:
        """Check a view against the data."""
        return resolve(view, self.catalogue, self.observations(view.version, view.demo), self.level_adcodes(view.level))

    def frame(self, view: MapView) -> tuple[ResolvedView, gpd.GeoDataFrame]:
        """Units of the view's level joined with its values, classified."""
        rv = self.resolve(view)
        lod = view.lod if view.lod is not None else DEFAULT_LOD[view.level]
        frame = join_values(self.page_units(view.level, lod), self.observations(view.version, view.demo),
                            rv.indicator.id, rv.year)
        return rv, frame

    def title(self, rv: ResolvedView) -> str:
        """'常住人口（2020年，县区）' or 'Resident population (2020, Counties)'."""
        lang = rv.view.lang
        name = rv.indicator.name_en if lang == "en" else rv.indicator.name_zh
        return t("map_of", lang, indicator=name, year=rv.year, level=t(f"level_{rv.view.level}", lang))

    def render_map(self, view: MapView) -> dict[str, str]:
        """Head, body and script of the Folium map, cached by (view, store version)."""
        key = (view.model_dump_json(), self.version(), self.tile_url)
        return self._renders.get(key, lambda: self._render_map(view))

    def _render_map(self, view: MapView) -> dict[str, str]:
        rv, frame = self.frame(view)
        sparks = sparkline_column(frame, self.observations(view.version, view.demo), rv.indicator.id, view.lang)
        if sparks.str.len().any():  # a tooltip row only when some unit has two years or more
            frame["tip_series"] = sparks
        classified, classes, fills = classify_frame(frame, view.scheme, view.k, centre=rv.indicator.centre)
        notes = map_notes(rv.indicator, view.level, self.catalogue, view.lang)
        m = build_map(classified, classes, fills, MapText(self.title(rv), view.lang, rv.indicator, notes),
                      self.boundaries.neighbours(), self.tile_url, self.tile_attribution,
                      zones=self.zone_overlay(view, list(frame.adcode)))
        return render_parts(m) | {"title": self.title(rv)}

    def zone_overlay(self, view: MapView, adcodes: list[str]) -> ZoneOverlay | None:
        """The zones to draw over a view's map (None when the view turns them off)."""
        if not view.zones:
            return None
        lod = view.lod if view.lod is not None else DEFAULT_LOD[view.level]
        # Zones and boundaries are fixed while serving: one overlay per (year, LOD, units, language), kept.
        return self._memo.get(("zones", view.zones_year, lod, tuple(adcodes), view.lang), lambda: build_overlay(
            self.zones, view.zones_year, self.boundaries.units("county", lod), self.units, adcodes, view.lang,
            lod_by_id(lod).decimals))

    def derived(self, name: str, build: Callable[[pd.DataFrame], object]) -> object:
        """A table computed from the observations (ranks and the like), rebuilt only when the store changes."""
        v = self.version()
        with self._lock:
            hit = self._derived.get(name)
            if hit is not None and hit[0] == v:
                return hit[1]
        value = build(self.observations(v))
        with self._lock:
            self._derived[name] = (v, value)
        return value

    def render_cached(self, key: tuple[object, ...], build: Callable[[], folium.Map]) -> dict[str, str]:
        """Head, body and script of any map, built once per key (plus store version) and kept in the LRU cache."""
        return self._renders.get((*key, self.version()), lambda: render_parts(build()))

    def memo(self, kind: str, view: MapView, build: Callable[[], T]) -> T:
        """Cache any view-derived result (compare maps, timelines, exports) by (kind, view, store version)."""
        return self._renders.get((kind, view.model_dump_json(), self.version(), self.tile_url), build)

    def cache_usage(self) -> dict[str, tuple[int, int]]:
        """(entries, bytes) of each cache the atlas keeps: what a soak or an operator checks memory against."""
        with self._lock:
            obs = list(self._obs.values())
            derived = [v for _, v in self._derived.values()]
            boundary = list(self._boundary_json.values())
        return {"renders": (len(self._renders), self._renders.bytes),
                "memo": (len(self._memo), sum(deep_bytes(v) for v in self._memo.values())),
                "observations": (len(obs), sum(deep_bytes(v) for v in obs)),
                "derived": (len(derived), sum(deep_bytes(v) for v in derived)),
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

    def values(self, view: MapView) -> tuple[ResolvedView, pd.DataFrame]:
        """The values behind a view, one row per unit, with rank and source (no geometry); cached per version."""
        rv, df = self._memo.get(("values", view.model_dump_json(exclude={"lang", "scheme", "k"}), self.version()),
                                lambda: self._values(view))
        return rv if rv.view == view else ResolvedView(view, rv.indicator, rv.year, rv.years), df.copy()

    def _values(self, view: MapView) -> tuple[ResolvedView, pd.DataFrame]:
        rv, frame = self.frame(view)
        cols = ["adcode", "name_zh", "name_en", "value", "unit", "rank", "source", "illustrative", "provenance", "note"]
        return rv, pd.DataFrame(frame[cols])

    def regions(self, level: str | None = None) -> pd.DataFrame:
        """Attribute table of the units, optionally one level."""
        regions = self.boundaries.regions
        return regions if level is None else regions[regions.level == self._level(level)]

    def _level(self, level: str) -> str:
        self.boundaries.units(level, len(LODS) - 1)  # raises on an unknown level
        return level

    def region(self, adcode: str) -> dict[str, Any]:
        """One region with its parent, children and every value it has, each with its source."""
        regions = self.boundaries.regions
        rows = regions[regions.adcode == adcode]
        if rows.empty:
            raise NotFoundError("region", adcode)
        row = rows.sort_values("level", key=lambda s: s.map({"province": 0, "prefecture": 1, "county": 2})).iloc[0]
        children = regions[(regions.parent == adcode) & (regions.adcode != adcode)]
        parent = regions[regions.adcode == row.parent].head(1)
        obs = self.observations()
        mine = obs[obs.adcode == adcode].sort_values(["indicator", "year"]).astype({"derivation": str})
        return {
            "adcode": adcode, "name_zh": row.name_zh, "name_en": row.name_en,
            "levels": sorted(set(rows.level)), "level": row.level,
            "parent": parent.iloc[0].to_dict() if len(parent) and row.parent != adcode else None,
            "children": children[["adcode", "name_zh", "name_en", "level"]].to_dict("records"),
            "values": mine.drop(columns=["adcode", "dataset_id"]).to_dict("records"),
        }

    def indicators(self) -> list[dict[str, Any]]:
        """The catalogue with, for each indicator, the years available at each level; computed once per version."""
        return copy.deepcopy(self._memo.get(("indicators", self.version()), self._indicators))

    def _indicators(self) -> list[dict[str, object]]:
        obs = self.observations()
        levels = {lvl: self.level_adcodes(lvl) for lvl in ("prefecture", "county")} | {"province": {"620000"}}
        pairs = obs[["indicator", "year", "adcode"]].drop_duplicates(["indicator", "year", "adcode"])
        by_level = {lvl: pairs[pairs.adcode.isin(codes)].groupby("indicator").year.unique()
                    for lvl, codes in levels.items()}
        out = []
        for ind in self.catalogue.indicators.values():
            years = {lvl: sorted(int(y) for y in yrs.get(ind.id, [])) for lvl, yrs in by_level.items()}
            out.append(ind.model_dump() | {"additive": ind.additive,
                                           "years": {k: v for k, v in years.items() if v},
                                           "levels": [k for k, v in years.items() if v]})
        return out
