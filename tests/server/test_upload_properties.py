"""Generated uploads (hypothesis): whatever the file, its name and the options, a dry run answers 200 or a 4xx in
the documented shape, never a 5xx. Examples are capped so the suite stays fast."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.app import create_app
from server.settings import Settings
from tests.layers.importing.strategies import SHEET_TEXT, upload_files

AUTH = {"Authorization": "Bearer test-token"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db: Path = tmp_path_factory.mktemp("props") / "app.sqlite"
    with TestClient(create_app(Settings(database=db, token="test-token", _env_file=None)),  # type: ignore[call-arg]
                    raise_server_exceptions=False) as c:
        yield c


OPTIONS = st.fixed_dictionaries({}, optional={
    "level": st.sampled_from(["prefecture", "county"]), "indicator": st.sampled_from(["patent_grants", "population",
                                                                                      "nope"]),
    "year": st.sampled_from(["2023", "2016", "1900"]), "source": SHEET_TEXT, "name": SHEET_TEXT,
    "uploader": SHEET_TEXT, "lang": st.sampled_from(["zh", "en"])})
FILE_NAMES = st.one_of(st.sampled_from(["data.csv", "data.xlsx", "<svg onload=alert(1)>.csv", "=1+1.csv",
                                        "\u202egpj.csv", "来源 {# 表3.csv", "a" * 4096]),
                       st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=40))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=upload_files(), file_name=FILE_NAMES, options=OPTIONS)
def test_any_upload_gets_a_report_never_a_5xx(client: TestClient, data: bytes, file_name: str,
                                               options: dict[str, str]) -> None:
    r = client.post("/api/datasets", files={"file": (file_name, data)}, data=options | {"dry_run": "true"},
                    headers=AUTH)
    assert r.status_code in (200, 400, 422), (r.status_code, r.text[:500])
    body = r.json()
    if r.status_code == 200:
        assert body["dry_run"] is True and body["dataset_id"] is None
    else:
        assert isinstance(body["detail"], str) and body["detail"]
    for line in body.get("report") or []:
        assert {"row", "column", "problem", "suggestion", "code", "severity"} <= set(line)
