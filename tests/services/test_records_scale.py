"""A pass of the periodic jobs, the digest and the case list cost the same number of SQL
statements with 5 cases as with 50: nothing is read case by case or deadline by deadline, so a
partnership with ten years of records is answered as quickly as a new one (bench/records.py
times it at 10,000 cases; here only statements are counted, which load cannot change)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import event, func, select

from bot.adapters.db.models import Case, CaseEvent, OutboxMessage, StoredMessage
from bot.app import App
from bot.bootstrap import build_app
from bot.clock import FixedClock
from bot.services.daily_digest import send_digest_if_due
from bot.services.digest import digest_context
from bot.services.queries import case_summaries
from bot.services.raised_flags import FLAG_EVENTS
from bot.services.reminders import reminder_tick
from bot.services.store import store_raw
from bot.services.tick import deadline_tick
from tests.fixtures.app import ROOT, make_config
from tests.fixtures.database import PG_ENV, _fresh_postgres
from tests.fixtures.mail import email

sys.path.insert(0, str(ROOT))
from bench.records import NOW, build

SMALL, LARGE = 5, 50
T = TypeVar("T")


@pytest.fixture
def other_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second empty database on the same backend as database_url."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'other.sqlite3'}"
    else:
        yield from _fresh_postgres(os.environ[PG_ENV])


def _app(url: str, folder: Path) -> App:
    return build_app(make_config(folder, url), FixedClock(NOW))


def _counted(app: App, run: Callable[[], T]) -> tuple[int, T]:
    """How many SQL statements run() sent to the database, and what it returned."""
    statements = [0]

    def count(*_: Any) -> None:
        statements[0] += 1

    event.listen(app.engine, "before_cursor_execute", count)
    try:
        result = run()
    finally:
        event.remove(app.engine, "before_cursor_execute", count)
    return statements[0], result


def _pass(app: App) -> tuple[int, int, bool]:
    return deadline_tick(app), reminder_tick(app), send_digest_if_due(app)


def _records(url: str, cases: int, folder: Path) -> App:
    # Three months of cases: most are open, with deadlines overdue, due and to come.
    build(url, cases, cases * 5, span_days=90)
    folder.mkdir()
    return _app(url, folder)


@pytest.fixture
def small_and_large(database_url: str, other_url: str, tmp_path: Path) -> Iterator[tuple[App, App]]:
    small = _records(database_url, SMALL, tmp_path / "small")
    large = _records(other_url, LARGE, tmp_path / "large")
    yield small, large
    small.close()
    large.close()


def test_a_pass_with_no_new_mail_costs_the_same_statements_for_5_or_50_cases(
    small_and_large: tuple[App, App],
) -> None:
    counts = []
    for app in small_and_large:
        _pass(app)  # the day's first pass: the digest, the reminders due
        with app.sessions() as session:
            queued = session.scalar(select(func.count()).select_from(OutboxMessage))
        statements, found = _counted(app, partial(_pass, app))
        counts.append(statements)
        # The next pass has nothing left to send: no reminder twice, no second digest.
        assert found == (0, 0, False)
        with app.sessions() as session:
            assert session.scalar(select(func.count()).select_from(OutboxMessage)) == queued
    assert counts[0] == counts[1]


def test_the_digest_reads_each_kind_of_record_once(small_and_large: tuple[App, App]) -> None:
    counts, listed, flagged = [], [], []
    raised = {what.replace("_", " ") for what in FLAG_EVENTS}
    for app in small_and_large:
        with app.sessions() as session:
            statements, context = _counted(
                app, partial(digest_context, session, app, NOW.date(), NOW)
            )
            counts.append(statements)
            records = context["records"]
            listed.append(records["open"])
            flagged.append(sum(f["what"] in raised for f in context["flags"]))
    assert counts[0] == counts[1]
    assert listed[0] < listed[1]  # the larger one really has more open cases to look at
    # And flags raised on its cases, open and closed: "Needs your attention" is read too.
    assert flagged[1] > 0


def _quarantined(app: App, count: int) -> None:
    """`count` quarantined messages, every other one before processing named it: the digest
    reads their senders and subjects from their stored header lines."""
    with app.sessions() as session:
        for n in range(count):
            raw = email(
                f"Question {n}", "Hello.", sender="sam.invented@example.org", message_id=None
            )
            row = session.get(StoredMessage, store_raw(session, raw, f"q{n}", NOW).id)
            assert row is not None
            row.status, row.needs_triage, row.last_error = "quarantined", True, "refused"
            if n % 2:
                row.from_addr, row.subject = "sam.invented@example.org", f"Question {n}"
        session.commit()


def test_the_digest_names_its_quarantined_messages_in_statements_not_one_each(
    small_and_large: tuple[App, App],
) -> None:
    counts = []
    for app, quarantined in zip(small_and_large, (2, 20), strict=True):
        _quarantined(app, quarantined)
        with app.sessions() as session:
            statements, context = _counted(
                app, partial(digest_context, session, app, NOW.date(), NOW)
            )
        counts.append(statements)
        assert [q["subject"] for q in context["quarantine"]] == [
            f"Question {n}" for n in range(quarantined)
        ]
    assert counts[0] == counts[1]


def test_the_first_pass_writes_its_emails_and_events_in_statements_per_table_not_per_row(
    small_and_large: tuple[App, App],
) -> None:
    """The day's first pass reminds, marks overdue and writes the digest: its statements grow
    neither with the cases it looks at nor with the emails and events it writes."""
    small, large = small_and_large
    per_case = []
    for app in (small, large):
        before = _written(app)
        statements, _ = _counted(app, partial(_pass, app))
        per_case.append((statements, _written(app) - before))
    (small_statements, small_written), (large_statements, large_written) = per_case
    assert large_written - small_written > 3
    # One INSERT per table and tick (the overdue deadlines' events; the reminders' events and
    # emails) whatever the number of rows, which the smaller records may not need at all.
    assert large_statements - small_statements <= 3


def _written(app: App) -> int:
    with app.sessions() as session:
        emails = session.scalar(select(func.count()).select_from(OutboxMessage)) or 0
        events = session.scalar(select(func.count()).select_from(CaseEvent)) or 0
    return emails + events


def test_the_case_list_is_two_statements_whatever_the_number_of_cases(
    small_and_large: tuple[App, App],
) -> None:
    counts, sizes = [], []
    for app in small_and_large:
        with app.sessions() as session:
            statements, rows = _counted(app, partial(case_summaries, session))
            counts.append(statements)
            sizes.append(len(rows))
    assert sizes == [SMALL, LARGE]
    assert counts[0] == counts[1] == 2


def test_the_case_list_names_each_case_s_soonest_unmet_deadline(
    small_and_large: tuple[App, App],
) -> None:
    _, app = small_and_large
    with app.sessions() as session:
        rows = {r["ref"]: r for r in case_summaries(session)}
        cases = session.scalars(select(Case).order_by(Case.id)).all()
        assert list(rows) == [c.ref for c in cases]
        for case in cases:
            unmet = sorted((d.due, d.id, d.name) for d in case.deadlines if d.met_at is None)
            expected = (unmet[0][2], unmet[0][0]) if unmet else (None, None)
            assert (rows[case.ref]["next_deadline"], rows[case.ref]["next_due"]) == expected
    assert any(r["next_deadline"] for r in rows.values())
    assert any(r["next_deadline"] is None for r in rows.values())  # closed, all met
