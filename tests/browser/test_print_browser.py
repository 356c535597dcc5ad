"""Printing from the browser: the briefing fits one A4 page (Chromium's own print to PDF, counted with pypdf)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("query", ["level=prefecture&indicator=patent_applications",
                                   "level=county&indicator=patent_applications&lang=en",
                                   "level=county"])
def test_briefing_prints_on_one_a4_page(live_years: str, desktop, query: str) -> None:  # noqa: ANN001
    page = desktop.page
    page.goto(f"{live_years}/briefing?{query}")
    page.wait_for_function("document.querySelector('figure.map img').complete")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1, f"{len(reader.pages)} pages"
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 2 and abs(float(box.height) - 841.9) < 2  # A4 portrait, in points
    text = reader.pages[0].extract_text()
    assert ("来源" in text or "Source" in text) and desktop.errors == []
