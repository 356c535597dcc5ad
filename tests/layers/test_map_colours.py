"""Colour that means what it says: diverging around 100 for progress and 0 for growth, dark at both extremes."""

from __future__ import annotations

import colorsys

import numpy as np

from layers.core.view import MapView
from layers.pages import frames
from layers.pages.atlas import Atlas
from layers.render.choropleth import classify_frame
from layers.render.palettes import NO_DATA_FILL, diverging_colours, side_shades
from tests.conftest import newest


def lightness(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hls(r, g, b)[1]


def painted(atlas: Atlas, view: MapView):  # noqa: ANN201
    rv, frame = frames.frame(atlas, atlas.snapshot(atlas.version(), view.demo), view)
    return classify_frame(frame, view.scheme, view.k, centre=rv.indicator.centre)


def test_ahead_of_plan_is_drawn_strong_not_pale(atlas: Atlas) -> None:
    frame, classes, fills = painted(atlas, MapView(level="county", indicator="invention_patents_per_10k_progress",
                                                   year=2020, demo=True))
    assert classes is not None and classes.centre == 100
    ahead = frame[frame["value"] >= 100]
    assert len(ahead) >= 10  # the demonstration data has counties ahead of plan
    palest = max(fills, key=lightness)
    assert not (ahead["fill"] == palest).any()
    assert all(lightness(f) < 0.45 for f in ahead["fill"])  # saturated, far from the neutral middle
    behind = frame[frame["value"] < 100]
    assert set(ahead["fill"]).isdisjoint(behind["fill"])


def test_growth_diverges_around_zero(atlas: Atlas) -> None:
    frame, classes, fills = painted(atlas, MapView(level="county", indicator="patent_applications_growth",
                                                   year=2023))
    assert classes is not None and classes.centre == 0 and 0 in classes.bins
    falls, rises = frame[frame["value"] < 0], frame[frame["value"] >= 0]
    assert len(falls) and len(rises) and set(falls["fill"]).isdisjoint(rises["fill"])

    def orange(c: str) -> bool:  # PuOr: falls in oranges/browns (red above blue), rises in purples
        return int(c[1:3], 16) > int(c[5:7], 16)

    assert all(orange(c) for c in falls["fill"]) and not any(orange(c) for c in rises["fill"])
    view = MapView(level="county", indicator="patent_applications_growth", year=2023)
    legend = frames.render_map(atlas, newest(atlas), view)["caption"]["legend"]
    assert "0 = 零增长" in legend


def test_sequential_ramps_stay_sequential(atlas: Atlas) -> None:
    frame, classes, fills = painted(atlas, MapView(level="county", indicator="population"))
    assert classes is not None and classes.centre is None
    assert [lightness(f) for f in fills] == sorted((lightness(f) for f in fills), reverse=True)  # light to dark
    assert NO_DATA_FILL not in fills


def test_the_outermost_class_of_each_side_is_its_darkest() -> None:
    for n_below in range(0, 6):
        for n_above in range(0, 6):
            if not n_below + n_above:
                continue
            fills = diverging_colours(n_below, n_above)
            light = [lightness(f) for f in fills]
            assert len(set(fills)) == len(fills)
            if n_below:
                assert light[0] == min(light[:n_below])  # the lowest class is the darkest below
                assert np.all(np.diff(light[:n_below]) > 0)  # lighter towards the centre
            if n_above:
                assert light[-1] == min(light[n_below:])
                assert np.all(np.diff(light[n_below:]) < 0)
    assert side_shades(1) == [3] and side_shades(5) == [0, 1, 2, 3, 4]
