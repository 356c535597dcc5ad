"""Classification edge cases: few distinct values, all equal, missing values, each scheme."""

from __future__ import annotations

import numpy as np
import pytest

from layers.stats.classify import classify

VALUES = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 50, 100.0])


@pytest.mark.parametrize("scheme", ["quantiles", "natural_breaks", "equal_interval"])
def test_each_scheme_gives_k_ascending_classes_covering_all(scheme: str) -> None:
    c = classify(VALUES, scheme, 4)
    assert c is not None and c.k == 4
    assert list(c.bins) == sorted(c.bins) and c.bins[-1] == 100
    idx = c.assign(VALUES)
    assert idx.min() == 0 and idx.max() == 3


def test_equal_interval_breaks() -> None:
    c = classify(np.array([0, 10, 20, 30.0]), "equal_interval", 3)
    assert c is not None and c.bins == (10.0, 20.0, 30.0)
    assert list(c.assign(np.array([0, 10, 11, 30.0]))) == [0, 0, 1, 2]


def test_fewer_distinct_values_than_classes_degrades_to_one_class_each() -> None:
    c = classify(np.array([5, 5, 7, 7, 7.0]), "quantiles", 5)
    assert c is not None and c.bins == (5.0, 7.0)
    assert list(c.assign(np.array([5, 7.0]))) == [0, 1]


def test_all_equal_values_make_one_class() -> None:
    c = classify(np.array([3, 3, 3.0]), "natural_breaks", 5)
    assert c is not None and c.k == 1 and c.ranges() == [(3.0, 3.0)]


def test_missing_values_are_not_classified() -> None:
    c = classify(np.array([np.nan, 1, 2, 3, 4, 5, 6.0]), "quantiles", 3)
    assert c is not None
    assert c.assign(np.array([np.nan]))[0] == -1


def test_no_values_at_all() -> None:
    assert classify(np.array([np.nan, np.nan]), "quantiles", 5) is None


def test_user_breaks() -> None:
    c = classify(VALUES, "user", breaks=[5, 20])
    assert c is not None and c.bins == (5.0, 20.0, 100.0)


def test_k_is_clamped() -> None:
    c = classify(np.arange(100.0), "quantiles", 50)
    assert c is not None and c.k == 9
