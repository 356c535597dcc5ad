"""Plans as data: a plan file holds its baseline observations and its targets, each cited by section."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel

from geo import resources

PLANS_DIR = resources.PLANS


class Baseline(BaseModel):
    """A figure the plan reports about the past."""

    indicator: str
    year: int
    value: float
    period: str | None = None
    qualifier: Literal["=", ">", "<"] = "="
    section: str
    quote: str


class Target(BaseModel):
    """A figure the plan sets for the future: stored as a target, never as an observation."""

    indicator: str
    year: int
    value: float
    value_max: float | None = None
    kind: Literal["level", "annual_growth", "annual_level", "count"]
    comparator: Literal[">=", ">", "<=", "<", "="] = ">="
    section: str
    quote: str


class Plan(BaseModel):
    """A five-year (or other) plan for one region."""

    id: str
    name_zh: str
    name_en: str
    issuer_zh: str
    issuer_en: str
    region: str
    start_year: int
    end_year: int
    baseline_period: str
    citation: str
    baseline: list[Baseline]
    target: list[Target]
    file_name: str = ""  # the file it was read from, as the dataset's provenance names it

    @classmethod
    def load(cls, path: Path) -> Plan:
        """Read and validate a plan file."""
        with open(path, "rb") as f:
            return cls(**tomllib.load(f), file_name=path.name)

    def meta(self) -> dict[str, object]:
        """What the store records about the plan beside its figures: id, names, region, period, citation."""
        return {"plan_id": self.id, "name_zh": self.name_zh, "name_en": self.name_en, "region": self.region,
                "start_year": self.start_year, "end_year": self.end_year, "citation": self.citation}

    def cite(self, section: str) -> str:
        """Source line for one figure: the plan's title and the section."""
        return f"{self.citation}，{section}"

    def baseline_frame(self) -> pd.DataFrame:
        """Baseline figures as observations in the store's long form."""
        rows = [
            {"adcode": self.region, "indicator": b.indicator, "year": b.year, "value": b.value,
             "period": b.period, "qualifier": b.qualifier, "note": b.quote, "source": self.cite(b.section)}
            for b in self.baseline
        ]
        return pd.DataFrame(rows)

    def target_frame(self) -> pd.DataFrame:
        """Targets in the store's long form."""
        rows = [
            {"plan_id": self.id, "adcode": self.region, "indicator": t.indicator, "year": t.year, "value": t.value,
             "value_max": t.value_max, "kind": t.kind, "comparator": t.comparator, "section": t.section,
             "quote": t.quote, "source": self.cite(t.section)}
            for t in self.target
        ]
        return pd.DataFrame(rows)


def load_plans(directory: Path = PLANS_DIR) -> list[Plan]:
    """Every plan file in a folder, oldest first."""
    return sorted((Plan.load(p) for p in directory.glob("*.toml")), key=lambda p: p.start_year)
