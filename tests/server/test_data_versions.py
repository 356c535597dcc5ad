"""A link to data version N keeps showing version N after newer data is published: every page reads one snapshot.

The store is seeded (versions 1-4), then one newer dataset is published (version 5) that changes 城关区's 2020
population, adds a 2021 population and a 2024 patent count for it, restates 白银市's 2020 population, and
gives the province a 2020 PCT figure that meets the plan's target. Each page at version=4 must still show the
figures of version 4, and at the newest version the new ones, so the test fails if a page reads "the newest" on
its own.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from layers.core.catalogue import Catalogue
from layers.store.sqlite import DatasetMeta

OLD = 4
CHENGGUAN = "620102"  # 城关区, Lanzhou
BAIYIN, BAIYIN_POP = "620400", 1_600_000  # a member of the 兰白 zone, and a newer figure of its 2020 residents
LANBAI_OLD, LANBAI_NEW = 4_359_446 + 1_512_110, 4_359_446 + BAIYIN_POP  # the zone's residents: 兰州 + 白银
OLD_POP, NEW_POP, POP_2021 = 1_484_016, 2_345_678, 2_400_000
HTML = {"Accept": "text/html"}


def shown(text: str, n: int) -> bool:
    """Whether a page shows a number, written with or without thousands separators."""
    return f"{n:,}" in text or str(n) in text


@pytest.fixture
def versions(client: TestClient, catalogue: Catalogue) -> Iterator[TestClient]:
    """The seeded app (data version 4) plus one newer dataset, published as version 5."""
    atlas = client.app.state.atlas  # type: ignore[attr-defined]
    assert atlas.version() == OLD
    unit = {i: catalogue.get(i).unit for i in ("population", "patent_applications", "pct_applications")}
    rows = pd.DataFrame([
        {"adcode": CHENGGUAN, "indicator": "population", "year": 2020, "value": float(NEW_POP)},
        {"adcode": CHENGGUAN, "indicator": "population", "year": 2021, "value": float(POP_2021)},
        {"adcode": CHENGGUAN, "indicator": "patent_applications", "year": 2024, "value": 77_777.0},
        {"adcode": BAIYIN, "indicator": "population", "year": 2020, "value": float(BAIYIN_POP)},
        {"adcode": "620000", "indicator": "pct_applications", "year": 2020, "value": 150.0},
    ]).assign(unit=lambda d: d.indicator.map(unit), source="a newer report")
    atlas.store.add_dataset(DatasetMeta(name="newer", kind="upload", source="a newer report"), rows)
    assert atlas.version() == OLD + 1
    yield client


def csv_rows(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_map_and_embed_show_the_version_asked_for(versions: TestClient) -> None:
    for path in ("/map", "/embed"):
        old = versions.get(f"{path}?level=county&year=2020&version={OLD}", headers=HTML).text
        new = versions.get(f"{path}?level=county&year=2020", headers=HTML).text
        assert shown(old, OLD_POP) and not shown(old, NEW_POP), path
        assert shown(new, NEW_POP) and not shown(new, OLD_POP), path


def test_csv_export_ranking_and_per_10k_use_the_version_asked_for(versions: TestClient) -> None:
    old = csv_rows(versions.get(f"/export.csv?level=county&indicator=population&version={OLD}").content)
    mine = next(r for r in old if r["adcode"] == CHENGGUAN)
    assert float(mine["数值 2020"]) == OLD_POP
    # The ranking's latest year, its base year and the per-10k denominators: all version 4's.
    old = csv_rows(versions.get(f"/export.csv?level=county&indicator=patent_applications&version={OLD}").content)
    new = csv_rows(versions.get("/export.csv?level=county&indicator=patent_applications").content)
    assert "数值 2023" in old[0] and "数值 2022" in old[0] and "数值 2024" not in old[0]
    # At version 5 a real county figure exists, so the made-up county series leaves the real view: one year left.
    assert "数值 2024" in new[0] and "数值 2023" not in new[0]
    mine = next(r for r in old if r["adcode"] == CHENGGUAN)
    assert float(mine["每万人"]) == pytest.approx(float(mine["数值 2023"]) / OLD_POP * 10_000, rel=1e-3)


def test_ranking_beside_the_map_keeps_its_version(versions: TestClient) -> None:
    old = versions.get(f"/map?level=county&indicator=population&version={OLD}&lang=en", headers=HTML).text
    ranking = old[old.index('class="ranking'):]
    assert shown(ranking, OLD_POP) and not shown(ranking, NEW_POP)
    assert 'name="version" value="4"' in old  # the picker keeps the version when the view changes


def test_briefing_key_figures_are_judged_on_the_version_asked_for(versions: TestClient) -> None:
    old = versions.get(f"/briefing?level=county&indicator=population&version={OLD}&lang=en", headers=HTML).text
    new = versions.get("/briefing?level=county&indicator=population&lang=en", headers=HTML).text
    assert "Not met as of 2018" in old and "Not met as of 2018" not in new  # PCT: 39 in 2018, then 150 in 2020
    assert shown(old, OLD_POP) and not shown(old, NEW_POP)
    pdf_old = versions.get(f"/briefing.pdf?level=county&indicator=population&version={OLD}")
    pdf_new = versions.get("/briefing.pdf?level=county&indicator=population")
    assert pdf_old.status_code == pdf_new.status_code == 200 and pdf_old.content != pdf_new.content


def test_timeline_slider_holds_only_the_version_asked_for(versions: TestClient) -> None:
    def data(url: str) -> dict[str, object]:
        page = versions.get(url, headers=HTML).text
        found = re.search(r'<script type="application/json" id="ipmap-timeline-data">(.*?)</script>', page, re.S)
        assert found, url
        return json.loads(found.group(1))  # type: ignore[no-any-return]

    # version 4 has population for 2020 only: its timeline is the choice of indicators with several years,
    # each link keeping the version
    old = versions.get(f"/timeline?level=county&indicator=population&version={OLD}", headers=HTML).text
    assert "常住人口只有 2020 年的数据" in old and "ipmap-timeline-data" not in old
    assert f'/timeline?level=county&amp;indicator=patent_applications&amp;version={OLD}' in old
    new = data("/timeline?level=county&indicator=population")
    assert new["years"] == [2020, 2021] and new["values"][CHENGGUAN] == [NEW_POP, POP_2021]  # type: ignore[index]


def test_region_series_and_region_page_keep_their_version(versions: TestClient) -> None:
    old = versions.get(f"/api/regions/{CHENGGUAN}/series?indicator=population&version={OLD}").json()
    new = versions.get(f"/api/regions/{CHENGGUAN}/series?indicator=population").json()
    assert (old["years"], old["values"]) == ([2020], [OLD_POP])
    assert (new["years"], new["values"]) == ([2020, 2021], [NEW_POP, POP_2021])
    page = versions.get(f"/regions/{CHENGGUAN}?version={OLD}", headers=HTML).text
    assert shown(page, OLD_POP) and not shown(page, NEW_POP) and not shown(page, POP_2021)
    assert f"series.svg?indicator=patent_applications&amp;version={OLD}" in page  # its charts show version 4 too
    detail = versions.get(f"/api/regions/{CHENGGUAN}?version={OLD}").json()
    assert [v["value"] for v in detail["values"] if v["indicator"] == "population"] == [OLD_POP]


def test_zone_page_and_json_keep_their_version(versions: TestClient) -> None:
    old = versions.get(f"/zones/lanbai?version={OLD}", headers=HTML).text
    new = versions.get("/zones/lanbai", headers=HTML).text
    # The zone against the rest of the province: its residents are 兰州's and 白银's as each version has them.
    assert shown(old, LANBAI_OLD) and not shown(old, LANBAI_NEW)
    assert shown(new, LANBAI_NEW) and not shown(new, LANBAI_OLD)
    assert versions.get(f"/api/zones/lanbai?version={OLD}").json() != versions.get("/api/zones/lanbai").json()


def test_values_and_indicators_api_keep_their_version(versions: TestClient) -> None:
    old = versions.get(f"/api/values?level=county&indicator=population&version={OLD}").json()
    assert old["data_version"] == OLD
    assert next(v for v in old["values"] if v["adcode"] == CHENGGUAN)["value"] == OLD_POP
    years = {i["id"]: i["years"] for i in versions.get(f"/api/indicators?version={OLD}").json()}
    assert years["population"]["county"] == [2020]
    assert versions.get("/api/indicators").json()[0]["years"]["county"] == [2020, 2021]


def test_a_version_that_does_not_exist_is_a_404_naming_the_range(versions: TestClient) -> None:
    r = versions.get("/map?level=county&version=99", headers=HTML)
    assert r.status_code == 404 and "1-5" in r.text


def test_datasets_link_to_the_version_that_published_them(versions: TestClient) -> None:
    listed = versions.get("/api/datasets").json()
    assert [(d["id"], d["version"], d["map"]) for d in listed][-1] == (5, 5, "/map?version=5")
