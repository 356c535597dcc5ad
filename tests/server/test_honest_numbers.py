"""Illustrative never mixes with real, every value says its provenance, and one denominator rule holds everywhere.

Each case is one the audit reproduced on a fresh store: an illustrative 2023 value as the base of a real 2024
change, an illustrative share of the province beside a real value, 临夏 and 甘南 summed from made-up counties and
ranked beside a real prefecture panel, and 兰州 divided by two different populations.
"""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

AUTH = {"Authorization": "Bearer test-token"}
HTML = {"Accept": "text/html"}
PANEL = {"620100": 6100, "620200": 800, "620300": 700, "620400": 995, "620500": 640, "620600": 420, "620700": 380,
         "620800": 450, "620900": 520, "621000": 390, "621100": 410, "621200": 300}  # no 临夏 622900, 甘南 623000


def values(client: TestClient, query: str) -> dict[str, dict[str, object]]:
    return {v["adcode"]: v for v in client.get(f"/api/values?{query}").json()["values"]}


def export_rows(client: TestClient, query: str) -> dict[str, dict[str, str]]:
    text = client.get(f"/export.csv?{query}").content.decode("utf-8-sig")
    return {r["adcode"]: r for r in csv.DictReader(io.StringIO(text, newline=""))}


def test_a_real_prefecture_panel_leaves_the_missing_two_without_data(client: TestClient) -> None:
    body = "地区,指标,年份,数值\r\n" + "".join(f"{a},专利授权量,2022,{v}\r\n" for a, v in PANEL.items())
    r = client.post("/api/datasets", files={"file": ("panel.csv", body.encode())},
                    data={"source": "市州统计公报 2022", "level": "prefecture", "publish": "true"}, headers=AUTH)
    assert r.status_code == 200, r.text
    real = values(client, "indicator=patent_grants&level=prefecture&year=2022")
    assert real["622900"]["value"] is None and real["623000"]["value"] is None  # not sums of made-up counties
    assert {v["provenance"] for a, v in real.items() if a in PANEL} == {"published"}
    page = client.get("/map?level=prefecture&indicator=patent_grants&year=2022", headers=HTML).text
    assert "data-watermark=" not in page and "显示示意数据" in page  # the demonstration is hidden, and can be shown
    demo = values(client, "indicator=patent_grants&level=prefecture&year=2022&demo=true")
    assert demo["622900"]["provenance"] == "computed_illustrative" and demo["620100"]["provenance"] == "published"
    shown = client.get("/map?level=prefecture&indicator=patent_grants&year=2022&demo=true", headers=HTML).text
    assert "data-watermark=" in shown  # the watermark over the map (the figure's mark, not a box on it)


def test_ranking_columns_never_mix_real_and_illustrative(client: TestClient) -> None:
    # 兰州 valid invention patents: real 7,704 (2022) and 11,561 (2024); the change is between the two real years,
    # never against an illustrative 2023 sum (the audit saw "+2,493").
    rows = export_rows(client, "level=prefecture&indicator=valid_invention_patents&year=2024")
    lanzhou = rows["620100"]
    assert float(lanzhou["数值 2022"]) == 7704 and float(lanzhou["变化"]) == 11561 - 7704
    assert lanzhou["数据类别"] == "公布数"
    assert set(rows) == {"620100"} | {a for a, r in rows.items() if r["数值 2024"] == ""}
    # 白银 grants 2021 are real: no change or share computed from illustrative numbers beside it
    baiyin = export_rows(client, "level=prefecture&indicator=patent_grants&year=2021")["620400"]
    assert float(baiyin["数值 2021"]) == 995 and baiyin["占全省 (%)"] == "" and baiyin["数据类别"] == "公布数"
    assert "变化" not in baiyin or baiyin["变化"] == ""


def test_lanzhou_has_one_denominator_everywhere(client: TestClient) -> None:
    """The ranking's per-10k column equals the per-10k indicator: 兰州's county sum over its counties' 4,071,246."""
    apps = values(client, "indicator=patent_applications&level=prefecture&year=2020")["620100"]["value"]
    per_10k = values(client, "indicator=patent_applications_per_10k&level=prefecture&year=2020")["620100"]["value"]
    assert per_10k == pytest.approx(apps / 4_071_246 * 1e4)
    ranked = export_rows(client, "level=prefecture&indicator=patent_applications&year=2020&demo=true")["620100"]
    assert float(ranked["每万人"]) == pytest.approx(per_10k, rel=1e-6)


def test_every_api_value_says_its_provenance(client: TestClient) -> None:
    pop = values(client, "indicator=population&level=county&year=2020")
    assert {v["provenance"] for v in pop.values()} == {"published"}
    made_up = values(client, "indicator=patent_applications&level=county&year=2023")
    assert {v["provenance"] for v in made_up.values() if v["value"] is not None} == {"illustrative"}
    rate = values(client, "indicator=patent_applications_per_10k&level=county&year=2023")
    assert {v["provenance"] for v in rate.values() if v["value"] is not None} == {"computed_illustrative"}


def test_series_charts_carry_provenance_and_source(client: TestClient) -> None:
    lanzhou = client.get("/api/regions/620100/series?indicator=valid_invention_patents").json()
    assert lanzhou["years"] == [2022, 2024] and set(lanzhou["provenance"]) == {"published"}  # no made-up 7 of 9
    svg = client.get("/regions/620100/series.svg?indicator=valid_invention_patents").text
    assert "Lanzhou Daily" in svg and "示意" not in svg
    county = client.get("/api/regions/620102/series?indicator=patent_applications").json()
    assert county["illustrative"] and set(county["provenance"]) == {"illustrative"}
    svg = client.get("/regions/620102/series.svg?indicator=patent_applications").text
    assert svg.count('class="ipmap-illustrative"') == len(county["years"]) and "⚠ 示意数据" in svg
