"""The bad-input corpus (tests/data/bad/cases.toml) and bad requests against the upload: each is refused with a
clear 4xx and a report, and the store stays byte for byte what it was."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from server.app import create_app
from server.settings import Settings

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
CASES = tomllib.loads((BAD / "cases.toml").read_text(encoding="utf-8"))["case"]
AUTH = {"Authorization": "Bearer test-token"}
SOURCE = {"source": "甘肃省知识产权局 2023 年统计（测试）", "dry_run": "false"}
GOOD = "地区,指标,年份,数值\r\n兰州市,专利授权量,2023,\"5,120\"\r\n白银市,专利授权量,2023,640\r\n".encode()
REPORT_KEYS = {"row", "column", "problem", "suggestion"}


def fingerprint(db: Path) -> str:
    """The SQLite file and its write-ahead log, byte for byte."""
    h = hashlib.sha256()
    for p in (db, db.with_name(db.name + "-wal")):
        h.update(p.read_bytes() if p.exists() else b"-")
    return h.hexdigest()


@pytest.fixture(scope="module")
def app_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Path]]:
    """One app for the whole corpus; each case checks the store is unchanged, so they cannot leak into each other."""
    db = tmp_path_factory.mktemp("bad") / "app.sqlite"
    settings = Settings(database=db, token="test-token", _env_file=None)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as c:
        c.get("/api/datasets")
        yield c, db


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zip bombs too big to commit, built by the corpus script."""
    out = tmp_path_factory.mktemp("bombs")
    subprocess.run([sys.executable, str(BAD / "make_corpus.py"), "--bombs", str(out)], check=True, timeout=120)
    return out


def assert_refused(r: object, status: int, db: Path, before: str) -> dict[str, object]:
    """The status, a readable detail, a report in the documented shape, and an untouched store."""
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    assert r.headers["content-type"] == "application/json"  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert isinstance(body["detail"], str) and body["detail"]
    report = body.get("report") or []
    for line in report:
        assert set(line) >= REPORT_KEYS and isinstance(line["problem"], str) and 0 < len(line["problem"]) < 400
    assert fingerprint(db) == before
    return body  # type: ignore[no-any-return]


def test_corpus_is_big_and_every_file_is_listed() -> None:
    files = {p.name for p in BAD.iterdir() if p.suffix != ".py" and p.name != "cases.toml"}
    listed = [c["file"] for c in CASES]
    assert len(listed) == len(set(listed)) >= 30
    assert files == {c["file"] for c in CASES if not c.get("built")}
    assert all(p.stat().st_size < 200_000 for p in BAD.iterdir())  # small files only; big ones are built


def test_corpus_script_reproduces_the_committed_files(tmp_path: Path) -> None:
    """The committed bytes are what make_corpus.py writes, so the script stays the truth about them."""
    code = (f"import runpy, pathlib; m = runpy.run_path({str(BAD / 'make_corpus.py')!r}); "
            f"out = pathlib.Path({str(tmp_path)!r})\n"
            "for n, f in m['corpus']().items():\n"
            "    d = f(); (out / n).write_bytes(d.encode() if isinstance(d, str) else d)")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    for case in CASES:
        if not case.get("built"):
            assert (tmp_path / case["file"]).read_bytes() == (BAD / case["file"]).read_bytes(), case["file"]


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_bad_file_is_refused_with_a_report(app_db: tuple[TestClient, Path], built: Path, case: dict) -> None:
    client, db = app_db
    path = (built if case.get("built") else BAD) / case["file"]
    before = fingerprint(db)
    r = client.post("/api/datasets", files={"file": (case["file"], path.read_bytes())}, data=SOURCE, headers=AUTH)
    report = assert_refused(r, case["status"], db, before)["report"]
    errors = [line for line in report if line.get("severity", "error") == "error"]
    assert errors, report
    assert set(case["codes"]) <= {line["code"] for line in report}, (case["why"], report)
    if "rows" in case:
        assert set(case["rows"]) <= {line["row"] for line in errors}, report
    if "column" in case:
        assert any(line["column"] == case["column"] for line in errors), report


