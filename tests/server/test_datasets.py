"""Dataset upload and versions over HTTP: token, size limit, dry run, atomic commit, reports, derived values."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from server.app import create_app
from server.settings import Settings

DATA = Path(__file__).resolve().parents[1] / "data"
ROOT = Path(__file__).resolve().parents[2]
AUTH = {"Authorization": "Bearer test-token"}
HTML = {"Accept": "text/html"}


def fingerprint(db: Path) -> str:
    """The SQLite file and its write-ahead log, byte for byte."""
    h = hashlib.sha256()
    for p in (db, db.with_name(db.name + "-wal")):
        h.update(p.read_bytes() if p.exists() else b"-")
    return h.hexdigest()


def post(client: TestClient, fname: str, data: bytes | None = None, headers: dict[str, str] | None = None,
         **params: str) -> object:
    body = data if data is not None else (DATA / fname).read_bytes()
    return client.post("/api/datasets", params=params, files={"file": (fname, body)},
                       headers=AUTH if headers is None else headers)


@pytest.fixture
def db(client: TestClient, settings: Settings) -> Path:
    client.get("/api/datasets")  # settle the write-ahead log before fingerprints are taken
    return settings.database


def test_reads_are_public_and_list_provenance(client: TestClient) -> None:
    r = client.get("/api/datasets")
    assert r.status_code == 200
    versions = r.json()
    assert [v["id"] for v in versions] == [1, 2, 3, 4]
    ill = versions[-1]
    assert ill["illustrative"] is True and ill["file_name"] == "county-patents.csv" and ill["kind"] == "illustrative"
    assert all(v["source"] and v["created_at"] for v in versions) and not any(v["illustrative"] for v in versions[:3])
    plan = next(v for v in versions if v["kind"] == "plan")
    assert (ROOT / "data" / "plans" / plan["file_name"]).is_file()  # the file it names exists
    one = client.get("/api/datasets/1").json()
    assert one["name"].startswith("第七次全国人口普查") and one["indicators"] == ["population"]
    assert one["total"] == 88 + 13 + 1
    assert client.get("/api/datasets/99").status_code == 404


@pytest.mark.parametrize(("headers", "status"), [({}, 401), ({"Authorization": "Bearer nope"}, 401),
                                                 ({"Authorization": "Basic dGVzdC10b2tlbg=="}, 401)])
def test_writes_need_the_token(client: TestClient, db: Path, headers: dict[str, str], status: int) -> None:
    before = fingerprint(db)
    r = post(client, "bom-long.csv", headers=headers, source="x")
    assert r.status_code == status and "token" in r.json()["detail"]  # type: ignore[attr-defined]
    assert r.headers["www-authenticate"] == "Bearer"  # type: ignore[attr-defined]
    assert fingerprint(db) == before


def test_without_a_bootstrap_token_only_user_tokens_write(tmp_path: Path) -> None:
    settings = Settings(database=tmp_path / "n.sqlite", token=None, _env_file=None)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as c:
        r = post(c, "bom-long.csv", source="x")
        assert r.status_code == 401 and "token" in r.json()["detail"]  # type: ignore[attr-defined]
        r = post(c, "bom-long.csv", source="x", headers={"Authorization": "Bearer "})
        assert r.status_code == 401  # type: ignore[attr-defined]
        accounts = c.app.state.accounts  # type: ignore[attr-defined]
        accounts.add_user("wang", "uploader", "a long enough password")
        _, token = accounts.create_token("wang")
        r = post(c, "bom-long.csv", source="x", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200 and r.json()["state"] == "draft"  # type: ignore[attr-defined]
        assert c.get("/api/datasets").status_code == 200


def test_dry_run_reports_and_writes_nothing(client: TestClient, db: Path) -> None:
    before = fingerprint(db)
    r = post(client, "gbk-short-names-total.csv", dry_run="true", indicator="patent_applications")
    assert r.status_code == 200  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert body["dry_run"] is True and body["dataset_id"] is None and body["rows"] == 27
    assert [(x["row"], x["column"], x["code"]) for x in body["report"]] == [(17, "2022年", "total_mismatch")]
    assert set(body["report"][0]) >= {"row", "column", "problem", "suggestion"}
    assert body["summary"]["encoding"] == "gb18030"
    assert fingerprint(db) == before and client.get("/healthz").json()["data_version"] == 4


def test_commit_adds_a_version_the_map_shows(client: TestClient) -> None:
    r = post(client, "bom-long.csv", source="兰州市知识产权局 2023 年报", name="2023 有效发明专利",
             publish="true")
    assert r.status_code == 200, r.text  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert body["dry_run"] is False and body["dataset_id"] == 5 and body["rows"] == 3
    meta = client.get("/api/datasets/5").json()
    # the uploader is who the token belongs to: a client-supplied name is not taken
    assert meta["uploader"] == "IPMAP_TOKEN" and meta["state"] == "published"
    assert meta["file_name"] == "bom-long.csv" and meta["illustrative"] is False
    assert meta["source"] == "兰州市知识产权局 2023 年报" and meta["created_at"]
    vals = client.get("/api/values?indicator=patent_grants&level=county&year=2023").json()
    cg = next(v for v in vals["values"] if v["adcode"] == "620102")
    assert cg["value"] == 4800 and cg["illustrative"] is False and cg["source"] == "兰州市知识产权局 2023 年报"
    # real county figures now exist for patent grants: the made-up set leaves the real view in every year
    assert vals["illustrative"] is False
    assert {v["provenance"] for v in vals["values"] if v["value"] is not None} == {"published"}
    demo = client.get("/api/values?indicator=patent_grants&level=county&year=2023&demo=true").json()
    assert demo["illustrative"] is True and sum(v["provenance"] == "illustrative" for v in demo["values"]) >= 80
    page = client.get("/map?level=county&indicator=patent_grants&year=2023", headers=HTML).text
    assert "4,800" in page and "兰州市知识产权局 2023 年报" in page
    # earlier versions stay readable: version 4 still has the illustrative figure
    old = client.get("/api/values?indicator=patent_grants&level=county&year=2023&version=4").json()
    assert next(v for v in old["values"] if v["adcode"] == "620102")["illustrative"] is True
    assert client.get("/map?level=county&indicator=patent_grants&year=2023&version=4", headers=HTML).status_code == 200
    assert client.get("/api/values?indicator=patent_grants&version=9").status_code == 404


def test_derived_values_follow_an_upload(client: TestClient) -> None:
    data = "地区,指标,年份,数值\n城关区,有效发明专利量,2023,2968\n".encode("gbk")
    assert post(client, "one.csv", data, source="test", publish="true").status_code == 200  # type: ignore
    vals = client.get("/api/values?indicator=invention_patents_per_10k&level=county&year=2023").json()
    cg = next(v for v in vals["values"] if v["adcode"] == "620102")
    assert cg["value"] == pytest.approx(2968 / 1_484_016 * 10_000) and cg["illustrative"] is False
    assert "2,968" in cg["note"] and "1,484,016" in cg["note"] and "2020" in cg["note"]


@pytest.mark.parametrize(("name", "code"), [
    ("duplicate-region.csv", "duplicate"), ("negative-count.csv", "negative"), ("formula.csv", "formula"),
    ("unknown-region.csv", "unknown_region"), ("lanzhou-new-area.csv", "unknown_region"),
    ("unknown-indicator.csv", "unknown_indicator"), ("wide-indicators-formula.xlsx", "formula_no_value"),
])
def test_rejected_files_change_nothing(client: TestClient, db: Path, name: str, code: str) -> None:
    before = fingerprint(db)
    r = post(client, name, source="test")
    assert r.status_code == 422  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert body["detail"] and code in [x["code"] for x in body["report"]]
    for row in body["report"]:
        assert set(row) >= {"row", "column", "problem", "suggestion"}
        assert row["row"] is None or isinstance(row["row"], int)
    assert fingerprint(db) == before
    assert client.get("/healthz").json()["data_version"] == 4


def test_unreadable_file_is_400(client: TestClient, db: Path) -> None:
    before = fingerprint(db)
    r = post(client, "not-text.csv", source="x")
    assert r.status_code == 400 and "GBK" in r.json()["detail"]  # type: ignore[attr-defined]
    assert fingerprint(db) == before


def test_bad_parameters_and_missing_file_are_422_reports(client: TestClient) -> None:
    for params in ({"dry_run": "maybe"}, {"level": "town"}, {"year": "abc"}):
        r = post(client, "bom-long.csv", **params)
        assert r.status_code == 422, params  # type: ignore[attr-defined]
        assert r.json()["report"][0]["column"] == next(iter(params))  # type: ignore[attr-defined]
    r = client.post("/api/datasets", data={"source": "x"}, headers=AUTH)
    assert r.status_code == 422 and r.json()["report"][0]["column"] == "file"


def test_form_fields_work_like_query_parameters(client: TestClient) -> None:
    r = client.post("/api/datasets", headers=AUTH, files={"file": ("a.csv", "地区,2022\n临夏,5\n".encode())},
                    data={"dry_run": "true", "level": "prefecture", "indicator": "patent_grants"})
    assert r.status_code == 200 and r.json()["rows"] == 1 and r.json()["dataset_id"] is None


@pytest.fixture
def small_client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database=tmp_path / "s.sqlite", token="test-token", max_upload_bytes=1000,
                        _env_file=None)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as c:
        yield c


def test_too_large_is_413(small_client: TestClient, tmp_path: Path) -> None:
    small_client.get("/api/datasets")
    before = fingerprint(tmp_path / "s.sqlite")
    big = ("地区,2022\n" + "城关区,1\n" * 200_000).encode()
    r = post(small_client, "big.csv", big, source="x")
    assert r.status_code == 413  # type: ignore[attr-defined]
    just_over = ("地区,2022\n" + "城关区,1\n" * 120).encode()  # body within the multipart margin, file over the limit
    assert post(small_client, "b.csv", just_over, source="x").status_code == 413  # type: ignore[attr-defined]
    assert fingerprint(tmp_path / "s.sqlite") == before


def test_illustrative_data_is_watermarked_through_derived_maps(client: TestClient) -> None:
    vals = client.get("/api/values?indicator=patent_applications_per_10k&level=county&year=2022").json()
    assert vals["illustrative"] is True and all(v["illustrative"] for v in vals["values"])
    page = client.get("/map?level=county&indicator=patent_applications_per_10k&year=2022", headers=HTML).text
    assert page.count("示意数据，非真实统计") >= 2  # the flag under the title and the watermark over the map
    assert "县级专利数为示意数据" in page  # and the source line says which figures
    assert "兰州新区（620171）" in page  # the New Area rule on every county per-10k map
    # a real county per-10k figure exists (玉门 2016), so the made-up progress map is the demonstration's
    en = client.get("/map?level=county&indicator=invention_patents_per_10k_progress&lang=en&demo=true",
                    headers=HTML).text
    assert "Illustrative data, not real statistics" in en and "Lanzhou New Area (620171)" in en and "on track" in en


def test_derived_indicators_are_in_the_catalogue_and_mappable(client: TestClient) -> None:
    inds = {i["id"]: i for i in client.get("/api/indicators").json()}
    per = inds["patent_applications_per_10k"]
    assert per["derive"] == "ratio" and per["numerator"] == "patent_applications" and per["additive"] is False
    assert per["years"]["county"] == list(range(2016, 2024)) and "prefecture" in per["levels"]
    prog = inds["invention_patents_per_10k_progress"]
    assert prog["derive"] == "progress" and prog["centre"] == 100 and prog["upload"] is False
    assert prog["years"]["province"] == [2020]  # the cited mid-2020 2.94 against the plan; never the 2015 baseline
    for ind in ("patent_grants_share", "patent_grants_growth", "invention_patents_per_10k_progress"):
        # prefecture grants have one real figure (白银 2021), so these are the demonstration's maps
        assert client.get(f"/map?level=prefecture&indicator={ind}&demo=true", headers=HTML).status_code == 200


def test_adcode_and_name_that_disagree_get_a_report_line(client: TestClient, db: Path) -> None:
    """The commonest spreadsheet slip (a code from the row above) once answered 500: now a line naming row and
    column, what the code is, what the name says, and the code of the name."""
    before = fingerprint(db)
    data = "地区,代码,指标,年份,数值\n城关区,620102,专利授权量,2023,10\n七里河区,620102,专利授权量,2023,5\n".encode()
    r = post(client, "slip.csv", data, dry_run="true")
    assert r.status_code == 422, r.text  # type: ignore[attr-defined]
    (line,) = r.json()["report"]  # type: ignore[attr-defined]
    assert (line["row"], line["column"], line["code"]) == (3, "地区", "code_name_mismatch")
    assert line["problem"] == "代码 620102 是“城关区”，但名称写的是“七里河区”"
    assert "620103" in line["suggestion"] and "七里河区" in line["suggestion"]
    en = post(client, "slip.csv", data, dry_run="true", lang="en").json()["report"][0]  # type: ignore[attr-defined]
    assert en["problem"] == "Code 620102 is 城关区, but the name says '七里河区'" and "620103" in en["suggestion"]
    assert fingerprint(db) == before


def test_yearbook_two_level_table_dry_run_then_commit(client: TestClient, db: Path) -> None:
    """A 甘肃发展年鉴-style table (GBK, title and unit lines, 专利申请量 over 合计 / 其中：发明, 兰　州, 全省 on
    top, a note): each column lands on its indicator; 全省 is checked, never stored as the province's figure."""
    before = fingerprint(db)
    params = {"year": "2022", "level": "prefecture"}
    r = post(client, "yearbook-2022-two-level.csv", dry_run="true", **params)
    assert r.status_code == 200, r.text  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert body["rows"] == 56 and body["summary"]["header_rows"] == 2 and body["summary"]["totals_rows"] == 1
    assert sorted(body["summary"]["indicators"]) == ["invention_patent_applications", "invention_patent_grants",
                                                     "patent_applications", "patent_grants"]
    assert [(x["row"], x["column"], x["code"], x["severity"]) for x in body["report"]] == [
        (5, "专利授权量 / 其中：发明", "total_mismatch", "warning")]
    assert fingerprint(db) == before
    r = post(client, "yearbook-2022-two-level.csv", source="甘肃发展年鉴 2023 表12-8", publish="true", **params)
    assert r.status_code == 200, r.text  # type: ignore[attr-defined]
    assert r.json()["dataset_id"] == 5 and r.json()["rows"] == 56  # type: ignore[attr-defined]

    def values(indicator: str) -> dict[str, dict[str, object]]:
        vals = client.get(f"/api/values?indicator={indicator}&level=prefecture&year=2022").json()
        return {v["adcode"]: v for v in vals["values"]}

    inv_apps, inv_grants = values("invention_patent_applications"), values("invention_patent_grants")
    assert inv_apps["620100"]["value"] == 4_906 and inv_grants["620100"]["value"] == 1_652
    assert inv_grants["623000"]["value"] == 2 and inv_apps["620400"]["value"] == 302
    assert inv_grants["620100"]["provenance"] == "published"
    assert inv_grants["620100"]["source"] == "甘肃发展年鉴 2023 表12-8"
    assert values("patent_applications")["620100"]["value"] == 14_210
    assert values("patent_grants")["620100"]["value"] == 9_874
    # the province: the sum of the 14 prefectures (2,124), computed; not the 全省 line's 2,179
    prov = [v for v in client.get("/api/regions/620000").json()["values"]
            if v["indicator"] == "invention_patent_grants" and v["year"] == 2022]
    assert [(v["value"], v["derivation"] != "", v["illustrative"]) for v in prov] == [(2_124, True, False)]


def test_yearbook_xlsx_with_merged_header_cells_dry_run(client: TestClient, db: Path) -> None:
    before = fingerprint(db)
    r = post(client, "yearbook-2023-by-kind.xlsx", dry_run="true", year="2023", level="prefecture")
    assert r.status_code == 200, r.text  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert body["report"] == [] and body["rows"] == 14 * 8 and body["summary"]["sheet"] == "12-9"
    assert set(body["summary"]["indicators"]) == {
        "patent_applications", "invention_patent_applications", "utility_model_applications", "design_applications",
        "patent_grants", "invention_patent_grants", "utility_model_grants", "design_grants"}
    assert fingerprint(db) == before
