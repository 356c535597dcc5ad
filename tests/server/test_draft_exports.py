"""Files drawn from a draft preview say so on their face (a band and a mark across the map), so a leaked file
cannot pass for published (published files: tests/server/test_exports.py checks they carry no mark)."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from pypdf import PdfReader

from tests.server.test_workspace import client  # noqa: F401 - fixture

MARK = "草稿 · 未发布 DRAFT · not published"
PREFECTURES = "地区,指标,年份,数值\n兰州市,专利授权量,2023,4321\n天水市,专利授权量,2023,1000\n".encode()
VIEW = "level=prefecture&indicator=patent_grants&year=2023"
ADMIN = {"Authorization": "Bearer test-token"}


def test_draft_exports_carry_the_mark(client: TestClient) -> None:  # noqa: F811
    draft = client.post("/api/datasets", files={"file": ("t.csv", PREFECTURES)}, data={"source": "草稿测试"},
                        headers=ADMIN).json()["dataset_id"]
    svg = client.get(f"/export.svg?{VIEW}&width=600&height=400&style=choropleth&draft={draft}", headers=ADMIN)
    assert svg.status_code == 200 and svg.headers["x-draft-preview"] == str(draft)
    assert svg.text.count(MARK) >= 2  # the band and the mark across the map (matplotlib names each text it draws)
    pages = PdfReader(io.BytesIO(client.get(f"/briefing.pdf?{VIEW}&draft={draft}", headers=ADMIN).content)).pages
    assert all("DRAFT · not published" in p.extract_text().replace("\n", "") for p in pages)  # both pages
    assert "草稿" in pages[0].extract_text()
