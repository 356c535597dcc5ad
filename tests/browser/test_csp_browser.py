"""The hash-based CSP in real Chromium: maps and API docs run, a revalidated (304) page still draws, and a
script injected into the page is refused."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

INJECT = """() => new Promise(resolve => {
  document.addEventListener('securitypolicyviolation', e => resolve([window.__injected === undefined,
                                                                     e.violatedDirective]), {once: true});
  const s = document.createElement('script');
  s.textContent = 'window.__injected = 1';
  document.body.appendChild(s);
})"""


def test_map_draws_under_the_policy_and_after_revalidation(live_server: str, desktop) -> None:  # noqa: ANN001
    page = desktop.page
    revalidated: list[bool] = []
    page.on("response", lambda r: revalidated.append("if-none-match" in r.request.all_headers())
            if "/map?" in r.url else None)
    first = page.goto(f"{live_server}/map?level=county&indicator=population")
    assert first is not None and "'unsafe-inline'" not in first.headers["content-security-policy"].split(
        "script-src")[1].split(";")[0]
    page.wait_for_selector("path.leaflet-interactive")
    page.reload()  # revalidates with If-None-Match: the 304's headers merge into the cached page
    page.wait_for_selector("path.leaflet-interactive")
    assert page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() == 87
    assert page.locator(".ipmap-legend").is_visible()
    assert revalidated == [False, True]
    assert desktop.errors == []


def test_injected_inline_script_is_refused(live_server: str, desktop) -> None:  # noqa: ANN001
    page = desktop.page
    page.goto(f"{live_server}/embed?level=prefecture")
    page.wait_for_selector("path.leaflet-interactive")
    blocked, directive = page.evaluate(INJECT)
    assert blocked and directive.startswith("script-src")
    assert any("Content Security Policy" in e for e in desktop.errors)


def test_api_docs_run_under_the_policy(live_server: str, desktop) -> None:  # noqa: ANN001
    page = desktop.page
    page.goto(f"{live_server}/docs")
    page.wait_for_selector(".opblock-summary-path")
    assert page.locator(".opblock-summary-path").count() >= 6
    assert desktop.errors == [] and desktop.outside() == []
