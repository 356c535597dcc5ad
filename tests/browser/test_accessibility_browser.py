"""axe-core (vendored for the tests) on each page type, with the site's CSP on: no serious or critical violation."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => [v.id, v.impact, v.nodes.slice(0, 3).map(n => n.target.join(' '))]);
}"""
PAGES = ["/regions/620982", "/regions/620982?lang=en", "/map?level=prefecture", "/map?level=county&lang=en",
         "/embed?level=county", "/compare?level=county&indicator=patent_applications",
         "/timeline?level=county&indicator=patent_applications&lang=en",
         "/briefing?level=county&indicator=patent_applications", "/zones?lang=en", "/zones/lanbai", "/regions",
         "/search?q=dh", "/sources?lang=en"]


def test_no_serious_or_critical_violation_on_any_page_type(live_years: str, desktop) -> None:  # noqa: ANN001
    source = AXE.read_text(encoding="utf-8")
    found = {}
    for path in PAGES:
        desktop.page.goto(f"{live_years}{path}")
        desktop.page.wait_for_load_state("load")
        desktop.page.evaluate(source)  # through the DevTools protocol: the page's CSP stays as it is
        violations = desktop.page.evaluate(RUN)
        if violations:
            found[path] = violations
    assert found == {}
    assert desktop.errors == []
