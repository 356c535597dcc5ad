"""The briefing of a view, as a printable page and as an A4 PDF: map, ranking, key figures against the plan."""

from __future__ import annotations

from datetime import date
from typing import Any

from layers.core.i18n import t
from layers.core.sources import source_line_html
from layers.core.view import MapView
from layers.pages import frames
from layers.pages.atlas import Atlas
from layers.pages.exports import export_data
from layers.pages.maps import ranking_for, view_page
from layers.render.briefing_pdf import briefing_pdf
from layers.render.legend import boundary_line_html
from layers.stats.snapshot import Snapshot
from layers.stats.targets import assess_targets, verdict_rows

TOP_N = 10
BOTTOM_N = 5
SHORT_RANKING = 20  # a ranking this long or shorter is shown whole


def key_figures(snap: Snapshot, lang: str) -> list[dict[str, object]]:
    """Every plan target of the snapshot with its verdict on the snapshot's values, as rows for page and PDF."""
    return verdict_rows(assess_targets(snap.observations, snap.targets, snap.catalogue, snap.plan_starts, lang),
                        lang)


def briefing_page(atlas: Atlas, snap: Snapshot, view: MapView, base_url: str) -> dict[str, Any]:
    """The briefing's map, ranking (top and bottom of a long one), key figures and sources."""
    rv, _, table = ranking_for(atlas, snap, view)
    figures = key_figures(snap, view.lang)
    sources = sorted(set(table["source"].dropna()) | {str(f["value_source"]) for f in figures if f["value_source"]}
                     | {str(f["target_source"]) for f in figures})
    long = len(table) > SHORT_RANKING
    n = TOP_N if long else len(table)
    illustrative = bool(table["illustrative"].any())
    return view_page(atlas, snap, view, base_url) | {
        "sources_line": source_line_html(sources, view.lang, illustrative),
        "boundaries_line": boundary_line_html(view.lang, atlas.map_approval),
        "title": frames.title(rv), "top": table.head(n).to_dict("records"), "n_top": n,
        "bottom": table[table["value"].notna()].tail(BOTTOM_N).to_dict("records") if long else [],
        "figures": figures, "sources": sources,
        "illustrative": illustrative, "today": date.today().isoformat(),
    }


def briefing_file(atlas: Atlas, snap: Snapshot, view: MapView) -> bytes:
    """The briefing as an A4 PDF (page 2: the whole ranking), built once per view and data version."""
    def build() -> bytes:
        rv, _, rows = ranking_for(atlas, snap, view)
        unit = rv.indicator.unit_en if view.lang == "en" else rv.indicator.unit
        heading = f"{t('app_title', view.lang)} · {t('briefing_title', view.lang)}"
        return briefing_pdf(export_data(atlas, snap, view), rows, key_figures(snap, view.lang), heading,
                            f"{t('value', view.lang)} ({unit})")

    return atlas.memo(snap, "briefing-pdf", view, build, download=True)
