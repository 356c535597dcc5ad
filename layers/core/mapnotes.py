"""Notes printed on a map: how derived values are computed and how 兰州新区 enters the denominators."""

from __future__ import annotations

from layers.core.catalogue import Catalogue, Indicator
from layers.core.fmt import number
from layers.core.i18n import t


def inputs_of(indicator: Indicator, catalogue: Catalogue) -> set[str]:
    """Every indicator a value is computed from, all the way down (population for a per-10k progress)."""
    direct = [indicator.numerator, indicator.denominator, indicator.base] if indicator.derive else []
    out: set[str] = set()
    for i in direct:
        if i and i not in out:
            out |= {i} | inputs_of(catalogue.get(i), catalogue)
    return out


def map_notes(indicator: Indicator, level: str, catalogue: Catalogue, lang: str) -> list[str]:
    """The notes for a map of one indicator at one level, already in the view's language."""
    def name(i: str | None) -> str:
        ind = catalogue.get(i or "")
        return ind.name_en if lang == "en" else ind.name_zh

    notes = []
    uses_population = indicator.id == "population" or "population" in inputs_of(indicator, catalogue)
    if level == "county" and uses_population:
        notes.append(t("lanzhou_new_area_note", lang))
    if level == "prefecture" and uses_population and indicator.id != "population":
        notes.append(t("lanzhou_rate_note", lang))
    if indicator.derive == "ratio":
        notes.append(t("derived_ratio_note", lang, numerator=name(indicator.numerator),
                       denominator=name(indicator.denominator), scale=number(indicator.scale)))
    elif indicator.derive:
        notes.append(t(f"derived_{indicator.derive}_note", lang, base=name(indicator.base)))
    if level == "prefecture" and (indicator.additive or indicator.derive):
        notes.append(t("derived_sum_note", lang))
    return notes
