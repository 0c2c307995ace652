"""Shared scenario fixtures for the service tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.fixtures.app import AppFactory
from tests.services.test_lifecycle import BM, Bot, reply


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


@pytest.fixture
def cspr(make_app: AppFactory, tmp_path: Path) -> Bot:
    """A case, TSCP-2026-0001, whose partners decided on Thu 7 Jan 2027 to hold a CSPR: its
    report is due Wed 7 Jul 2027."""
    ref = "TSCP-2026-0001"
    b = Bot(make_app, tmp_path, "2026-12-16T09:00")
    b.mail("casey.invented@gmp.police.uk", "Serious Incident Notification - GM SIN form", "Form.")
    b.run()
    b.at("2026-12-16T11:00").mail(BM, reply(ref), "Decision: rapid review")
    b.at("2026-12-18T10:00").mail(BM, reply(ref), "Notified: 18/12/2026")
    b.run()
    b.at("2027-01-07T10:00").mail(BM, reply(ref), "Report submitted: 07/01/2027\nCSPR: yes")
    b.run()
    assert b.due("cspr_report") == date(2027, 7, 7)
    return b
