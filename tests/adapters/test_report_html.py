"""The timeliness report's HTML page (the --html file and the monthly email's body) in a real
browser: nothing scrolls sideways on a phone or a desktop, and its charts load."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.adapters.report_page import render_year
from tests.fixtures.chromium import measure, require_chromium


@pytest.fixture(autouse=True)
def _chromium() -> None:
    require_chromium()


@pytest.fixture(scope="module")
def report_html() -> str:
    return render_year()


def _charts_shown(found: dict[str, Any], width: int) -> None:
    images = found["images"]
    assert len(images) == 2  # on time by quarter, Appendix B by agency
    for image in images:
        assert image["loaded"] and image["natural"] == 1000, image  # decoded, full resolution
        assert 0 < image["shown"] <= width
        # Scaled down whole, never squashed: the height follows the width.
        assert image["tall"] == pytest.approx(image["shown"] * image["ratio"], abs=1.5)


def test_on_a_phone_nothing_scrolls_sideways_and_the_charts_fit(
    report_html: str, tmp_path: Path
) -> None:
    found = measure(report_html, 390, tmp_path)
    assert found["viewport"] == 390
    assert found["pageWidth"] <= 390 and found["widest"] <= 390, found
    assert found["headersShown"] == 0  # rows are cards
    assert found["narrowestCell"] >= 300, found
    _charts_shown(found, 390)


def test_on_a_desktop_the_tables_stay_tables_and_the_charts_load(
    report_html: str, tmp_path: Path
) -> None:
    found = measure(report_html, 1280, tmp_path)
    assert found["pageWidth"] <= 1280 and found["widest"] <= 1280, found
    assert found["headersShown"] == 4  # measures, Appendix B, quarters, late cases
    _charts_shown(found, 1280)
    assert {round(i["shown"]) for i in found["images"]} == {760}  # the email column's width
