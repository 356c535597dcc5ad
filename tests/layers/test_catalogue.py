"""The indicator catalogue: every name a file may use means one quantity; parts name their whole."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from layers.core.catalogue import Catalogue
from layers.importing.layout import header_key


def test_every_name_and_alias_means_one_indicator(catalogue: Catalogue) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for ind in catalogue.indicators.values():
        for name in (ind.id, ind.name_zh, ind.name_en, *ind.aliases):
            owners[header_key(name)[0]].add(ind.id)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


@pytest.mark.parametrize(("ind_id", "name", "whole"), [
    ("invention_patent_applications", "发明专利申请量", "patent_applications"),
    ("invention_patent_grants", "发明专利授权量", "patent_grants"),
    ("utility_model_applications", "实用新型专利申请量", "patent_applications"),
    ("utility_model_grants", "实用新型专利授权量", "patent_grants"),
    ("design_applications", "外观设计专利申请量", "patent_applications"),
    ("design_grants", "外观设计专利授权量", "patent_grants"),
])
def test_patents_by_kind_are_additive_parts_of_their_whole(catalogue: Catalogue, ind_id: str, name: str,
                                                           whole: str) -> None:
    ind = catalogue.get(ind_id)
    assert ind.name_zh == name and ind.unit == "件" and ind.additive and ind.upload and ind.derive is None
    assert ind.part_of == whole


def test_the_14th_plan_headline_is_an_uploaded_rate(catalogue: Catalogue) -> None:
    hv = catalogue.get("high_value_invention_patents_per_10k")
    assert hv.name_zh == "每万人口高价值发明专利拥有量" and hv.unit == "件/万人"
    assert hv.kind == "rate" and not hv.additive  # never summed over regions
    assert hv.derive is None and hv.upload  # published figures are loaded as given, not computed from the census
    assert hv.id != "invention_patents_per_10k"


def test_invention_grant_growth_is_computed_from_invention_grants(catalogue: Catalogue) -> None:
    g = catalogue.get("invention_patent_grants_growth")
    assert g.derive == "growth" and g.base == "invention_patent_grants"


def test_a_part_of_another_kind_is_refused_at_load(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[[indicator]]\nid = "a"\nname_zh = "甲"\nname_en = "A"\nunit = "件"\nunit_en = "x"\n'
                    'kind = "count"\n\n[[indicator]]\nid = "b"\nname_zh = "乙"\nname_en = "B"\nunit = "%"\n'
                    'unit_en = "%"\nkind = "rate"\npart_of = "a"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="part_of 'a'"):
        Catalogue.load(path)
