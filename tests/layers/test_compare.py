"""Compare maps share one classification; change is classed symmetrically around zero; ranking and series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from layers.core.errors import UnknownParameterError
from layers.core.fmt import number
from layers.core.view import MapView
from layers.pages import frames
from layers.pages.atlas import Atlas
from layers.pages.compare import compare
from layers.pages.maps import ranking_for
from layers.pages.series import region_series
from layers.pages.timeline import timeline
from layers.render.charts import chart_svg, sparkline_svg
from layers.render.palettes import NO_DATA_FILL
from layers.stats.change import average_annual_growth, base_year, diverging_classes, shared_classes
from tests.conftest import newest

IND = "patent_applications"


def test_shared_classes_cover_both_years_and_paint_alike(years_atlas: Atlas) -> None:
    cmp = compare(years_atlas, newest(years_atlas), MapView(indicator=IND, year=2023, base_year=2016))
    assert cmp.shared and cmp.left.classes == cmp.right.classes
    both = pd.concat([cmp.left.frame["value"], cmp.right.frame["value"]])
    assert cmp.left.classes == shared_classes([both.to_numpy()], "quantiles", 5)
    assert cmp.left.classes.lower == both.min() and cmp.left.classes.bins[-1] == both.max()
    # the same value gets the same colour on both maps
    fill_of = dict(zip(cmp.left.frame["value"], cmp.left.frame["fill"], strict=False))
    for v, f in zip(cmp.right.frame["value"], cmp.right.frame["fill"], strict=True):
        if v in fill_of:
            assert fill_of[v] == f
    # each map alone would class differently: sharing is doing something
    from layers.stats.classify import classify
    assert classify(cmp.left.frame["value"].to_numpy(), "quantiles", 5) != cmp.left.classes


def test_difference_map_is_diverging_and_centred(years_atlas: Atlas) -> None:
    cmp = compare(years_atlas, newest(years_atlas), MapView(indicator=IND, year=2023, base_year=2016))
    assert cmp.diff is not None
    d = cmp.diff.frame.set_index("adcode")
    a = cmp.left.frame.set_index("adcode")["value"]
    b = cmp.right.frame.set_index("adcode")["value"]
    assert np.allclose(d["value"].dropna(), (b - a).dropna().loc[d["value"].dropna().index])
    c = cmp.diff.classes
    assert c.k % 2 == 1 and c.lower == -c.bins[-1]
    mid = c.k // 2
    assert c.ranges()[mid][0] == -c.ranges()[mid][1]  # the middle class straddles zero symmetrically
    assert cmp.diff.fills[mid] == "#f7f7f7"  # PuOr's neutral grey


def test_a_unit_missing_a_year_has_no_change_not_zero(gappy_atlas: Atlas) -> None:
    cmp = compare(gappy_atlas, newest(gappy_atlas), MapView(indicator="pct_applications", year=2023, base_year=2016))
    assert cmp.diff is not None
    d = cmp.diff.frame.set_index("adcode")
    assert d.loc["620821", "fill"] == NO_DATA_FILL
    assert d["value"].notna().sum() == 87 - 2


def test_diverging_classes_are_symmetric() -> None:
    c = diverging_classes(np.array([-50, -10, -1, 0, 2, 5, 30, 200.0]), "quantiles", 5)
    assert c is not None and c.k == 5
    assert c.bins[:2] == tuple(-b for b in reversed(c.bins[-3:-1]))
    assert c.assign(np.array([0.0]))[0] == 2
    assert diverging_classes(np.array([np.nan]), "quantiles", 5) is None


def test_two_indicators_with_different_units_are_classed_apart(years_atlas: Atlas) -> None:
    cmp = compare(years_atlas, newest(years_atlas), MapView(indicator=IND, indicator2="population", year=2020))
    assert cmp.mode == "indicators" and not cmp.shared and cmp.diff is None
    assert cmp.left.classes != cmp.right.classes


def test_base_year_defaults_to_previous_and_is_checked(years_atlas: Atlas) -> None:
    rv = frames.resolve(years_atlas, newest(years_atlas), MapView(indicator=IND, year=2020))
    assert base_year(rv) == 2019
    with pytest.raises(UnknownParameterError) as e:
        base_year(frames.resolve(years_atlas, newest(years_atlas), MapView(indicator=IND, year=2020, base_year=1999)))
    assert e.value.param == "base_year"


def test_ranking_change_per_10k_and_share(years_atlas: Atlas) -> None:
    view = MapView(level="prefecture", indicator=IND, year=2023)
    rv, base, rows = ranking_for(years_atlas, newest(years_atlas), view)
    assert base == 2022
    row = rows.set_index("adcode").loc["620100"]
    assert row["change"] == row["value"] - row["base_value"]
    assert row["rank_change"] == row["base_rank"] - row["rank"]
    pop = newest(years_atlas).observations.query("indicator == 'population' and adcode == '620100'")["value"].iloc[0]
    assert row["per_10k"] == pytest.approx(row["value"] / pop * 10_000)
    assert rows["share"].sum() == pytest.approx(100)  # no province figure: share of the units' sum
    # rates are neither per person nor a share
    _, _, pop_rows = ranking_for(years_atlas, newest(years_atlas), MapView(level="prefecture"))
    assert pop_rows["per_10k"].isna().all() and pop_rows["share"].notna().all()


def test_timeline_classes_are_fixed_across_years(years_atlas: Atlas, gappy_atlas: Atlas) -> None:
    tl = timeline(years_atlas, newest(years_atlas), MapView(indicator=IND))
    data = tl["data"]
    assert data["years"] == list(range(2016, 2024))
    obs = newest(years_atlas).observations
    vals = obs[(obs.indicator == IND) & obs.adcode.isin(years_atlas.level_adcodes("county"))]["value"]
    assert tl["classes"].lower == vals.min() and tl["classes"].bins[-1] == vals.max()
    fills = {f for unit in data["fills"].values() for f in unit}
    assert len(fills - {NO_DATA_FILL}) == tl["classes"].k  # every class appears in some year
    gappy = timeline(gappy_atlas, newest(gappy_atlas), MapView(indicator="pct_applications"))["data"]
    assert gappy["values"]["620821"] == [None] * 8


def test_series_svg_escapes_and_draws_target(years_atlas: Atlas) -> None:
    s = region_series(newest(years_atlas), "620000", "invention_patents_per_10k")
    assert s["target"]["value"] == 3.5 and 'class="ipmap-target"' in s["svg"] and "3.5" in s["svg"]
    svg = chart_svg(pd.DataFrame({"year": [2019, 2020], "value": [1.0, 2.0]}), "<b>&x", "件")
    assert "<b>" not in svg and "&lt;b&gt;&amp;x" in svg
    assert sparkline_svg([2020], [1.0]) == ""
    assert sparkline_svg([2019, 2020], [1.0, 2.0], label='"x"').count("<polyline") == 1


def test_timeline_ranking_follows_every_year(years_atlas: Atlas) -> None:
    data = timeline(years_atlas, newest(years_atlas), MapView(indicator=IND))["data"]
    rankings = data["rankings"]
    assert [r["year"] for r in rankings] == data["years"]
    first, last = rankings[0], rankings[-1]
    assert first["base"] is None and all(row[2] is None and row[9] == "—" for row in first["rows"].values())
    assert last["base"] == data["years"][-2] and f"{last['base']}→{last['year']}" in last["help"]
    for i, year in enumerate(rankings):
        top = min(year["rows"], key=lambda code: year["rows"][code][0] or 1e9)
        values = {code: v[i] for code, v in data["values"].items() if v[i] is not None}
        assert top == max(values, key=lambda code: values[code])  # rank 1 is that year's largest value
        assert year["rows"][top][0] == 1 and year["rows"][top][7] == "1"
        assert year["rows"][top][8] == number(values[top])  # the text the page shows for that year's value
    assert rankings[0]["rows"] != rankings[-1]["rows"]


def test_average_annual_growth_is_compound_and_blank_where_it_means_nothing() -> None:
    got = average_annual_growth([100, 100, 0, 50, -10, np.nan, 100], [121, 100, 5, 0, 20, 30, 50], 2)
    assert got[0] == pytest.approx(10.0) and got[1] == 0  # +21% over two years is 10% a year, not 10.5%
    assert got[6] == pytest.approx((0.5 ** 0.5 - 1) * 100)  # halving over two years: -29.3% a year
    assert np.isnan(got[2:6]).all()  # from nothing, to nothing, across a change of sign, a missing value
    assert np.isnan(average_annual_growth([100], [121], 0)).all()
