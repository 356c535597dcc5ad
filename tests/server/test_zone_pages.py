"""Zone, region and search pages and their JSON over HTTP: every region and zone, 404s, languages, escaping."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from server.app import create_app
from server.settings import Settings

HTML = {"Accept": "text/html"}
EXTERNAL = re.compile(r"""(?:src|href|url)\s*[=(]\s*["']?(?:https?:)?//""", re.I)


def test_every_region_has_a_page(client: TestClient) -> None:
    regions = client.get("/api/regions").json()
    assert len(regions) == 102  # province, 14 prefectures, 87 county-level units (嘉峪关 at two levels)
    for r in regions:
        page = client.get(f"/regions/{r['adcode']}", headers=HTML)
        assert page.status_code == 200, r
        assert r["name_zh"] in page.text and r["adcode"] in page.text
        assert 'class="locator"' in page.text


def test_every_zone_has_a_page(client: TestClient) -> None:
    zones = client.get("/api/zones").json()
    assert len(zones) >= 20
    for z in zones:
        page = client.get(f"/zones/{z['id']}", headers=HTML)
        assert page.status_code == 200, z["id"]
        assert z["name_zh"] in page.text
        if not z["members_known"]:
            assert "未知" in page.text or "未公布" in page.text


@pytest.mark.parametrize("url", ["/zones/lanbai?lang=en", "/regions/620982?lang=en", "/zones?lang=en",
                                 "/regions?lang=en", "/search?q=dh&lang=en"])
def test_english_pages(client: TestClient, url: str) -> None:
    r = client.get(url, headers=HTML)
    assert r.status_code == 200 and '<html lang="en">' in r.text
    assert not EXTERNAL.search(r.text)
    assert 'hreflang="zh-CN"' in r.text and ">中文<" in r.text  # the switch back


@pytest.mark.parametrize("url", ["/zones", "/zones/lanbai", "/regions", "/regions/620982", "/search?q=兰州",
                                 "/map?level=county"])
def test_chinese_first_with_search_box_and_language_switch(client: TestClient, url: str) -> None:
    r = client.get(url, headers=HTML)
    assert r.status_code == 200 and '<html lang="zh-CN">' in r.text
    assert 'action="/search"' in r.text and 'name="q"' in r.text and 'role="search"' in r.text
    assert 'hreflang="en"' in r.text and "lang=en" in r.text
    assert not EXTERNAL.search(r.text)


def test_language_switch_keeps_the_query(client: TestClient) -> None:
    r = client.get("/map?level=prefecture&zones_year=2019", headers=HTML)
    assert 'href="/map?level=prefecture&amp;zones_year=2019&amp;lang=en"' in r.text


@pytest.mark.parametrize(("url", "needle"), [("/zones/atlantis", "lanbai"), ("/regions/999999", "999999"),
                                             ("/api/zones/atlantis", "lanbai"), ("/regions/620171", "620171")])
def test_unknown_ids_are_404_naming_them(client: TestClient, url: str, needle: str) -> None:
    r = client.get(url, headers=HTML)
    assert r.status_code == 404 and needle in r.text and "Traceback" not in r.text


def test_zone_page_shows_map_members_text_and_comparison(client: TestClient) -> None:
    r = client.get("/zones/lanbai", headers=HTML)
    for county in ("城关区", "景泰县", "会宁县"):
        assert f">{county}</a>" in r.text
    assert "支持兰州市、白银市依托兰白科技创新改革试验区平台" in r.text and "五（二）3（1）" in r.text
    assert "全省其余" in r.text and "每万人" in r.text and "1,214" in r.text
    assert "武汉大学《中国国家发明专利统计分析报告》" in r.text and "第七次全国人口普查" in r.text  # sources in words
    assert "tudigong" not in r.text and "(MIT)" not in r.text
    assert "ipmap-zonekey" in r.text and "leaflet" in r.text


def test_lanzhou_new_area_is_marked_as_part_of_two_counties(client: TestClient) -> None:
    r = client.get("/zones/lanzhou-new-area", headers=HTML)
    assert "永登县" in r.text and "皋兰县" in r.text and "仅部分区域" in r.text and "288,200" in r.text
    assert "620171" in r.text


def test_region_page_has_values_sources_ranks_zones_and_links(client: TestClient) -> None:
    r = client.get("/regions/620982", headers=HTML)
    assert "185,231" in r.text and "第七次全国人口普查" in r.text and "tudigong" not in r.text
    assert "县区第 55 / 87 位" in r.text and "本市州内第 2 / 7 位" in r.text
    assert 'href="/zones/dunhuang-culture"' in r.text and 'href="/regions/620900"' in r.text
    prefecture = client.get("/regions/620900", headers=HTML)
    assert 'href="/regions/620982"' in prefecture.text and "市州第" in prefecture.text
    province = client.get("/regions/620000", headers=HTML)
    assert province.text.count('href="/regions/62') >= 14 and "《甘肃省知识产权" in province.text


def test_map_ranking_links_to_region_pages(client: TestClient) -> None:
    r = client.get("/map?level=county", headers=HTML)
    assert 'href="/regions/620982"' in r.text and 'href="/api/regions/620982"' not in r.text
    assert 'href="/regions/620982?lang=en"' in client.get("/map?level=county&lang=en", headers=HTML).text


def test_map_zone_options_are_in_the_url(client: TestClient) -> None:
    on = client.get("/map?level=county", headers=HTML).text
    off = client.get("/map?level=county&zones=false", headers=HTML).text
    assert "ipmap-zonekey" in on and "ipmap-zonekey" not in off
    assert '<option value="false" selected>' in off
    year = client.get("/map?level=county&zones_year=2021", headers=HTML).text
    assert "2021年在册" in year and '<option value="2021" selected>' in year
    assert client.get("/map?zones_year=", headers=HTML).status_code == 200
    assert client.get("/map?zones_year=1800", headers=HTML).status_code == 422


def test_zones_api(client: TestClient) -> None:
    zones = {z["id"]: z for z in client.get("/api/zones").json()}
    assert zones["dunhuang-culture"]["members"] == ["620982"]
    assert zones["hexi-corridor-culture"]["members"] == [] and zones["hexi-corridor-culture"]["members_known"] is False
    assert zones["strong-county-pilots-2018"]["member_count"] == 13
    assert zones["zhangye-ip-pilot-city"]["start"] == "2017-04" and zones["zhangye-ip-pilot-city"]["end"] == "2020-04"
    in_2021 = {z["id"]: z["active"] for z in client.get("/api/zones?year=2021").json()}
    assert in_2021["zhangye-ip-pilot-city"] is False and in_2021["gaotai-strong-county"] is True
    detail = client.get("/api/zones/linxia-halal-food").json()
    assert len(detail["counties"]) == 8 and detail["member_units"][0]["adcode"] == "622900"
    assert detail["citations"][0]["section"].startswith("五（二）3（2）")
    assert client.get("/api/zones/gannan-ecology").json()["counties"][0]["adcode"] == "623001"


def test_search_api_and_page(client: TestClient) -> None:
    for q in ("dunhuang", "dh", "敦煌", "Dunhuang", "dūnhuáng"):
        assert client.get("/api/search", params={"q": q}).json()[0]["key"] == "620982", q
    page = client.get("/search", params={"q": "dh"}, headers=HTML)
    assert 'href="/regions/620982"' in page.text and 'href="/zones/dunhuang-culture"' in page.text
    assert "没有匹配" in client.get("/search", params={"q": "zzzz"}, headers=HTML).text
    assert client.get("/search", params={"q": "x" * 101}).status_code == 422
    assert client.get("/search", headers=HTML).status_code == 200


def test_regions_list_page(client: TestClient) -> None:
    r = client.get("/regions", headers=HTML)
    assert r.text.count('href="/regions/') == 1 + 14 + 86  # 嘉峪关 once


EVIL = '<img src=x onerror="alert(1)">'


def test_zone_names_are_escaped_everywhere(tmp_path: Path) -> None:
    zones = tmp_path / "zones.toml"
    zones.write_text(
        'plan_source = "<script>alert(2)</script>"\n'
        f'[[zone]]\nid = "evil"\ntype = "reform_zone"\nname_zh = \'{EVIL}\'\nname_en = \'{EVIL}\'\n'
        'members = ["620982"]\nbasis_zh = "<b>basis</b>"\n[[zone.cite]]\nsection = "<i>s</i>"\nquote = "<u>q</u>"\n',
        encoding="utf-8")
    settings = Settings(database=tmp_path / "db.sqlite", zones=zones, _env_file=None)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as c:
        for url in ("/zones/evil", "/zones", "/regions/620982", "/map?level=county", "/search?q=img"):
            text = c.get(url, headers=HTML).text
            assert "<img src=x" not in text and "<script>alert" not in text and "<b>basis" not in text, url
            assert "<u>q" not in text and "<i>s" not in text, url
        assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in c.get("/zones/evil", headers=HTML).text
        assert c.get("/api/zones/evil").json()["name_zh"] == EVIL  # JSON carries the data as it is


def test_lanbai_shows_its_published_zone_figure(client: TestClient) -> None:
    """27.58 invention patents per 10k (2018-05, Lanzhou Daily): the zone's own figure, cited, shown as given."""
    page = client.get("/zones/lanbai", headers={"Accept": "text/html"}).text
    assert "区域公布数据" in page and "27.58" in page and "2018-05" in page and "Lanzhou Daily, 2018-05-06" in page
    api = client.get("/api/zones/lanbai").json()
    assert api["figures"][0]["value"] == 27.58 and api["figures"][0]["indicator"] == "invention_patents_per_10k"