BAD_REQUESTS = [
    # id, request arguments, status, a report column or detail word expected
    ("no-token", {"headers": {}}, 401, "token"),
    ("wrong-token", {"headers": {"Authorization": "Bearer nope"}}, 401, "token"),
    ("empty-bearer", {"headers": {"Authorization": "Bearer "}}, 401, "token"),
    ("basic-auth", {"headers": {"Authorization": "Basic dGVzdC10b2tlbg=="}}, 401, "token"),
    ("token-in-query", {"headers": {}, "params": {"token": "test-token"}}, 401, "token"),
    ("token-in-form", {"headers": {}, "data": SOURCE | {"token": "test-token"}}, 401, "token"),
    ("no-file-field", {"files": None, "data": SOURCE}, 422, "file"),
    ("json-body", {"files": None, "json": {"file": "地区,数值"}}, 422, "file"),
    ("raw-csv-body", {"files": None, "content": GOOD, "headers": AUTH | {"Content-Type": "text/csv"}}, 422, "file"),
    ("multipart-without-boundary", {"files": None, "content": GOOD,
                                    "headers": AUTH | {"Content-Type": "multipart/form-data"}}, 400, "multipart"),
    ("dry-run-maybe", {"data": SOURCE | {"dry_run": "maybe"}}, 422, "dry_run"),
    ("level-town", {"data": SOURCE | {"level": "town"}}, 422, "level"),
    ("level-sql", {"params": {"level": "county' OR '1'='1"}}, 422, "level"),
    ("year-text", {"data": SOURCE | {"year": "二〇二三"}}, 422, "year"),
    ("lang-xx", {"data": SOURCE | {"lang": "xx"}}, 422, "lang"),
    ("source-missing", {"data": {"dry_run": "false"}}, 422, "source"),
    ("source-markup", {"data": SOURCE | {"source": "<img src=x onerror=alert(1)>"}}, 422, "source"),
    ("source-script", {"data": SOURCE | {"source": "统计</script><script>alert(1)</script>"}}, 422, "source"),
    ("source-formula", {"data": SOURCE | {"source": "=cmd|' /C calc'!A0"}}, 422, "source"),
    ("source-too-long", {"data": SOURCE | {"source": "统" * 10_000}}, 422, "source"),
    ("name-markup", {"data": SOURCE | {"name": "<b>dataset</b>"}}, 422, "name"),
    ("name-bidi", {"data": SOURCE | {"name": "2023 数据\u202e"}}, 422, "name"),
    ("source-control-character", {"data": SOURCE | {"source": "统计\x07局"}}, 422, "source"),
    ("publish-maybe", {"data": SOURCE | {"publish": "maybe"}}, 422, "publish"),
    # The client's file name passes the same checks (it becomes the dataset's name when none is given).
    ("file-name-markup", {"files": {"file": ("<svg onload=alert(1)>.csv", GOOD)}}, 422, "file_name"),
    ("file-name-formula", {"files": {"file": ("=1+1.csv", GOOD)}}, 422, "file_name"),
    ("file-name-right-to-left-override", {"files": {"file": ("统计\u202evsc.exe", GOOD)}}, 422, "file_name"),
    ("file-name-isolate", {"files": {"file": ("\u2067统计\u2069.csv", GOOD)}}, 422, "file_name"),
    ("file-name-4kb", {"files": {"file": ("a" * 4096 + ".csv", GOOD)}}, 422, "file_name"),
    ("file-name-256", {"files": {"file": ("统" * 252 + ".csv", GOOD)}}, 422, "file_name"),
    ("over-the-size-limit", {"files": {"file": ("big.csv", GOOD + b"9" * 5_100_000)}}, 413, "bytes"),
]


