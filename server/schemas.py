"""Response shapes for the JSON API, so /docs and /openapi.json say exactly what comes back."""

from __future__ import annotations

from pydantic import BaseModel


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
