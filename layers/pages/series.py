"""A region's series of one indicator as a page answer: values with sources, the plan target, the chart."""

from __future__ import annotations

from layers.core.errors import NotFoundError
from layers.core.fmt import number
from layers.core.i18n import t
from layers.pages.public import region_detail
from layers.render.charts import chart_svg
from layers.stats.series import series, target_for
from layers.stats.snapshot import Snapshot


def region_series(snap: Snapshot, adcode: str, indicator: str, lang: str = "zh") -> dict[str, object]:
    """A region's series of one indicator with its sources, the plan target if any, and the chart as SVG."""
    ind = snap.catalogue.get(indicator)
    region = region_detail(snap, adcode)  # raises NotFoundError for an unknown adcode
    data = series(snap.observations, adcode, ind.id)
    if data.empty:
        raise NotFoundError(f"series of {ind.id} for region", adcode)
    target = target_for(snap.targets, adcode, ind.id)
    unit = ind.unit_en if lang == "en" else ind.unit
    name = str(region["name_en"] if lang == "en" else region["name_zh"])
    title = f"{name} · {ind.name_en if lang == 'en' else ind.name_zh}"
    label = ""
    if target:
        cmp = {">=": "≥", ">": "＞", "<=": "≤", "<": "＜"}.get(str(target["comparator"]), "")
        label = t("target_line", lang, year=target["year"], cmp=cmp, value=number(float(target["value"])))
    sources = sorted(set(data["source"]))
    illustrative = bool(data["illustrative"].any())
    footer = (f"⚠ {t('illustrative_short', lang)} · " if illustrative else "") + f"{t('source', lang)}：" + \
        "；".join(sources)
    return {
        "adcode": adcode, "indicator": ind.id, "name": name, "unit": unit,
        "years": [int(y) for y in data["year"]], "values": [float(v) for v in data["value"]],
        "provenance": list(data["provenance"]), "sources": sources, "illustrative": illustrative,
        "target": target, "svg": chart_svg(data, title, unit, target, label, height=256, footer=footer,
                                           illustrative_label=t("illustrative_short", lang)),
    }
