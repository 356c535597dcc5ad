"""Zones and designations as data (data/zones.toml): members, terms and citations, checked against the boundaries."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import geopandas as gpd
import pandas as pd
import shapely
from pydantic import BaseModel, ConfigDict, Field, model_validator

from geo import resources
from layers.core.errors import UnknownParameterError, ZoneDataError

DEFAULT_ZONES = resources.ZONES
PROVINCE = "620000"
ZoneTypeId = Literal["reform_zone", "new_area", "demonstration_zone", "cultural_zone", "provincial_platform",
                     "ip_province", "ip_city", "ip_county", "gi_zone", "ip_park"]
# Order of types in lists and legends: the plan's zones first, then the IP designations.
ZONE_TYPES: tuple[str, ...] = ("reform_zone", "new_area", "demonstration_zone", "cultural_zone",
                               "provincial_platform", "ip_province", "ip_city", "ip_county", "gi_zone", "ip_park")
PLAN_TYPES = frozenset(ZONE_TYPES[:5])
Relation = Literal["member", "partial", "contains"]
DATE = r"^\d{4}(-(0[1-9]|1[0-2]))?$"


class Citation(BaseModel):
    """Where a zone or its membership is stated: a source, and for the plan its section and sentence."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str = ""
    section: str = ""
    quote: str = ""
    confidence: str = ""


class ZoneFigure(BaseModel):
    """A figure published for the zone as a whole (兰白 27.58 invention patents per 10k, 2018-05): shown as given,
    never recomputed from the members, since the source does not say how it was counted."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    indicator: str
    value: float
    unit: str
    as_of: str = Field(pattern=DATE)
    source: str
    note_zh: str = ""
    note_en: str = ""


class Zone(BaseModel):
    """One zone or designation. Members as the source gives them; empty and `members_known=False` when unknown."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    type: ZoneTypeId
    name_zh: str
    name_en: str
    members: tuple[str, ...] = ()
    members_known: bool = True
    member_count: int | None = Field(None, ge=0)
    partial: bool = False
    stat_adcode: str | None = Field(None, pattern=r"^\d{6}$")
    part_of: str | None = None
    start: str | None = Field(None, pattern=DATE)
    end: str | None = Field(None, pattern=DATE)
    as_of: str | None = Field(None, pattern=DATE)
    basis_zh: str = ""
    basis_en: str = ""
    note_zh: str = ""
    note_en: str = ""
    cite: tuple[Citation, ...] = Field(min_length=1)
    figure: tuple[ZoneFigure, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Zone:
        if self.members_known and self.member_count is not None and self.member_count != len(self.members):
            raise ValueError(f"zone {self.id}: member_count {self.member_count} but {len(self.members)} members")
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"zone {self.id}: term ends ({self.end}) before it starts ({self.start})")
        return self

    @property
    def in_plan(self) -> bool:
        """A zone named in the plan (as opposed to a national or provincial IP designation)."""
        return self.type in PLAN_TYPES

    @property
    def province_wide(self) -> bool:
        """Covers the whole province: listed, but not drawn or put in every tooltip."""
        return PROVINCE in self.members

    @property
    def count(self) -> int | None:
        """Number of members: the list's length when known, else the published count (or None)."""
        return len(self.members) if self.members_known else self.member_count

    def active(self, year: int | None) -> bool:
        """In force in a year: a zone without a term counts in every year; None asks for every zone.

        A designation known only "as of" a date is in force from that date as far as anyone can tell: before it,
        the source says nothing, so it is not shown as active (it was, in every year, until this rule).
        """
        if year is None:
            return True
        begin = self.start or self.as_of
        start = int(begin[:4]) if begin else None
        end = int(self.end[:4]) if self.end else None
        return (start is None or start <= year) and (end is None or year <= end)

    def name(self, lang: str) -> str:
        """Display name in a language."""
        return self.name_en if lang == "en" else self.name_zh


