"""The public browsing pages as data: the zone list, a zone, a region and search; one call per page."""

from __future__ import annotations

from typing import Any

from geo.simplify import lod_by_id
from layers.core.errors import NotFoundError
from layers.core.i18n import t
from layers.core.zones import PROVINCE, ZONE_TYPES, Zone, ZoneBook, drawable, member_counties
from layers.pages.atlas import Atlas
from layers.pages.rows import records
from layers.render.choropleth import rounded
from layers.render.locator import build_locator, focus_bounds, name_tips
from layers.render.zone_layer import build_overlay, relation_label
from layers.stats.profiles import latest_values, rank_table, region_values, region_zones, zone_members
from layers.stats.search import Hit, search
from layers.stats.snapshot import Snapshot
from layers.stats.zone_stats import compare

LOCATOR_LOD = 3


def term_text(zone: Zone, lang: str) -> str:
    """'2017-04 – 2020-04', 'from 2018', 'as of 2018-04' or 'not stated'."""
    if zone.start and zone.end:
        return f"{zone.start} – {zone.end}"
    if zone.start:
        return t("term_from", lang, start=zone.start)
    if zone.as_of:
        return t("term_as_of", lang, date=zone.as_of)
    return t("term_none", lang)


def members_text(zone: Zone, names: dict[str, str], lang: str) -> str:
    """'兰州市、白银市', '7, names not published', 'Members unknown' or 'None in Gansu'."""
    if zone.members:
        sep = ", " if lang == "en" else "、"
        text = sep.join(names.get(a, a) for a in zone.members)
        return text + (t("partial_members", lang) if zone.partial else "")
    if zone.members_known:
        return t("members_none", lang)
    if zone.member_count is not None:
        return t("members_count_unknown", lang, n=zone.member_count)
    return t("members_unknown", lang)


def _names(atlas: Atlas, lang: str) -> dict[str, str]:
    regions = atlas.boundaries.regions.drop_duplicates("adcode")
    return dict(zip(regions.adcode, regions.name_en if lang == "en" else regions.name_zh, strict=True))


def zone_summary(zone: Zone, names: dict[str, str], lang: str, year: int | None = None) -> dict[str, Any]:
    """A zone as a row of the zone list and of the JSON API."""
    return {
        "id": zone.id, "type": zone.type, "type_label": t("zone_type_" + zone.type, lang),
        "name_zh": zone.name_zh, "name_en": zone.name_en, "name": zone.name(lang), "in_plan": zone.in_plan,
        "members": list(zone.members), "members_known": zone.members_known, "member_count": zone.count,
        "partial": zone.partial, "members_text": members_text(zone, names, lang), "start": zone.start,
        "end": zone.end, "as_of": zone.as_of, "term": term_text(zone, lang), "part_of": zone.part_of,
        "active": zone.active(year), "url": f"/zones/{zone.id}" + ("?lang=en" if lang == "en" else ""),
    }


def zones_page(atlas: Atlas, year: int | None, lang: str) -> dict[str, Any]:
    """Every zone grouped as the plan's zones and the IP designations, marked as in force in the year or not."""
    atlas.check_zones_year(year)
    names = _names(atlas, lang)
    rows = [zone_summary(z, names, lang, year) for z in atlas.zones.zones]
    order = {ty: n for n, ty in enumerate(ZONE_TYPES)}
    rows.sort(key=lambda r: order[r["type"]])
    return {"plan": [r for r in rows if r["in_plan"]], "designations": [r for r in rows if not r["in_plan"]],
            "years": atlas.zones.years(), "year": year}


def _zone_map(atlas: Atlas, zone: Zone, lang: str) -> dict[str, str] | None:
    if not drawable([zone]):
        return None

    def build() -> Any:
        lod = lod_by_id(LOCATOR_LOD)
        counties = rounded(atlas.boundaries.units("county", LOCATOR_LOD), lod.decimals)
        prefs = rounded(atlas.boundaries.units("prefecture", LOCATOR_LOD), lod.decimals)
        covered = set(member_counties(zone, atlas.units))
        book = ZoneBook(plan_source=atlas.zones.plan_source, zone=(zone,))
        overlay = build_overlay(book, None, atlas.boundaries.units("county", LOCATOR_LOD), atlas.units,
                                list(counties.adcode), lang, lod.decimals)
        extra = {a: relation_label(zone, "partial" if zone.partial else "member", lang) for a in covered}
        return build_locator(counties, prefs, covered, name_tips(counties, lang, extra), zone.name(lang), lang,
                             focus_bounds(counties[counties.adcode.isin(covered)].geometry),
                             atlas.boundaries.neighbours(), overlay)

    return atlas.render_cached(("zone", zone.id, lang), build)


