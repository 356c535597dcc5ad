"""The indicator catalogue: what each indicator means, its unit and kind, read from data/indicators.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from layers.errors import UnknownParameterError

DEFAULT_CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "indicators.toml"
Kind = Literal["count", "rate", "amount", "share", "score"]


class Indicator(BaseModel):
    """One indicator; `kind` decides whether regions may be summed (count, amount) or not (rates)."""

    id: str
    name_zh: str
    name_en: str
    unit: str
    unit_en: str
    kind: Kind
    description_zh: str = ""
    description_en: str = ""
    period_total: bool = False
    numerator: str | None = None
    denominator: str | None = None

    @property
    def additive(self) -> bool:
        """Counts and amounts add up across regions; rates, shares and scores do not."""
        return self.kind in ("count", "amount")


class Catalogue(BaseModel):
    """All indicators by id."""

    indicators: dict[str, Indicator]

    @classmethod
    def load(cls, path: Path = DEFAULT_CATALOGUE) -> Catalogue:
        """Read the TOML catalogue."""
        with open(path, "rb") as f:
            raw = tomllib.load(f)
        return cls(indicators={i["id"]: Indicator(**i) for i in raw["indicator"]})

    def get(self, indicator_id: str) -> Indicator:
        """The indicator, or an error naming the allowed ids."""
        try:
            return self.indicators[indicator_id]
        except KeyError:
            raise UnknownParameterError("indicator", indicator_id, sorted(self.indicators)) from None
