"""A plan target is judged only on a real value of its own quantity from its own plan period."""

from __future__ import annotations

import pandas as pd
import pytest

from layers.core.catalogue import Catalogue
from layers.stats.targets import MET, NOT_ASSESSABLE, NOT_MET, as_of_date, assess, assess_targets, verdict_text

TARGET = {"plan_id": "p13", "adcode": "620000", "indicator": "invention_patents_per_10k", "year": 2020,
          "value": 3.5, "comparator": ">=", "kind": "level", "source": "plan §4", "value_max": None}
START = 2016


def obs(*rows: tuple[int, float, str, bool, str]) -> pd.DataFrame:
    """(year, value, period, illustrative, note) rows of the target's indicator for the province."""
    return pd.DataFrame([{"adcode": "620000", "indicator": "invention_patents_per_10k", "year": y, "value": v,
                          "period": p, "qualifier": "=", "illustrative": ill, "note": note, "source": f"src {y}"}
                         for y, v, p, ill, note in rows],
                        columns=["adcode", "indicator", "year", "value", "period", "qualifier", "illustrative",
                                 "note", "source"])


@pytest.mark.parametrize(("rows", "verdict", "value", "as_of"), [
    ([(2020, 3.6, "", False, "")], MET, 3.6, None),
    ([(2020, 3.1, "", False, "")], NOT_MET, 3.1, None),
    ([(2019, 2.5, "", False, ""), (2020, 3.5, "", False, "")], MET, 3.5, None),  # the target year wins
    ([(2020, 2.94, "", False, "as of 2020-06")], NOT_MET, 2.94, "2020-06"),  # mid-year: judged "as of"
    ([(2018, 2.2, "", False, "")], NOT_MET, 2.2, "2018"),  # latest before the deadline
    ([(2015, 1.59, "", False, "")], NOT_ASSESSABLE, None, None),  # a baseline is never judged
    ([(2015, 1.59, "", False, ""), (2023, 5.0, "", False, "")], NOT_ASSESSABLE, None, None),  # later years: no
    ([(2020, 5.0, "", True, "")], NOT_ASSESSABLE, None, None),  # illustrative: never
    ([(2020, 9.0, "2016-2020", False, "")], NOT_ASSESSABLE, None, None),  # a five-year total is not a level
    ([(2019, 2.9, "", False, ""), (2020, 5.0, "", True, "")], NOT_MET, 2.9, "2019"),  # real value, not the demo
])
def test_verdict_rules(rows: list[tuple[int, float, str, bool, str]], verdict: str, value: float | None,
                       as_of: str | None) -> None:
    got, fields = assess(TARGET, obs(*rows), START)
    assert got == verdict
    assert fields.get("value") == value and fields.get("as_of") == as_of
    if verdict == NOT_ASSESSABLE:
        assert fields["reason"].startswith("reason_")


def test_reasons_say_why() -> None:
    assert assess(TARGET, obs((2015, 1.59, "", False, "")), START)[1]["reason"] == "reason_only_baseline"
    assert assess(TARGET, obs((2023, 5.0, "", False, "")), START)[1]["reason"] == "reason_only_after"
    assert assess(TARGET, obs((2020, 5.0, "", True, "")), START)[1]["reason"] == "reason_only_illustrative"
    assert assess(TARGET, obs((2020, 9.0, "2016-2020", False, "")), START)[1]["reason"] == "reason_only_totals"
    assert assess(TARGET, obs(), START)[1]["reason"] == "reason_no_value"


def test_more_than_below_the_goal_cannot_settle_it() -> None:
    frame = obs((2020, 3.0, "", False, "")).assign(qualifier=">")
    assert assess(TARGET, frame, START)[0] == NOT_ASSESSABLE
    assert assess(TARGET, frame.assign(value=4.0), START)[0] == MET


def test_as_of_dates() -> None:
    assert as_of_date("", 2020, "as of 2020-06 (target 3.5)") == "2020-06"
    assert as_of_date(None, 2020) is None and as_of_date("2020", 2020) is None
    assert as_of_date("2011-2015", 2015) == "" and as_of_date("2020-06", 2020) == "2020-06"
    assert as_of_date("", 2022, "as of 2021-12") is None  # a date outside the year is not this year's


def test_texts_in_both_languages(catalogue: Catalogue) -> None:
    targets = pd.DataFrame([TARGET])
    [v] = assess_targets(obs((2020, 2.94, "", False, "as of 2020-06")), targets, catalogue, {"p13": START}, "zh")
    assert verdict_text(v, "zh") == "截至2020-06未达到" and v.progress == pytest.approx(84, abs=0.1)
    [v] = assess_targets(obs((2015, 1.59, "", False, "")), targets, catalogue, {"p13": START}, "en")
    assert verdict_text(v, "en") == "Not assessable" and "baseline" in v.reason and "2016-2020" in v.reason