def _indicator_name(atlas: Atlas, ind: str, lang: str) -> str:
    i = atlas.catalogue.indicators.get(ind)
    return ind if i is None else (i.name_en if lang == "en" else i.name_zh)


def _with_units(atlas: Atlas, rows: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Each row's unit in the page's language (the store keeps the Chinese unit; the catalogue has both)."""
    for r in rows:
        ind = atlas.catalogue.indicators.get(r["indicator"])
        r["unit_label"] = ind.unit_en if lang == "en" and ind is not None and ind.unit == r["unit"] else r["unit"]
    return rows


def zone_page(atlas: Atlas, snap: Snapshot, zone_id: str, lang: str) -> dict[str, Any]:
    """A zone: what and where it is, its members with key indicators, the sources' words, and the comparison."""
    zone = atlas.zones.get(zone_id)
    names = _names(atlas, lang)
    obs = snap.observations
    declared, counties = zone_members(zone, atlas.boundaries.regions, atlas.units)
    key_ids, key_vals = latest_values(obs, [a for a in declared.adcode if a != PROVINCE])
    county_ids, county_vals = latest_values(obs, list(counties.adcode))
    comparison = compare(zone, obs, snap.catalogue, snap.hierarchy)
    comparison["name"] = [_indicator_name(atlas, i, lang) for i in comparison.indicator]
    parent = atlas.zones.get(zone.part_of) if zone.part_of else None
    rows = _with_units(atlas, records(comparison), lang)
    key_values = _values_by_unit(_with_units(atlas, records(key_vals), lang))
    county_values = _values_by_unit(_with_units(atlas, records(county_vals), lang))
    sources = footnotes(rows, [v for unit in key_values.values() for v in unit.values()],
                        [v for unit in county_values.values() for v in unit.values()])
    return {
        "zone": zone, "summary": zone_summary(zone, names, lang), "map": _zone_map(atlas, zone, lang),
        "declared": records(declared), "counties": records(counties),
        "key_indicators": [(i, _indicator_name(atlas, i, lang)) for i in key_ids],
        "key_values": key_values,
        "county_indicators": [(i, _indicator_name(atlas, i, lang)) for i in county_ids],
        "county_values": county_values, "sources": sources,
        "comparison": [r for i, r in enumerate(rows) if i == 0 or r["indicator"] != rows[i - 1]["indicator"]],
        "comparison_earlier": [r for i, r in enumerate(rows) if i > 0 and r["indicator"] == rows[i - 1]["indicator"]],
        "parent": zone_summary(parent, names, lang) if parent else None,
        "parts": [zone_summary(z, names, lang) for z in atlas.zones.children(zone.id)],
        "basis": zone.basis_en if lang == "en" else zone.basis_zh,
        "note": zone.note_en if lang == "en" else zone.note_zh,
        "citations": [c.model_dump() for c in zone.cite],
        "figures": zone_figures(atlas, zone, lang),
    }


def zone_figures(atlas: Atlas, zone: Zone, lang: str) -> list[dict[str, Any]]:
    """Figures published for the zone as a whole, with the indicator's name in the page's language."""
    return [f.model_dump() | {"name": _indicator_name(atlas, f.indicator, lang),
                              "note": f.note_en if lang == "en" else f.note_zh} for f in zone.figure]


def footnotes(*tables: list[dict[str, Any]]) -> list[str]:
    """Number the distinct sources of some rows in order of appearance; each row gets `refs`, 1-based."""
    sources: list[str] = []
    for rows in tables:
        for r in rows:
            cited = r.get("sources") or ([r["source"]] if r.get("source") else [])
            for src in cited:
                if src not in sources:
                    sources.append(src)
            r["refs"] = [sources.index(src) + 1 for src in cited]
    return sources


def _values_by_unit(rows: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(r["adcode"], {})[r["indicator"]] = r
    return out


def _region_map(atlas: Atlas, adcode: str, level: str, name: str, lang: str) -> dict[str, str]:
    """The SVG locator and its inset: a county framed by its prefecture, a prefecture by itself."""
    units = atlas.units
    if level == "province":
        lit: set[str] = set()
        focus = PROVINCE
    elif level == "county":
        lit, focus = {adcode}, units.parent[adcode]
    else:
        lit, focus = {c for c, p in units.parent.items() if p == adcode}, adcode
    q = "?lang=en" if lang == "en" else ""
    return {"svg": atlas.locator.render(lit, focus, f"{t('location', lang)}：{name}", lang, q),
            "inset": atlas.locator.inset(lit, focus)}


def region_detail(snap: Snapshot, adcode: str) -> dict[str, Any]:
    """One region with its parent, children and every value the snapshot has for it, each with its source."""
    regions = snap.regions
    rows = regions[regions.adcode == adcode]
    if rows.empty:
        raise NotFoundError("region", adcode)
    row = rows.sort_values("level", key=lambda s: s.map({"province": 0, "prefecture": 1, "county": 2})).iloc[0]
    children = regions[(regions.parent == adcode) & (regions.adcode != adcode)]
    parent = regions[regions.adcode == row.parent].head(1)
    obs = snap.observations
    mine = obs[obs.adcode == adcode].sort_values(["indicator", "year"]).astype({"derivation": str})
    return {
        "adcode": adcode, "name_zh": row.name_zh, "name_en": row.name_en,
        "levels": sorted(set(rows.level)), "level": row.level,
        "parent": parent.iloc[0].to_dict() if len(parent) and row.parent != adcode else None,
        "children": children[["adcode", "name_zh", "name_en", "level"]].to_dict("records"),
        "values": mine.drop(columns=["adcode", "dataset_id"]).to_dict("records"),
    }


def region_page(atlas: Atlas, snap: Snapshot, adcode: str, lang: str) -> dict[str, Any]:
    """A region: where it is, its values with sources and ranks, its zones, its parent and children."""
    detail = region_detail(snap, adcode)
    regions = snap.regions
    ranks = atlas.kept(snap, ("ranks",), lambda: rank_table(snap.observations, regions))
    values = region_values(snap.observations, ranks, snap.catalogue, adcode)
    values["name"] = [_indicator_name(atlas, i, lang) for i in values.indicator]
    zones = region_zones(atlas.zones, adcode, atlas.units)
    names = _names(atlas, lang)
    local = [zone_summary(m.zone, names, lang) | {"relation": m.relation} for m in zones.local]
    years = values.groupby("indicator").year.nunique()
    newest = values.groupby("indicator").year.transform("max")
    latest = values[values.year == newest].assign(years=lambda d: d.indicator.map(years))
    table = _with_units(atlas, records(latest), lang)
    name = detail["name_en"] if lang == "en" else detail["name_zh"]
    parent = detail["parent"]
    siblings = regions[(regions.level == "county") & (regions.parent == parent["adcode"])] if (
        parent and detail["level"] == "county") else regions.head(0)
    return detail | {
        "name": name,
        "alt_name": detail["name_zh"] if lang == "en" else detail["name_en"],
        "table": table, "sources": footnotes(table), "zones": local,
        "siblings": records(siblings[["adcode", "name_zh", "name_en"]]),
        "province_wide": [zone_summary(z, names, lang) for z in zones.province_wide],
        "locator": _region_map(atlas, adcode, str(detail["level"]), str(name), lang),
        "map_level": "county" if detail["level"] == "county" else "prefecture",
        "version": snap.version,  # the charts and JSON links show the data this page shows
    }


def search_page(atlas: Atlas, query: str, lang: str, limit: int = 20) -> list[Hit]:
    """Regions and zones matching a query, best first."""
    return search(atlas.search_index, query, lang, limit)



def zone_json(atlas: Atlas, snap: Snapshot, zone_id: str, lang: str) -> dict[str, Any]:
    """A zone for the API: the summary, members and counties as references, citations and the comparison."""
    zone = atlas.zones.get(zone_id)
    declared, counties = zone_members(zone, atlas.boundaries.regions, atlas.units)
    ref = ["adcode", "name_zh", "name_en", "level"]
    comparison = compare(zone, snap.observations, snap.catalogue, snap.hierarchy)
    return zone_summary(zone, _names(atlas, lang), lang) | {
        "basis": zone.basis_en if lang == "en" else zone.basis_zh,
        "note": zone.note_en if lang == "en" else zone.note_zh, "stat_adcode": zone.stat_adcode,
        "member_units": records(declared[ref]) if len(declared) else [],
        "counties": records(counties[ref]), "citations": [c.model_dump() for c in zone.cite],
        "comparison": records(comparison), "figures": zone_figures(atlas, zone, lang),
    }


def regions_tree(atlas: Atlas) -> dict[str, Any]:
    """The province and its prefectures, each with its counties (a unit that is its own county listed once)."""
    regions = atlas.boundaries.regions
    counties = regions[regions.level == "county"]
    prefectures = []
    for p in regions[regions.level == "prefecture"].sort_values("adcode").itertuples():
        kids = counties[(counties.parent == p.adcode) & (counties.adcode != p.adcode)].sort_values("adcode")
        prefectures.append({"adcode": p.adcode, "name_zh": p.name_zh, "name_en": p.name_en,
                            "counties": records(kids[["adcode", "name_zh", "name_en"]])})
    province = regions[regions.level == "province"].iloc[0]
    return {"province": {"adcode": province.adcode, "name_zh": province.name_zh, "name_en": province.name_en},
            "prefectures": prefectures}
