"""A map view: the one set of query options that drives the page, the embed, the export and the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal, get_args
from urllib.parse import urlencode

import pandas as pd
from pydantic import BaseModel, BeforeValidator, Field, WithJsonSchema

from layers.core.catalogue import Catalogue, Indicator
from layers.core.errors import UnknownParameterError

MapLevel = Literal["prefecture", "county"]
# A year of the zone terms; an empty form field ("all years" in a select) means no year.
# The schema says so too, so API clients (and fuzzers) know "year=" is taken.
OptionalYear = Annotated[Annotated[int, Field(ge=1949, le=2100)] | None,
                         BeforeValidator(lambda v: None if v == "" else v),
                         WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 1949, "maximum": 2100},
                                                   {"type": "string", "enum": [""]}, {"type": "null"}]})]
# A second indicator for compare; the picker's "two years" choice is an empty field, meaning none.
OptionalIndicator = Annotated[str | None, BeforeValidator(lambda v: None if v == "" else v),
                              WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "null"}]})]
DEFAULT_INDICATOR = "population"
Scheme = Literal["quantiles", "natural_breaks", "equal_interval"]
SCHEMES: tuple[Scheme, ...] = get_args(Scheme)


class MapView(BaseModel):
    """What to draw: level, indicator, year, classification and language."""

    level: MapLevel = Field("county", description="Map level: prefecture (14 units) or county (87 units)")
    indicator: str = Field(DEFAULT_INDICATOR, description="Indicator id, see /api/indicators")
    year: int | None = Field(None, description="Year; default is the latest of the years in which the most units "
                                                "of the level have a value")
    scheme: Scheme = Field(
        "quantiles", description="Classification scheme (mapclassify)")
    k: int = Field(5, ge=2, le=9, description="Number of classes")
    lang: Literal["zh", "en"] = Field("zh", description="Language of labels")
    lod: int | None = Field(None, ge=0, le=3, description="Boundary level of detail; default fits the initial zoom")
    zones: bool = Field(True, description="Draw the plan's zones and the IP designations over the map")
    zones_year: OptionalYear = Field(None, description="Only designations in force in this year; all when omitted")
    version: int | None = Field(None, ge=1, description="Data version to draw (a publication count, see "
                                                        "/api/datasets); default is the newest")
    # Comparison and selection state, so a compared or highlighted view is a link too.
    base_year: int | None = Field(None, description="Year to compare with (change, compare and difference maps); "
                                                    "default the year before `year` with data")
    indicator2: OptionalIndicator = Field(None, description="Second indicator for a side-by-side comparison of the "
                                                            "same year")
    region: str | None = Field(None, pattern=r"^\d{6}$", description="Selected region (adcode), highlighted")
    within: str | None = Field(None, pattern=r"^\d{6}$", description="Drill-down: only the counties of this "
                                                                      "prefecture (adcode), fitted (level=county)")
    style: Literal["symbols", "choropleth"] | None = Field(
        None, description="Proportional circles or a choropleth; default circles for counts and amounts (they add "
                          "up across regions), a choropleth for rates, shares and scores")
    demo: bool = Field(False, description="Show the illustrative (made-up) demonstration values even where real "
                                          "ones exist for the indicator and level; every such value is marked")

    def query(self, **override: object) -> str:
        """The view as a URL query string, so a view can be sent to a colleague as a link."""
        data = self.model_dump(exclude_none=True) | override
        defaults = MapView().model_dump(exclude_none=True)
        kept = {k: v for k, v in data.items() if v is not None and defaults.get(k) != v or k == "level"}
        return urlencode({k: str(v).lower() if isinstance(v, bool) else v for k, v in kept.items()})


@dataclass(frozen=True)
class ResolvedView:
    """A view checked against the data: the indicator exists and has values at that level and year."""

    view: MapView
    indicator: Indicator
    year: int
    years: tuple[int, ...]
    place: str = ""  # the prefecture a drill-down shows ("兰州市"), in the view's language

    @property
    def style(self) -> Literal["symbols", "choropleth"]:
        """How the view is drawn: as asked, else circles for counts and amounts, a choropleth for the rest."""
        return self.view.style or ("symbols" if self.indicator.additive else "choropleth")


def available_years(observations: pd.DataFrame, indicator: str, adcodes: set[str]) -> list[int]:
    """Years in which any unit of the level has a value for the indicator."""
    hit = observations[(observations.indicator == indicator) & observations.adcode.isin(adcodes)]
    return sorted(int(y) for y in hit.year.unique())


def default_year(observations: pd.DataFrame, indicator: str, adcodes: set[str]) -> int:
    """The latest of the years in which the most units have a value: a view opens on a full map, not on the one
    prefecture that reported last year (the plan's headline indicator opened on 2024 with 1 of 14)."""
    hit = observations[(observations.indicator == indicator) & observations.adcode.isin(adcodes)
                       & observations.value.notna()]
    counts = hit.groupby("year").adcode.nunique()
    return int(max(counts.index[counts == counts.max()]))


def resolve(view: MapView, catalogue: Catalogue, observations: pd.DataFrame, level_adcodes: set[str]) -> ResolvedView:
    """Check a view against the data; an unknown indicator or year names the allowed values."""
    indicator = catalogue.get(view.indicator)
    years = available_years(observations, indicator.id, level_adcodes)
    if not years:
        mappable = sorted({i for i in observations[observations.adcode.isin(level_adcodes)].indicator})
        raise UnknownParameterError("indicator", f"{view.indicator} at level {view.level}", mappable)
    year = view.year if view.year is not None else default_year(observations, indicator.id, level_adcodes)
    if year not in years:
        raise UnknownParameterError("year", year, [str(y) for y in years])
    if view.base_year is not None and view.base_year not in years:  # every page keys on it: one that exists
        raise UnknownParameterError("base_year", view.base_year, [str(y) for y in years])
    return ResolvedView(view, indicator, year, tuple(years))