class ZoneBook(BaseModel):
    """Every zone, in file order, with the plan's citation line."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    plan_source: str
    zones: tuple[Zone, ...] = Field(alias="zone")

    @classmethod
    def load(cls, path: Path = DEFAULT_ZONES) -> ZoneBook:
        """Read and validate the zones file; plan citations get the plan as their source."""
        with open(path, "rb") as f:
            raw = tomllib.load(f)
        for z in raw.get("zone", []):
            z["cite"] = [c if c.get("source") else c | {"source": raw["plan_source"]} for c in z.get("cite", [])]
        return cls(**raw)

    @model_validator(mode="after")
    def _unique(self) -> ZoneBook:
        ids = [z.id for z in self.zones]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate zone ids: {', '.join(dupes)}")
        for z in self.zones:
            if z.part_of and z.part_of not in ids:
                raise ValueError(f"zone {z.id}: part_of names unknown zone {z.part_of!r}")
        return self

    def ids(self) -> list[str]:
        """Zone ids in file order."""
        return [z.id for z in self.zones]

    def get(self, zone_id: str) -> Zone:
        """The zone, or an error naming the allowed ids."""
        for z in self.zones:
            if z.id == zone_id:
                return z
        raise UnknownParameterError("zone", zone_id, self.ids())

    def as_of(self, year: int | None) -> list[Zone]:
        """The zones in force in a year (every zone when year is None)."""
        return [z for z in self.zones if z.active(year)]

    def years(self) -> list[int]:
        """Every year some term starts or ends in, and the years between: the choices of an as-of-year picker."""
        marks = [int(d[:4]) for z in self.zones for d in (z.start, z.end, z.as_of) if d]
        return list(range(min(marks), max(marks) + 1)) if marks else []

    def check(self, units: Units) -> None:
        """Every member is a unit of the boundaries; an unknown adcode is an error naming zone and adcode."""
        for z in self.zones:
            unknown = [a for a in z.members if not units.known(a)]
            if unknown:
                raise ZoneDataError(f"zone {z.id}: unknown adcode {', '.join(unknown)} "
                                    "(not a province, prefecture or county of the boundaries)")

    def children(self, zone_id: str) -> list[Zone]:
        """Zones that are part of this one (the three cultural zones of 华夏文明传承创新区)."""
        return [z for z in self.zones if z.part_of == zone_id]


@dataclass(frozen=True)
class Units:
    """The boundary units as plain sets and maps, built once, so membership tests are dictionary look-ups."""

    counties: frozenset[str]
    prefectures: frozenset[str]
    parent: dict[str, str]  # county adcode -> prefecture adcode

    @classmethod
    def of(cls, regions: pd.DataFrame) -> Units:
        """From the attribute table of the boundaries (adcode, level, parent)."""
        counties = regions[regions.level == "county"]
        return cls(frozenset(counties.adcode), frozenset(regions[regions.level == "prefecture"].adcode),
                   dict(zip(counties.adcode, counties.parent, strict=True)))

    def known(self, adcode: str) -> bool:
        """A unit of the boundaries at any level."""
        return adcode == PROVINCE or adcode in self.counties or adcode in self.prefectures


def member_counties(zone: Zone, units: Units) -> list[str]:
    """County-level adcodes a zone covers (whole or in part): a prefecture or the province stands for its counties."""
    if zone.province_wide:
        return sorted(units.counties)
    members = set(zone.members)
    return sorted(c for c in units.counties if c in members or units.parent[c] in members)


def members_as_of(book: ZoneBook, year: int | None, units: Units) -> dict[str, list[str]]:
    """Zone id -> the county-level units it covers, for the zones in force in a year (all zones when None)."""
    return {z.id: member_counties(z, units) for z in book.as_of(year)}


@dataclass(frozen=True)
class Membership:
    """How a region relates to a zone: a member, partly covered by it, or containing some of its members."""

    zone: Zone
    relation: Relation


def relation_of(zone: Zone, adcode: str, units: Units) -> Relation | None:
    """member / partial / contains, or None when the region and the zone do not meet."""
    if not zone.members or not units.known(adcode):
        return None
    if adcode in zone.members or zone.province_wide or units.parent.get(adcode) in zone.members:
        return "partial" if zone.partial else "member"
    covered_parents = {units.parent[c] for c in member_counties(zone, units)}
    return "contains" if adcode == PROVINCE or adcode in covered_parents else None


def zones_of_region(zones: list[Zone], adcode: str, units: Units) -> list[Membership]:
    """The zones a region belongs to, is partly covered by, or contains members of."""
    out = []
    for z in zones:
        rel = relation_of(z, adcode, units)
        if rel is not None:
            out.append(Membership(z, rel))
    return out


def zone_geometry(zone: Zone, counties: gpd.GeoDataFrame, units: Units) -> shapely.Geometry | None:
    """The zone's outline: the union of its member counties, taken as a coverage so shared borders vanish cleanly."""
    codes = member_counties(zone, units)
    if not codes:
        return None
    parts = counties[counties.adcode.isin(codes)].geometry.values
    merged = shapely.coverage_union_all(parts)
    if not shapely.is_valid(merged):  # not a clean coverage: fall back to the robust overlay union
        merged = shapely.make_valid(shapely.union_all(parts))
    return merged


def drawable(zones: list[Zone]) -> list[Zone]:
    """Zones that can be drawn: known members, and not the whole province (a province-wide hatch says nothing)."""
    return [z for z in zones if z.members and not z.province_wide]


def zone_frame(zones: list[Zone], counties: gpd.GeoDataFrame, units: Units) -> gpd.GeoDataFrame:
    """One row per drawable zone with its dissolved geometry, in the order given."""
    rows, geoms = [], []
    for z in drawable(zones):
        geom = zone_geometry(z, counties, units)
        if geom is not None:
            rows.append({"id": z.id, "zone_type": z.type, "name_zh": z.name_zh, "name_en": z.name_en,
                         "partial": z.partial})
            geoms.append(geom)
    columns = ["id", "zone_type", "name_zh", "name_en", "partial"]
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=columns), geometry=geoms, crs=counties.crs)