@pytest.mark.parametrize(("kwargs", "status", "word"), [r[1:] for r in BAD_REQUESTS], ids=[r[0] for r in BAD_REQUESTS])
def test_bad_request_is_refused(app_db: tuple[TestClient, Path], kwargs: dict, status: int, word: str) -> None:
    client, db = app_db
    before = fingerprint(db)
    args = {"files": {"file": ("good.csv", GOOD)}, "data": SOURCE, "headers": AUTH} | kwargs
    args = {k: v for k, v in args.items() if v is not None}
    body = assert_refused(client.post("/api/datasets", **args), status, db, before)
    columns = {line["column"] for line in body.get("report") or []}
    assert word in columns or word in body["detail"].lower(), body


def test_the_good_file_itself_is_accepted(app_db: tuple[TestClient, Path]) -> None:
    """Control: the file the bad requests carry is fine, so each refusal above is the request's fault."""
    client, _ = app_db
    r = client.post("/api/datasets", files={"file": ("good.csv", GOOD)}, data=SOURCE | {"dry_run": "true"},
                    headers=AUTH)
    assert r.status_code == 200 and r.json()["rows"] == 2


def test_client_paths_in_file_names_are_not_kept(app_db: tuple[TestClient, Path]) -> None:
    """A client may send C:\\Users\\...\\x.csv or ../../x.csv as the file name: only the name is stored and shown."""
    client, _ = app_db
    for sent in ("C:\\Users\\张三\\Desktop\\统计.csv", "../../../etc/统计.csv"):
        r = client.post("/api/datasets", files={"file": (sent, GOOD)}, data=SOURCE | {"publish": "true"},
                        headers=AUTH)
        assert r.status_code == 200
        listed = client.get("/api/datasets").json()[-1]
        assert listed["file_name"] == "统计.csv" and listed["name"] == "统计.csv"


def test_template_syntax_is_ordinary_text(app_db: tuple[TestClient, Path]) -> None:
    """{{ }}, {% %} and {# #} are text a planner may type (来源 {# 表3): accepted and kept literally everywhere the
    upload stores text; showing it safely is the renderer's job."""
    client, _ = app_db
    data = ("地区,指标,年份,数值,来源,备注\r\n"
            "城关区,专利授权量,2023,7,来源 {# 表3,{{ 7*7 }} {%raw%}\r\n").encode()
    fields = {"source": "来源 {# 表3", "name": "{% raw %}名称 {{ cycler }}", "dry_run": "false"}
    r = client.post("/api/datasets", files={"file": ("表 {{ 1 }}.csv", data)}, data=fields, headers=AUTH)
    assert r.status_code == 200, r.text
    # a draft: its owner reads it with the token, the public gets a 404
    assert client.get(f"/api/datasets/{r.json()['dataset_id']}").status_code == 404
    meta = client.get(f"/api/datasets/{r.json()['dataset_id']}", headers=AUTH).json()
    assert (meta["source"], meta["name"], meta["uploader"], meta["file_name"]) == (
        "来源 {# 表3", "{% raw %}名称 {{ cycler }}", "IPMAP_TOKEN", "表 {{ 1 }}.csv")
    (obs,) = meta["observations"]
    assert (obs["source"], obs["note"], obs["value"]) == ("来源 {# 表3", "{{ 7*7 }} {%raw%}", 7)


def test_bidi_controls_in_a_text_column_are_reported_with_their_code_points(app_db: tuple[TestClient, Path]) -> None:
    client, db = app_db
    before = fingerprint(db)
    data = "地区,指标,年份,数值,备注\r\n兰州市,专利授权量,2023,1,见附表\u202e3\r\n".encode()
    r = client.post("/api/datasets", files={"file": ("good.csv", data)}, data=SOURCE, headers=AUTH)
    (line,) = assert_refused(r, 422, db, before)["report"]
    assert (line["row"], line["column"], line["code"]) == (2, "备注", "control")
    assert "见附表U+202E3" in line["problem"] and "\u202e" not in line["problem"]
