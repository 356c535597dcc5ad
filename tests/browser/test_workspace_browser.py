"""A planner in the real browser: sign in, drop a GBK file with one bad row, read the report, fix it, commit a
draft, preview it on the map, publish, and see it signed out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from geo.boundaries import BoundarySet
from layers.store.accounts import Accounts
from layers.store.sqlite import Store
from tests.browser.conftest import watch
from tests.conftest import serve

pytestmark = pytest.mark.browser

SUBEI = "620923"
POINT_ON_PAGE = """([lat, lng]) => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const p = map.latLngToContainerPoint([lat, lng]);
  const box = map.getContainer().getBoundingClientRect();
  return [box.x + p.x, box.y + p.y];
}"""
DROP = """([bytes, name]) => {
  const dt = new DataTransfer();
  dt.items.add(new File([new Uint8Array(bytes)], name, {type: "text/csv"}));
  const zone = document.querySelector("[data-drop]");
  zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
  zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
}"""
BAD = "地区,指标,年份,数值\n肃北县,专利授权量,2023,\"7,654\"\n阿克塞县,专利授权量,2023,十二\n".encode("gbk")
GOOD = "地区,指标,年份,数值\n肃北县,专利授权量,2023,\"7,654\"\n阿克塞县,专利授权量,2023,12\n".encode("gbk")
MAP = "/map?level=county&indicator=patent_grants&year=2023"


@pytest.fixture(scope="module")
def planner_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("workspace") / "live.sqlite"
    store = Store(db)
    store.init()
    Accounts(store).add_user("li", "publisher", "a long enough password")
    with serve(db) as url:
        yield url


def tooltip(page, point) -> str:  # noqa: ANN001
    page.wait_for_selector("path.leaflet-interactive")
    page.mouse.move(*page.evaluate(POINT_ON_PAGE, [point.y, point.x]))
    return page.wait_for_selector(".leaflet-tooltip").inner_text()


def test_sign_in_upload_check_commit_preview_publish(planner_server: str, browser: Browser,
                                                     boundaries: BoundarySet, tmp_path: Path) -> None:
    units = boundaries.units("county", 3)
    point = units[units.adcode == SUBEI].geometry.iloc[0].representative_point()
    w = watch(browser)
    page = w.page
    page.goto(planner_server + "/workspace")
    assert "/login" in page.url
    page.fill("#name", "li")
    page.fill("#password", "a long enough password")
    page.click("button[type=submit]")
    page.wait_for_url("**/workspace")
    w.shot("workspace")

    page.evaluate(DROP, [list(BAD), "肃北阿克塞.csv"])
    assert page.inner_text("[data-file-name]") == "肃北阿克塞.csv"
    page.fill("input[name=source]", "酒泉市市场监管局 2023 年报（测试）")
    page.click("form.ws-upload button[type=submit]")
    page.wait_for_selector("table.ws-report")
    error = page.locator("tr.sev-error").first.inner_text()
    assert error.startswith("3") and "数值" in error and "十二" in error
    assert page.locator("form.ws-commit").count() == 0  # nothing to commit while a row is wrong
    w.shot("workspace-report")

    bad = tmp_path / "fixed.csv"
    bad.write_bytes(GOOD)
    page.locator("form.ws-upload input[type=file]").last.set_input_files(str(bad))
    page.locator("form.ws-upload input[name=source]").last.fill("酒泉市市场监管局 2023 年报（测试）")
    page.locator("form.ws-upload button[type=submit]").last.click()
    page.wait_for_selector("form.ws-commit")
    assert "肃北蒙古族自治县" in page.inner_text("table.ws-names")
    page.click("form.ws-commit button")
    page.wait_for_url("**/workspace/datasets/*")
    assert "草稿" in page.inner_text(".ws-state") and "7,654" in page.inner_text("table.ws-changes")

    page.click("a.ws-preview")
    assert "draft=" in page.url
    assert "草稿预览" in page.inner_text(".draft-banner")
    assert "7,654" in tooltip(page, point)
    w.shot("workspace-preview")
    page.go_back()
    page.click("button.publish")
    page.wait_for_selector(".ws-state.published")

    # an API token of one's own, from the account page: shown this once, then only its label
    page.click("a[href='/workspace/account']")
    page.fill("input[name=label]", "月度上传脚本")
    page.click("form.ws-inline button[type=submit]")
    token = page.inner_text("[data-token]")
    assert token.startswith("ipm_") and "只显示这一次" in page.inner_text(".ws-new-token")
    w.shot("workspace-token")
    page.goto(planner_server + "/workspace/account")
    assert token not in page.content() and "月度上传脚本" in page.inner_text("table.ws-tokens")

    public = watch(browser)  # another browser profile: signed out
    public.page.goto(planner_server + MAP)
    tip = tooltip(public.page, point)
    assert "7,654" in tip and "酒泉市市场监管局 2023 年报（测试）" in tip
    assert public.page.locator(".draft-banner").count() == 0
    # the report page of a file with errors answers 422 on purpose; nothing else went wrong
    assert [e for e in w.errors if "status of 422" not in e] == [] and public.errors == [] and w.outside() == []
    w.page.context.close()
    public.page.context.close()
