"""Exports and the briefing laid out by measured text: no two texts overlap, none leaves the paper or its margins,
and the key sits beside or below the map, never on the province."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from layers.core.view import MapView
from layers.pages.atlas import Atlas
from layers.pages.briefing import key_figures
from layers.pages.exports import export_data
from layers.pages.maps import ranking_for
from layers.render.briefing_pdf import briefing_figures, margin_px
from layers.render.image import ExportOptions, figure, map_axes, projected
from layers.render.textfit import texts
from layers.stats.snapshot import Snapshot
from tests.conftest import newest

VIEWS = [  # the reported case (footer lines over each other; 2022 its latest real year), English, tall, smallest
    (MapView(level="prefecture", indicator="invention_patents_per_10k", year=2022), 1200, 900),
    (MapView(level="county", indicator="patent_applications", lang="en"), 800, 600),
    (MapView(level="prefecture", indicator="invention_patents_per_10k_progress", year=2020, lang="en", demo=True),
     700, 1000),
    (MapView(level="prefecture", indicator="patent_applications"), 320, 240),
]


def snapshot(atlas: Atlas, view: MapView) -> Snapshot:
    """The data a request for the view reads (the demonstration when it asks for it)."""
    return atlas.snapshot(atlas.version(), view.demo)


def text_boxes(fig: Figure) -> list[tuple[str, Bbox]]:
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    return [(t.get_text(), t.get_window_extent(renderer)) for t in texts(fig)]


def overlapping(boxes: list[tuple[str, Bbox]]) -> list[tuple[str, str]]:
    return [(a[:30], b[:30]) for i, (a, ba) in enumerate(boxes) for b, bb in boxes[i + 1:] if ba.overlaps(bb)]


def outside(boxes: list[tuple[str, Bbox]], x0: float, y0: float, x1: float, y1: float) -> list[str]:
    return [s[:30] for s, b in boxes if b.x0 < x0 - 0.5 or b.y0 < y0 - 0.5 or b.x1 > x1 + 0.5 or b.y1 > y1 + 0.5]


@pytest.mark.parametrize(("view", "width", "height"), VIEWS, ids=["pref-per10k-2023", "county-en", "tall-en", "320"])
def test_export_text_never_overlaps_or_leaves_the_paper(atlas: Atlas, view: MapView, width: int,
                                                        height: int) -> None:
    data = export_data(atlas, snapshot(atlas, view), view)
    fig = figure(data, ExportOptions(width=width, height=height, scale=1))
    boxes = text_boxes(fig)
    assert len(boxes) >= 10  # title, legend entries, footer lines
    assert overlapping(boxes) == []
    assert outside(boxes, 0, 0, width, height) == []
    key = fig.legends[0].get_window_extent()
    ax = map_axes(fig)
    assert not key.overlaps(ax.get_window_extent())  # the key is beside or below the map
    points = projected(data.frame).geometry.representative_point()
    assert not any(key.contains(*ax.transData.transform((p.x, p.y))) for p in points)


def test_long_footer_lines_are_wrapped_not_cut(atlas: Atlas) -> None:
    data = export_data(atlas, newest(atlas), VIEWS[0][0])
    fig = figure(data, ExportOptions(width=600, height=450, scale=1))
    below = map_axes(fig).get_position().y0
    footer = [t.get_text() for t in fig.texts if t.get_position()[1] < below]
    note = next(n for n in data.notes if n.startswith("市州比率"))
    assert note not in footer  # too long for one line: it runs on over lines of its own, all of it there
    assert note.replace(" ", "") in "".join(footer).replace(" ", "")


def test_briefing_stays_inside_its_margins(atlas: Atlas) -> None:
    view = MapView(level="county", indicator="patent_applications", lang="en")
    snap = newest(atlas)
    rv, _, rows = ranking_for(atlas, snap, view)
    pages = briefing_figures(export_data(atlas, snap, view), rows, key_figures(snap, "en"), "Gansu IP Map · Briefing",
                             "Value")
    assert len(pages) == 2
    twelve_mm = 12 / 25.4 * pages[0].dpi
    assert margin_px() >= twelve_mm
    for fig in pages:
        boxes = text_boxes(fig)
        W, H = fig.bbox.width, fig.bbox.height
        assert outside(boxes, twelve_mm, twelve_mm, W - twelve_mm, H - twelve_mm) == []
        assert overlapping(boxes) == []
    names = [s for s, _ in text_boxes(pages[1])]
    longest = max(rows["name_en"], key=len)
    assert longest.split()[0] in " ".join(names)  # wrapped if it must be, never cut
