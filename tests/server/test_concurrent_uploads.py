"""Two uploads at once over HTTP: both land as separate, whole versions (or one is refused cleanly), never mixed."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient

from geo.boundaries import BoundarySet

AUTH = {"Authorization": "Bearer test-token"}


def county_file(boundaries: BoundarySet, value: int) -> bytes:
    """Patent grants 2023 for every county, all the same value: a row of the other upload would stand out."""
    units = boundaries.units("county", 3)
    rows = [f"{a},专利授权量,2023,{value}" for a in units.adcode]
    return ("行政区划代码,指标,年份,数值\r\n" + "\r\n".join(rows) + "\r\n").encode()


def test_two_uploads_at_once_land_whole(client: TestClient, boundaries: BoundarySet) -> None:
    files = {tag: county_file(boundaries, value) for tag, value in (("甲", 111), ("乙", 222))}
    barrier = threading.Barrier(len(files))
    results: dict[str, object] = {}

    def upload(tag: str) -> None:
        barrier.wait()
        results[tag] = client.post("/api/datasets", files={"file": (f"{tag}.csv", files[tag])},
                                   data={"source": f"并发测试{tag}", "level": "county", "publish": "true"},
                                   headers=AUTH)

    threads = [threading.Thread(target=upload, args=(tag,)) for tag in files]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    ids = {}
    for tag, r in results.items():
        assert r.status_code in (200, 409, 503), r.text  # type: ignore[attr-defined]  # landed, or refused cleanly
        if r.status_code == 200:  # type: ignore[attr-defined]
            ids[tag] = r.json()["dataset_id"]  # type: ignore[attr-defined]
    assert ids and len(set(ids.values())) == len(ids)
    for tag, dataset_id in ids.items():
        version = client.get(f"/api/datasets/{dataset_id}?limit=1000").json()
        rows = version["observations"]
        assert version["source"] == f"并发测试{tag}" and version["total"] == len(rows) == 87
        assert {(r["source"], r["value"]) for r in rows} == {(f"并发测试{tag}", 111.0 if tag == "甲" else 222.0)}
    newest = max(ids, key=ids.__getitem__)
    values = client.get("/api/values?indicator=patent_grants&level=county&year=2023").json()["values"]
    assert {v["source"] for v in values} == {f"并发测试{newest}"}
