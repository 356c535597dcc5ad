"""Response shapes for the JSON API, so /docs and /openapi.json say exactly what comes back."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Health(BaseModel):
    status: str
    data_version: int
    boundaries: str


class Region(BaseModel):
    adcode: str
    name_zh: str
    name_en: str
    level: str
    parent: str


class RegionRef(BaseModel):
    adcode: str
    name_zh: str
    name_en: str
    level: str


class Observation(BaseModel):
    indicator: str
    year: int
    value: float
    unit: str
    period: str
    qualifier: str
    note: str
    source: str
    illustrative: bool
    derivation: str = ""


class RegionDetail(BaseModel):
    adcode: str
    name_zh: str
    name_en: str
    level: str
    levels: list[str]
    parent: Region | None
    children: list[RegionRef]
    values: list[Observation]


class IndicatorOut(BaseModel):
    id: str
    name_zh: str
    name_en: str
    unit: str
    unit_en: str
    kind: str
    additive: bool
    description_zh: str
    description_en: str
    period_total: bool
    numerator: str | None
    denominator: str | None
    derive: str | None = None
    base: str | None = None
    scale: float = 1.0
    centre: float | None = None
    upload: bool = True
    years: dict[str, list[int]]
    levels: list[str]


class Value(BaseModel):
    adcode: str
    name_zh: str
    name_en: str
    value: float | None
    unit: str | None
    rank: int | None
    source: str | None
    illustrative: bool
    provenance: str | None = Field(None, description="published (plan, cited fact, planner upload), computed (from "
                                   "published inputs), illustrative, or computed_illustrative (any input made up)")
    note: str | None


class Values(BaseModel):
    indicator: str
    level: str
    year: int
    years: list[int]
    unit: str
    illustrative: bool
    data_version: int
    values: list[Value]


class ZoneOut(BaseModel):
    id: str
    type: str
    type_label: str
    name_zh: str
    name_en: str
    name: str
    in_plan: bool
    members: list[str]
    members_known: bool
    member_count: int | None
    partial: bool
    members_text: str
    start: str | None
    end: str | None
    as_of: str | None
    term: str
    part_of: str | None
    active: bool
    url: str


class CitationOut(BaseModel):
    source: str
    section: str
    quote: str
    confidence: str


class ZoneComparison(BaseModel):
    indicator: str
    year: int
    unit: str
    members_with_data: int
    members: int
    complete: bool
    zone: float | None
    rest: float | None
    province: float | None
    share: float | None
    zone_per_10k: float | None
    rest_per_10k: float | None
    sources: list[str]
    illustrative: bool


class ZoneFigureOut(BaseModel):
    """A figure published for the zone as a whole, shown as the source gives it."""

    indicator: str
    name: str
    value: float
    unit: str
    as_of: str
    source: str
    note: str


class ZoneDetail(ZoneOut):
    basis: str
    note: str
    stat_adcode: str | None
    member_units: list[RegionRef]
    counties: list[RegionRef]
    citations: list[CitationOut]
    comparison: list[ZoneComparison]
    figures: list[ZoneFigureOut] = []


class Problem(BaseModel):
    """One rejected parameter: which one and why."""

    param: str
    msg: str


class ReportLine(BaseModel):
    """One line of an upload's report: where (row as the planner sees it, column header) and what to do."""

    row: int | None
    column: str | None
    problem: str
    suggestion: str | None
    code: str
    severity: str


class ErrorOut(BaseModel):
    """Every error body (server/errors.py writes them all): a readable detail, plus the parameter and its allowed
    values when one was wrong, or the upload's report."""

    detail: str
    param: str | None = None
    allowed: list[str] | None = None
    errors: list[Problem] | None = None
    report: list[ReportLine] | None = None
    summary: dict[str, object] | None = None
