"""The indicator catalogue: what each indicator means, its unit and kind, read from data/indicators.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from geo import resources
from layers.core.errors import UnknownParameterError

DEFAULT_CATALOGUE = resources.CATALOGUE
Kind = Literal["count", "rate", "amount", "share", "score"]
Derivation = Literal["ratio", "growth", "share", "progress"]


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
    # Derived indicators are computed from others (layers/stats/measures.py), never typed in:
    # ratio = numerator / denominator * scale; growth, share, progress read `base`.
    derive: Derivation | None = None
    base: str | None = None
    scale: float = 1.0
    centre: float | None = None  # a diverging map centres its colours here ("on track")
    upload: bool = True  # False: purely computed, a planner's file may not carry it
    aliases: list[str] = []  # other names planners head their columns with (专利申请量)
    part_of: str | None = None  # the indicator this one is a part of (发明专利申请量 of 专利申请受理量)

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
        cat = cls(indicators={i["id"]: Indicator(**i) for i in raw["indicator"]})
        cat.check_inputs()
        return cat

    def check_inputs(self) -> None:
        """Every derived indicator names inputs that exist, so a typo fails at start-up, not on a map."""
        for ind in self.indicators.values():
            needed = {"ratio": (ind.numerator, ind.denominator)}.get(ind.derive or "", (ind.base,))
            if ind.derive and not all(n in self.indicators for n in needed):
                raise ValueError(f"indicator {ind.id}: inputs {needed} must be catalogue ids")
            whole = self.indicators.get(ind.part_of or "")
            if ind.part_of is not None and (whole is None or (whole.kind, whole.unit) != (ind.kind, ind.unit)):
                raise ValueError(f"indicator {ind.id}: part_of {ind.part_of!r} must be a catalogue id of the same "
                                 "kind and unit")

    def extended(self, added: list[Indicator]) -> Catalogue:
        """This catalogue with indicators an admin added (the store's catalogue_additions); ids already here keep
        their own definition, so the bundled catalogue always wins."""
        new = {i.id: i for i in added if i.id not in self.indicators}
        if not new:
            return self
        cat = Catalogue(indicators=self.indicators | new)
        cat.check_inputs()
        return cat

    def get(self, indicator_id: str) -> Indicator:
        """The indicator, or an error naming the allowed ids."""
        try:
            return self.indicators[indicator_id]
        except KeyError:
            raise UnknownParameterError("indicator", indicator_id, sorted(self.indicators)) from None
