"""Shared scenario fixtures for the service tests. Each is replayed once per backend in each
test process and copied for every test (tests/fixtures/scenarios.py); the build_* functions
are the replays, and tests/services/test_scenario_copies.py checks a copy
against a replay."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.fixtures.app import AppFactory
from tests.fixtures.forms_docx import SIN_INCIDENT, Rows, sin_docx
from tests.fixtures.mail import FIXED_BOUNDARY, drop_into_maildir
from tests.fixtures.mail import email as make_email
from tests.fixtures.scenarios import Build, Scenarios
from tests.services.test_lifecycle import BM, Bot, reply
from tests.services.test_personal_data_outgoing import CHILD


def build_bot(make_app: AppFactory, tmp_path: Path) -> Bot:
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


def build_cspr(make_app: AppFactory, tmp_path: Path) -> Bot:
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


def build_planned(make_app: AppFactory, tmp_path: Path) -> Bot:
    """build_cspr, then its publication planned on Tue 1 Jun 2027 for Thu 1 Jul 2027: the
    notice of publication drafted."""
    b = build_cspr(make_app, tmp_path)
    b.at("2027-06-01T10:00").mail(BM, reply("TSCP-2026-0001"), "Publication: 01/07/2027")
    b.run()
    return b


def build_named(make_app: AppFactory, tmp_path: Path) -> Bot:
    """TSCP-2026-0001 opened on Wed 23 Dec 2026 from a SIN whose Word form names the child."""
    b = opened_from_form(make_app, tmp_path, CHILD)
    assert b.case().initials == "J.E."
    return b


def copied(
    name: str,
    build: Build,
    make_app: AppFactory,
    tmp_path: Path,
    database_url: str,
    scenarios: Scenarios,
) -> Bot:
    """The scenario `name` (replayed by `build`) copied into this test's folders and database,
    and a Bot on it."""
    saved = scenarios.restore(name, build, tmp_path, database_url)
    b = Bot(make_app, tmp_path, "2026-12-23T09:00", **saved.sections)
    b.clock.moment, b.counter = saved.moment, saved.counter
    return b


@pytest.fixture
def bot(
    make_app: AppFactory, tmp_path: Path, migrated_database_url: str, scenarios: Scenarios
) -> Bot:
    """A case, TSCP-2026-0001, opened from a SIN on Wednesday 16 December 2026 at 09:00."""
    return copied("bot", build_bot, make_app, tmp_path, migrated_database_url, scenarios)


@pytest.fixture
def cspr(
    make_app: AppFactory, tmp_path: Path, migrated_database_url: str, scenarios: Scenarios
) -> Bot:
    """A case, TSCP-2026-0001, whose partners decided on Thu 7 Jan 2027 to hold a CSPR: its
    report is due Wed 7 Jul 2027."""
    return copied("cspr", build_cspr, make_app, tmp_path, migrated_database_url, scenarios)


@pytest.fixture
def planned(
    make_app: AppFactory, tmp_path: Path, migrated_database_url: str, scenarios: Scenarios
) -> Bot:
    """The `cspr` case with its publication planned for Thu 1 Jul 2027 (build_planned)."""
    return copied("planned", build_planned, make_app, tmp_path, migrated_database_url, scenarios)


@pytest.fixture
def named(
    make_app: AppFactory, tmp_path: Path, migrated_database_url: str, scenarios: Scenarios
) -> Bot:
    """TSCP-2026-0001 opened on Wed 23 Dec 2026 from a SIN whose Word form names the child."""
    return copied("named", build_named, make_app, tmp_path, migrated_database_url, scenarios)


def opened_from_form(make_app: AppFactory, tmp_path: Path, child: Rows) -> Bot:
    """TSCP-2026-0001 opened on Wed 23 Dec 2026 from a SIN Word form with these child rows."""
    b = Bot(make_app, tmp_path, "2026-12-23T09:00")
    raw = make_email(
        "GM SIN form attached",
        "Please find the notification form attached.",
        sender="robin.example@gmp.police.uk",
        message_id="<sin@test>",
        attachment=("SIN form.docx", sin_docx(child=child, incident=tuple(SIN_INCIDENT))),
        boundary=FIXED_BOUNDARY,
    )
    drop_into_maildir(b.tmp_path / "inbox", raw)
    b.run()
    return b
