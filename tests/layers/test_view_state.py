"""Every field of a view survives the trip through its URL: a planner can send the exact view."""

from __future__ import annotations

from typing import get_args
from urllib.parse import parse_qsl

from layers.core.view import MapView

# A value other than the default for each kind of field.
SAMPLES = {"level": "prefecture", "indicator": "patent_grants", "year": 2019, "scheme": "natural_breaks", "k": 7,
           "lang": "en", "lod": 1, "base_year": 2016, "indicator2": "patent_applications", "region": "620102",
           "zones_year": 2018, "within": "620100", "style": "symbols"}  # later fields: a generic value below


def _non_default(name: str, field) -> object:  # noqa: ANN001
    if name in SAMPLES:
        return SAMPLES[name]
    ann = field.annotation
    if ann is bool or bool in get_args(ann):
        return not field.default
    if int in get_args(ann) or ann is int:
        return 3
    return "x"


def test_every_field_round_trips_through_the_query() -> None:
    values = {name: _non_default(name, f) for name, f in MapView.model_fields.items()}
    view = MapView.model_validate(values)
    back = MapView.model_validate(dict(parse_qsl(view.query())))
    assert back == view
    for name in MapView.model_fields:
        assert getattr(back, name) != getattr(MapView(), name), name  # each one really was carried


def test_default_view_has_a_short_link() -> None:
    assert MapView().query() == "level=county"
    assert MapView.model_validate(dict(parse_qsl(MapView(region="620102").query()))).region == "620102"
