"""The HTML digest fits a phone: at 390 px every row is a card and nothing scrolls sideways;
at 1280 px the tables stay tables. Measured in Debian's Chromium (tests/adapters/digest_phone)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.adapters.digest_phone import render_busy_day
from tests.fixtures.chromium import measure, require_chromium


@pytest.fixture(autouse=True)
def _chromium() -> None:
    require_chromium()


@pytest.fixture(scope="module")
def digest_html() -> str:
    return render_busy_day()


def test_on_a_phone_rows_become_cards_and_nothing_scrolls_sideways(
    digest_html: str, tmp_path: Path
) -> None:
    found = measure(digest_html, 390, tmp_path)
    assert found["viewport"] == 390
    assert found["pageWidth"] <= 390 and found["widest"] <= 390, found
    # Cards, not squeezed columns: no header rows, and every cell has the card's full width
    # (the old layout left cells a word wide).
    assert found["headersShown"] == 0
    assert found["narrowestCell"] >= 300, found


def test_on_a_desktop_the_tables_stay_tables(digest_html: str, tmp_path: Path) -> None:
    found = measure(digest_html, 1280, tmp_path)
    assert found["viewport"] == 1280
    assert found["pageWidth"] <= 1280 and found["widest"] <= 1280, found
    assert found["headersShown"] >= 10  # each listed section keeps its column headings


def test_the_wide_layout_is_the_default_for_clients_without_media_queries(
    digest_html: str,
) -> None:
    """Outlook on the desktop ignores <style> media queries: the card labels are hidden by an
    inline style there, and only the phone rule (with !important) shows them."""
    assert 'class="label" style="display: none; mso-hide: all;"' in digest_html
    assert "@media screen and (max-width: 480px)" in digest_html
    assert 'class="head"' in digest_html
