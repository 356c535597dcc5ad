"""A planner's upload, seen in the real browser: the new value shows in the county's map tooltip."""

from __future__ import annotations

import httpx
import pytest

from geo.boundaries import BoundarySet

pytestmark = pytest.mark.browser

SUBEI = "620923"  # 肃北蒙古族自治县: large enough to hover at the initial zoom
POINT_ON_PAGE = """([lat, lng]) => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const p = map.latLngToContainerPoint([lat, lng]);
  const box = map.getContainer().getBoundingClientRect();
  return [box.x + p.x, box.y + p.y];
}"""


def test_uploaded_value_appears_in_tooltip(live_server: str, desktop, boundaries: BoundarySet) -> None:  # noqa: ANN001
    csv = "地区,指标,年份,数值\n肃北县,专利授权量,2023,\"4,321\"\n".encode("gbk")
    r = httpx.post(f"{live_server}/api/datasets", files={"file": ("subei.csv", csv)},
                   data={"source": "肃北县市场监管局 2023 年报（测试）", "publish": "true"},
                   headers={"Authorization": "Bearer live-token"}, timeout=30)
    assert r.status_code == 200, r.text
    version = r.json()["dataset_id"]
    units = boundaries.units("county", 3)
    point = units[units.adcode == SUBEI].geometry.iloc[0].representative_point()

    page = desktop.page
    page.goto(f"{live_server}/map?level=county&indicator=patent_grants&year=2023")
    page.wait_for_selector("path.leaflet-interactive")
    x, y = page.evaluate(POINT_ON_PAGE, [point.y, point.x])
    page.mouse.move(x, y)
    tip = page.wait_for_selector(".leaflet-tooltip").inner_text()
    assert "肃北蒙古族自治县" in tip and "4,321 件" in tip and "肃北县市场监管局 2023 年报（测试）" in tip
    assert "示意数据" not in tip  # a real upload is not flagged
    # and from now on the made-up county grants stay out of the real view: nothing on the map is illustrative
    assert "示意数据" not in page.locator(".ipmap-fighead").inner_text()
    desktop.shot("upload-tooltip")
    # the version before the upload still draws the illustrative figure
    page.goto(f"{live_server}/map?level=county&indicator=patent_grants&year=2023&version={version - 1}")
    page.wait_for_selector("path.leaflet-interactive")
    page.mouse.move(*page.evaluate(POINT_ON_PAGE, [point.y, point.x]))
    old = page.wait_for_selector(".leaflet-tooltip").inner_text()
    assert "肃北蒙古族自治县" in old and "4,321" not in old and "示意数据" in old
    assert desktop.outside() == [] and desktop.errors == []
