"""Shared scenario fixtures for the service tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.app import AppFactory
from tests.services.test_lifecycle import Bot


@pytest.fixture
def bot(make_app: AppFactory, tmp_path: Path) -> Bot:
    """A case, TSCP-2026-0001, opened from a SIN on Wednesday 16 December 2026 at 09:00."""
    b = Bot(make_app, tmp_path, "2026-12-16T09:00")
    b.mail(
        "casey.invented@gmp.police.uk",
        "Serious Incident Notification - GM SIN form",
        "Please find the GM SIN form for the Screening Panel.",
    )
    b.run()
    assert b.case().ref == "TSCP-2026-0001"
    return b
