"""The words around a map as escaped HTML: title, definition and legend above it; sources and publishing line below."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from layers.core.catalogue import Indicator
from layers.core.fmt import decimals_for, esc, number
from layers.core.i18n import t
from layers.core.sources import source_line_html, sources_href
from layers.render.palettes import NO_DATA_SWATCH
from layers.stats.classify import Classes

MAX_NAMED_MISSING = 6


def class_labels(classes: Classes) -> list[str]:
    """'low – high' per class (or the value alone for a one-value class), as the live legend and exports show."""
    d = decimals_for([abs(b) for b in classes.bins])

    def n(v: float) -> str:
        return number(v, d).replace("-", "−")  # a real minus sign: '−340 – −107' reads as a range

    return [n(high) if low == high else f"{n(low)} – {n(high)}" for low, high in classes.ranges()]


def centre_label(indicator: Indicator, lang: str) -> str:
    """What the centre of a diverging map means: '100 = 按规划进度' or '0 = 零增长'."""
    assert indicator.centre is not None
    meaning = t("centre_zero", lang) if indicator.centre == 0 else t("on_track", lang)
    return f"{number(indicator.centre)} = {meaning}"


def legend_html(classes: Classes | None, fills: list[str], indicator: Indicator, lang: str,
                missing: list[str], illustrative: bool) -> str:
    """Legend: the unit, one swatch per class 'low – high', the centre, then no data (named when few, else counted)."""
    unit = indicator.unit_en if lang == "en" else indicator.unit
    rows = [f'<div class="ipmap-legend-title">{esc(t("unit_label", lang))}{esc(t("colon", lang))}'
            f'<span class="ipmap-unit">{esc(unit)}</span></div>']
    if classes is not None:
        for label, fill in zip(class_labels(classes), fills, strict=True):
            rows.append(f'<div class="ipmap-legend-row"><i style="background:{esc(fill)}"></i>{esc(label)}</div>')
        if indicator.centre is not None:
            rows.append(f'<div class="ipmap-legend-centre">{esc(centre_label(indicator, lang))}</div>')
    if missing:
        named = "、".join(missing) if len(missing) <= MAX_NAMED_MISSING else str(len(missing))
        rows.append(
            f'<div class="ipmap-legend-row ipmap-legend-nodata"><i class="ipmap-nodata" '
            f'style="background:{NO_DATA_SWATCH}"></i>{esc(t("no_data", lang))} ({esc(named)})</div>'
        )
    if illustrative:
        rows.append(f'<div class="ipmap-illustrative">⚠ {esc(t("illustrative", lang))}</div>')
    return "".join(rows)


def subtitle(indicator: Indicator, lang: str) -> str:
    """The indicator's definition in a sentence, for under the title."""
    return indicator.description_en if lang == "en" else indicator.description_zh


def boundary_line_html(lang: str, approval: str = "", today: date | None = None) -> str:
    """'边界：高德地图行政区划（简化）· 坐标 WGS84 · 示意图，非标准地图 · 生成日期 …', linked to /sources."""
    today = today or date.today()
    status = t("approval_no", lang, number=approval) if approval.strip() else t("schematic_map", lang)
    href = sources_href(lang, "boundaries")
    return (f'{esc(t("boundaries", lang))}{esc(t("colon", lang))}<a href="{esc(href)}" target="_blank" '
            f'rel="noopener">{esc(t("boundary_source", lang))}</a> · {esc(t("datum_short", lang))} · '
            f'<span class="ipmap-approval">{esc(status)}</span>'
            f' <span class="ipmap-date">· {esc(t("generated", lang))} {today.isoformat()}</span>')


def notes_html(notes: list[str], lang: str) -> str:
    """Notes (兰州新区, how values are computed) folded under one summary."""
    if not notes:
        return ""
    body = "".join(f"<p>{esc(n)}</p>" for n in notes)
    return f'<details class="ipmap-note"><summary>{esc(t("notes", lang))}</summary>{body}</details>'


def caption(title: str, indicator: Indicator, lang: str, classes: Classes | None, fills: list[str],
            missing: list[str], sources: Iterable[object], illustrative: bool, notes: list[str],
            zone_key: str = "", approval: str = "", today: date | None = None) -> dict[str, str]:
    """Every piece of text a map's figure shows, escaped: placed by the page templates above and below the map."""
    return {
        "title": esc(title),
        "subtitle": esc(subtitle(indicator, lang)),
        "flag": f'<p class="ipmap-illustrative">⚠ {esc(t("illustrative", lang))}</p>' if illustrative else "",
        "watermark": esc(t("illustrative", lang)) if illustrative else "",
        "legend": legend_html(classes, fills, indicator, lang, missing, False),
        "zones": zone_key,
        "sources": source_line_html(sources, lang, illustrative),
        "boundaries": boundary_line_html(lang, approval, today),
        "notes": notes_html(notes, lang),
    }
