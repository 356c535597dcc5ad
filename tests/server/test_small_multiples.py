"""Small multiples: /export.pdf|png|svg?...&years=2016-2023 draws one small map per year on one page, classified
once over all those years' values, with one legend."""

from __future__ import annotations

import io

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from pypdf import PdfReader

from layers.core.view import MapView
from layers.pages.multiples import multiples_data
from layers.render.image import ExportOptions
from layers.render.legend import class_labels
from layers.render.multiples import figure
from layers.stats.classify import classify

VIEW = "level=prefecture&indicator=patent_applications"
YEARS = list(range(2016, 2024))


def pooled_values(client: TestClient, years: list[int]) -> np.ndarray:
    vals = [row["value"] for y in years
            for row in client.get(f"/api/values?{VIEW}&year={y}").json()["values"] if row["value"] is not None]
    return np.asarray(vals, dtype=float)


def test_one_legend_whose_classes_are_computed_over_every_year(client: TestClient) -> None:
    r = client.get(f"/export.pdf?{VIEW}&years=2016-2023")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert "2016-2023" in r.headers["content-disposition"]
    pages = PdfReader(io.BytesIO(r.content)).pages
    assert len(pages) == 1
    text = pages[0].extract_text()
    pooled = classify(pooled_values(client, YEARS), "quantiles", 5)
    assert pooled is not None
    labels = class_labels(pooled)
    for label in labels:
        assert text.count(label) == 1, (label, text[-400:])  # drawn once: one legend for all panels
    alone = class_labels(classify(pooled_values(client, [2023]), "quantiles", 5))  # type: ignore[arg-type]
    assert alone != labels and not all(text.count(lab) for lab in alone)  # not one year's own classes
    for year in YEARS:
        assert text.count(str(year)) >= 1
    assert "各年份采用同一分级" in text and "来源" in text


def test_every_panel_is_painted_from_the_same_classes(atlas: object) -> None:
    from layers.pages.atlas import Atlas
    from tests.conftest import newest

    at: Atlas = atlas  # type: ignore[assignment]
    data = multiples_data(at, newest(at), MapView(level="county", indicator="patent_applications"),
                          "2016-2023")
    assert [p.year for p in data.panels] == YEARS
    assert data.classes is not None
    every = np.concatenate([p.frame["value"].to_numpy(dtype=float) for p in data.panels])
    assert data.classes == classify(every, "quantiles", 5)
    for panel in data.panels:
        has = panel.frame["value"].notna()
        idx = data.classes.assign(panel.frame.loc[has, "value"].to_numpy())
        assert list(panel.frame.loc[has, "fill"]) == [data.fills[i] for i in idx]
    fig = figure(data, ExportOptions(width=1200, height=900))
    assert sorted(ax.get_label() for ax in fig.axes) == [f"year-{y}" for y in YEARS]
    assert len(fig.legends) == 1 and not [ax for ax in fig.axes if ax.get_legend() is not None]
    missing = any(p.frame["value"].isna().any() for p in data.panels)
    assert len(fig.legends[0].get_texts()) == data.classes.k + missing  # the classes, and no data if any


def test_png_and_svg_small_multiples(client: TestClient) -> None:
    r = client.get(f"/export.png?{VIEW}&years=2016-2019&width=1000&height=700&scale=1")
    assert r.status_code == 200 and Image.open(io.BytesIO(r.content)).size == (1000, 700)
    r = client.get(f"/export.svg?{VIEW}&years=2016-2019&lang=en")
    assert r.status_code == 200 and r.content.lstrip().startswith(b"<?xml")


def test_real_and_illustrative_years_never_share_the_classes(client: TestClient) -> None:
    """With the demonstration on, 兰州市's valid invention patents are made-up sums until 2021 and published in
    2022 (where other prefectures stay made up): a range over both is refused, naming each year's kind; the real
    years alone draw."""
    q = "level=prefecture&indicator=valid_invention_patents&demo=true"
    r = client.get(f"/export.png?{q}&years=2016-2022&scale=1")
    assert r.status_code == 404 and "years" in r.text and "illustrative" in r.text and "2016: illustrative" in r.text
    ok = client.get("/export.png?level=prefecture&indicator=valid_invention_patents&years=2021-2024&scale=1")
    assert ok.status_code == 200


@pytest.mark.parametrize("query", ["years=2016-2023&x=1", "years=2030-2031", "years=2023-2016", "years=20xx"])
def test_bad_ranges_are_refused_by_name(client: TestClient, query: str) -> None:
    fmt = "csv" if query.endswith("x=1") else "png"
    r = client.get(f"/export.{fmt}?{VIEW}&{query.replace('&x=1', '')}")
    assert r.status_code in (404, 422) and "years" in r.text
