"""Inline SVG locator maps for region pages: paths projected once, each page a string join; no script needed."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry

from layers.core.fmt import esc

WIDTH = 1000.0  # projected width of the province, in SVG user units
MARGIN = 0.12
ASPECT = 1.5  # width / height of every frame; the page gives the SVG the same aspect ratio


Projection = Callable[[float, float], tuple[float, float]]


def _ring(coords: Iterable[tuple[float, float]], project: Projection) -> str:
    pts = [project(x, y) for x, y in coords]
    return "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in pts) + "Z"


def path_data(geom: BaseGeometry, project: Projection) -> str:
    """SVG path data of a (multi)polygon, holes included (drawn with fill-rule evenodd)."""
    polys = getattr(geom, "geoms", [geom])
    return "".join(_ring(p.exterior.coords, project) + "".join(_ring(r.coords, project) for r in p.interiors)
                   for p in polys if not p.is_empty)


@dataclass(frozen=True)
class SvgLocator:
    """The province's county and prefecture paths in one equirectangular projection, built at start-up."""

    counties: dict[str, str]
    prefectures: dict[str, str]
    boxes: dict[str, tuple[float, float, float, float]]  # projected bounds of every unit
    parent: dict[str, str]
    names: dict[str, tuple[str, str]]
    outline: str

    @classmethod
    def build(cls, counties: gpd.GeoDataFrame, prefectures: gpd.GeoDataFrame) -> SvgLocator:
        """Project the coarse boundaries (x scaled by cos of the mid latitude) to a 1000-unit-wide frame."""
        minx, miny, maxx, maxy = counties.total_bounds
        k = math.cos(math.radians((miny + maxy) / 2))
        scale = WIDTH / ((maxx - minx) * k)

        def project(x: float, y: float) -> tuple[float, float]:
            return (x - minx) * k * scale, (maxy - y) * scale

        def box(g: BaseGeometry) -> tuple[float, float, float, float]:
            x0, y0, x1, y1 = g.bounds
            (a, b), (c, d) = project(x0, y1), project(x1, y0)
            return a, b, c, d

        boxes = {a: box(g) for a, g in zip(prefectures.adcode, prefectures.geometry, strict=True)}
        boxes |= {a: box(g) for a, g in zip(counties.adcode, counties.geometry, strict=True)}
        whole = shapely.coverage_union_all(counties.geometry.values)
        boxes["620000"] = box(whole)
        names = {a: (z, e) for a, z, e in zip(counties.adcode, counties.name_zh, counties.name_en, strict=True)}
        return cls({a: path_data(g, project) for a, g in zip(counties.adcode, counties.geometry, strict=True)},
                   {a: path_data(g, project) for a, g in zip(prefectures.adcode, prefectures.geometry, strict=True)},
                   boxes, dict(zip(counties.adcode, counties.parent, strict=True)), names, path_data(whole, project))

    def frame(self, adcode: str) -> tuple[int, int, int, int]:
        """A 3:2 frame around a unit with a margin for context: x, y, width, height."""
        x0, y0, x1, y1 = self.boxes[adcode]
        h = max(x1 - x0, 60.0) / ASPECT
        h = max(h, y1 - y0, 40.0) * (1 + 2 * MARGIN)
        w = h * ASPECT
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        return round(cx - w / 2), round(cy - h / 2), round(w), round(h)

    def view_box(self, adcode: str) -> str:
        """The SVG viewBox of frame()."""
        return " ".join(str(v) for v in self.frame(adcode))

    def _visible(self, adcode: str, focus: str) -> bool:
        x, y, w, h = self.frame(focus)
        x0, y0, x1, y1 = self.boxes[adcode]
        return x0 <= x + w and x1 >= x and y0 <= y + h and y1 >= y

    def render(self, highlight: set[str], focus: str, title: str, lang: str, lang_q: str = "") -> str:
        """The locator: counties (linked to their pages, out of the tab order), the highlighted ones in orange.

        A group, not an image: an image role may not hold links (axe: nested-interactive).
        """
        parts = []
        for a, d in self.counties.items():
            if not self._visible(a, focus):
                continue
            zh, en = self.names[a]
            lit = " lit" if a in highlight else ""
            parts.append(f'<a href="/regions/{a}{lang_q}" tabindex="-1"><path class="county{lit}" d="{d}">'
                         f"<title>{esc(en if lang == 'en' else zh)}</title></path></a>")
        prefs = "".join(f'<path d="{d}"/>' for a, d in self.prefectures.items() if self._visible(a, focus))
        return (f'<svg class="locator" viewBox="{self.view_box(focus)}" role="group" aria-label="{esc(title)}" '
                f'preserveAspectRatio="xMidYMid meet"><title>{esc(title)}</title>'
                f'<g fill-rule="evenodd">{"".join(parts)}</g><g class="prefectures">{prefs}</g>'
                f'<path class="province" d="{self.outline}"/></svg>')

    def inset(self, highlight: set[str], focus: str) -> str:
        """A small whole-province map marking the highlighted units and the frame of the main map."""
        lit = "".join(f'<path class="county lit" d="{self.counties[a]}"/>' for a in highlight if a in self.counties)
        x, y, w, h = self.frame(focus)
        frame = f'<rect class="frame" x="{x}" y="{y}" width="{w}" height="{h}"/>' if focus != "620000" else ""
        return (f'<svg class="locator-inset" viewBox="{self.view_box("620000")}" aria-hidden="true">'
                f'<path class="province-fill" d="{self.outline}"/>{lit}{frame}</svg>')


# What a draft changes, by region: colour-blind-safe and told apart from the no-data grey (PRGn ends, an orange).
CHANGE_FILLS = {"added": "#1b7837", "changed": "#e08214", "removed": "#762a83", "mixed": "#2166ac"}


def change_map(locator: SvgLocator, kinds: dict[str, str], tips: dict[str, str], title: str) -> str:
    """The whole province with each unit a draft adds, changes or removes values of filled by that kind (a
    prefecture under its counties), every other county blank; a hover title per unit. Static: no script, no link."""
    def unit(adcode: str, d: str) -> str:
        if adcode not in kinds:
            return f'<path d="{d}" fill="none"/>'
        return (f'<path class="changed" d="{d}" fill="{CHANGE_FILLS[kinds[adcode]]}" data-adcode="{adcode}">'
                f"<title>{esc(tips.get(adcode, adcode))}</title></path>")

    prefs = "".join(unit(a, d) for a, d in locator.prefectures.items() if a in kinds)
    counties = "".join(unit(a, d) for a, d in locator.counties.items())
    outlines = "".join(f'<path d="{d}"/>' for d in locator.prefectures.values())
    return (f'<svg class="change-map" viewBox="{locator.view_box("620000")}" role="img" aria-label="{esc(title)}" '
            f'preserveAspectRatio="xMidYMid meet"><title>{esc(title)}</title>'
            f'<path class="province-fill" d="{locator.outline}"/><g class="units" fill-rule="evenodd">{prefs}'
            f'{counties}</g><g class="prefectures">{outlines}</g><path class="province" d="{locator.outline}"/></svg>')
