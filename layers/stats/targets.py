"""Plan targets judged on their own terms: the same quantity, in the target's own year, from real figures only.

A leader cites the briefing's verdicts, so each verdict follows fixed rules:
- only values inside the plan's period count (plan start to the target year): a baseline is never judged, and a
  value after the horizon belongs to the next plan;
- only a single-year value of the target's own quantity counts: a multi-year total or a cumulative figure is not
  an annual level;
- illustrative values, and anything computed from them, never count;
- a value for the target year itself is judged outright; otherwise the latest value before the deadline is judged
  "as of" its year (or date, e.g. 2020-06);
- with no such value the verdict is "not assessable", with the reason.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from layers.core.catalogue import Catalogue
from layers.core.fmt import number, qualified
from layers.core.i18n import t

COMPARE = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "=": operator.eq}
CMP_TEXT = {">=": "≥", ">": "＞", "<=": "≤", "<": "＜", "=": "="}
PROGRESS_KINDS = ("level", "count", "annual_level")  # value ÷ target is a meaningful share for these
_AS_OF = re.compile(r"^(\d{4})-(\d{2})(?:-\d{2})?$")  # a period that is a date within the year: an "as of" figure
_NOTE_AS_OF = re.compile(r"\bas of (\d{4}-\d{2}(?:-\d{2})?)")  # the facts file notes such dates: "as of 2020-06"

MET, NOT_MET, NOT_ASSESSABLE = "met", "not_met", "not_assessable"


@dataclass(frozen=True)
class Verdict:
    """One target, the value it was judged on (if any), and the verdict with its reason."""

    plan_id: str
    indicator: str
    name: str
    unit: str
    target_year: int
    target: str
    target_value: float
    kind: str
    target_source: str
    verdict: str
    as_of: str | None = None  # the value's year or date when it is not a whole target-year figure
    value: float | None = None
    value_text: str = ""
    value_year: int | None = None
    value_source: str = ""
    progress: float | None = None
    reason: str = ""


def as_of_date(period: object, year: int, note: object = None) -> str | None:
    """'2020-06' for a mid-year figure of 2020 (from its period, or a note 'as of 2020-06'); None for a whole-year
    figure; '' for a multi-year total, which no annual target can be judged on."""
    text = "" if period is None or (isinstance(period, float) and math.isnan(period)) else str(period).strip()
    if text in ("", str(year)):
        found = _NOTE_AS_OF.search(note) if isinstance(note, str) else None
        return found.group(1) if found and found.group(1).startswith(str(year)) else None
    m = _AS_OF.match(text)
    return text if m and int(m.group(1)) == year else ""


def assess(target: Mapping[str, object], observations: pd.DataFrame, plan_start: int) -> tuple[str, dict[str, object]]:
    """The verdict on one target and the fields of the value it used (or the reason there was none)."""
    year = int(target["year"])  # type: ignore[call-overload]
    obs = observations[(observations.adcode == target["adcode"]) & (observations.indicator == target["indicator"])]
    in_plan = obs[(obs.year >= plan_start) & (obs.year <= year)]
    real = in_plan[~in_plan["illustrative"].astype(bool)]
    single = real[[as_of_date(p, int(y)) != "" for p, y in zip(real["period"], real["year"], strict=True)]]
    if "note" not in single:
        single = single.assign(note=None)
    if single.empty:
        if len(in_plan) and not len(real):
            return NOT_ASSESSABLE, {"reason": "reason_only_illustrative"}
        if len(real):
            return NOT_ASSESSABLE, {"reason": "reason_only_totals"}
        if len(obs[obs.year > year]):
            return NOT_ASSESSABLE, {"reason": "reason_only_after"}
        if len(obs[obs.year < plan_start]):
            return NOT_ASSESSABLE, {"reason": "reason_only_baseline"}
        return NOT_ASSESSABLE, {"reason": "reason_no_value"}
    def latest(r: dict[str, object]) -> tuple[int, bool, str]:  # a whole year comes after any date within it
        y = int(r["year"])  # type: ignore[call-overload]
        return y, as_of_date(r["period"], y, r["note"]) is None, str(as_of_date(r["period"], y, r["note"]) or "")

    last = max(single.to_dict("records"), key=latest)
    value, qualifier, last_year = float(last["value"]), str(last["qualifier"]), int(last["year"])
    as_of = as_of_date(last["period"], last_year, last["note"])
    whole_year = last_year == year and as_of is None
    fields: dict[str, object] = {"value": value, "value_year": last_year, "value_source": str(last["source"]),
                                 "value_text": qualified(value, qualifier),
                                 "as_of": None if whole_year else (as_of or str(last_year))}
    cmp = str(target["comparator"])
    goal = float(target["value"])  # type: ignore[arg-type]
    if target["kind"] in PROGRESS_KINDS and goal:
        fields["progress"] = value / goal * 100
    met = COMPARE.get(cmp, operator.ge)(value, goal)
    if qualifier == ">" and not met and cmp in (">=", ">"):
        return NOT_ASSESSABLE, fields | {"reason": "reason_more_than"}  # "more than X" below the goal: unknown
    if qualifier not in ("=", ">"):
        return NOT_ASSESSABLE, fields | {"reason": "reason_more_than"}
    return (MET if met else NOT_MET), fields


def assess_targets(observations: pd.DataFrame, targets: pd.DataFrame, catalogue: Catalogue,
                   plan_starts: Mapping[str, int], lang: str = "zh") -> list[Verdict]:
    """Every target of every plan, judged by the rules above, in each plan's own order."""
    out = []
    tg: dict[str, Any]
    for tg in targets.sort_values(["plan_id", "year"], kind="stable").to_dict("records"):  # type: ignore[assignment]
        ind = catalogue.indicators.get(str(tg["indicator"]))
        name = (ind.name_en if lang == "en" else ind.name_zh) if ind else str(tg["indicator"])
        unit = (ind.unit_en if lang == "en" else ind.unit) if ind else ""
        text = f"{CMP_TEXT.get(str(tg['comparator']), '')}{number(float(tg['value']))}"
        top = tg.get("value_max")
        if top is not None and not (isinstance(top, float) and math.isnan(top)):
            text = f"{number(float(tg['value']))}–{number(float(top))}"
        start = plan_starts.get(str(tg["plan_id"]), int(tg["year"]) - 4)
        verdict, fields = assess(tg, observations, start)
        if "reason" in fields:
            fields["reason"] = t(str(fields["reason"]), lang, start=start, year=int(tg["year"]))
        out.append(Verdict(plan_id=str(tg["plan_id"]), indicator=str(tg["indicator"]), name=name, unit=unit,
                           target_year=int(tg["year"]), target=text, target_value=float(tg["value"]),
                           kind=str(tg["kind"]), target_source=str(tg["source"]), verdict=verdict,
                           **fields))  # type: ignore[arg-type]
    return out


def verdict_text(v: Verdict, lang: str) -> str:
    """'已达到' / '未达到' / '截至2020-06未达到' / '无法评估'."""
    if v.verdict == NOT_ASSESSABLE:
        return t("not_assessable", lang)
    word = t("met" if v.verdict == MET else "not_met", lang)
    return t("as_of_verdict", lang, date=v.as_of, verdict=word) if v.as_of else word


def verdict_rows(verdicts: list[Verdict], lang: str) -> list[dict[str, object]]:
    """Plain dicts for templates and PDFs, each with its verdict text."""
    return [asdict(v) | {"status": verdict_text(v, lang)} for v in verdicts]
