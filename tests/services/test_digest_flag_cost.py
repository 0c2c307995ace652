"""The digest's "Needs your attention" with a backlog of new cases: its flags are read in the
same statements however many there are, and reading them does not grow with the mailbox (a
check that only a fresh complaint's flag needs is not made for every flag). Counted, never
timed: SQL statements, and on SQLite the instructions of its virtual machine, which load
cannot change (bench/digest_cost.py measures the time)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, StoredMessage
from bot.app import App
from bot.services.cases import add_event
from bot.services.digest import digest_context
from bot.services.raised_flags import raised_flags
from bot.services.store import store_raw
from tests.fixtures.app import AppFactory
from tests.fixtures.mail import email

OPENED = datetime(2026, 12, 21, 9, tzinfo=UTC)


def _flagged(app: App, first: int, last: int) -> None:
    """Open cases numbered first..last, each with a flag of its own."""
    _cases(app, range(first, last + 1), 2026, "screening_not_booked")


def _cases(app: App, numbers: range, year: int, what: str) -> None:
    """Cases of `year` numbered as `numbers`, each with one event `what`: a flag on an open
    case, or its closing on a closed one."""
    closed = what == "case_closed"
    with app.sessions() as session:
        for n in numbers:
            case = Case(
                ref=f"TSCP-{year}-{n:04d}",
                year=year,
                number=n,
                status="closed" if closed else "open",
                opened_at=OPENED,
                sin_received_on=OPENED.date(),
                kind="review",
                stage="closed" if closed else "screening",
            )
            session.add(case)
            session.flush()
            detail = "no further action" if closed else f"no slot for case {n}"
            add_event(session, case, OPENED, what, detail)
        session.commit()


def _messages(app: App, count: int) -> None:
    """`count` stored messages on the triage list."""
    with app.sessions() as session:
        for n in range(count):
            raw = email(f"Note {n}", "Hello.", message_id=f"<note-{n}@example.org>")
            row = session.get(StoredMessage, store_raw(session, raw, f"note-{n}", OPENED).id)
            assert row is not None
            row.needs_triage = True
        session.commit()


def _statements(app: App, run: Callable[[], object]) -> int:
    count = [0]

    def counted(*_: Any) -> None:
        count[0] += 1

    event.listen(app.engine, "before_cursor_execute", counted)
    try:
        run()
    finally:
        event.remove(app.engine, "before_cursor_execute", counted)
    return count[0]


def _digest_statements(app: App) -> tuple[int, int]:
    """The digest's statements, and how many flags it listed."""
    now = app.clock.now()
    found: list[int] = []
    with app.sessions() as session:

        def gather() -> None:
            found.append(len(digest_context(session, app, now.date(), now)["flags"]))

        return _statements(app, gather), found[0]


def test_the_digest_reads_3_or_30_flags_in_the_same_statements(
    make_app: AppFactory,
) -> None:
    app, _ = make_app(now="2026-12-23T09:05")
    _flagged(app, 1, 3)
    small = _digest_statements(app)
    _flagged(app, 4, 30)
    large = _digest_statements(app)
    assert (small[1], large[1]) == (3, 30)
    assert small[0] == large[0]


def _vm_steps(session: Session, run: Callable[[], object]) -> int:
    """SQLite virtual-machine instructions run() cost (sqlite3's progress handler, called
    after every instruction)."""
    raw = session.connection().connection.driver_connection
    steps = [0]

    def step() -> int:
        steps[0] += 1
        return 0

    raw.set_progress_handler(step, 1)  # type: ignore[union-attr]
    try:
        run()
    finally:
        raw.set_progress_handler(None, 1)  # type: ignore[union-attr]
    return steps[0]


def test_reading_the_flags_does_not_grow_with_the_messages_stored(
    make_app: AppFactory, migrated_database_url: str
) -> None:
    if not migrated_database_url.startswith("sqlite"):
        pytest.skip("counts SQLite's own instructions")
    app, _ = make_app(now="2026-12-23T09:05")
    _flagged(app, 1, 20)
    tz, calendar = app.config.partnership.time_zone, app.calendar
    since = datetime(2026, 11, 1, tzinfo=UTC)

    def read() -> object:
        with app.sessions() as session:
            found: list[int] = []
            steps = _vm_steps(
                session, lambda: found.append(len(raised_flags(session, since, tz, calendar)))
            )
            assert found == [20]
            return steps

    before = read()
    _messages(app, 200)
    # Before: each flag's row looked through every message (20 x 200 rows), for a check only
    # a fresh complaint's flag needs.
    assert read() == before


def _closed(app: App, first: int, last: int) -> None:
    """Closed cases numbered first..last, each with its closing event and no flag."""
    _cases(app, range(first, last + 1), 2025, "case_closed")


def test_reading_the_flags_does_not_look_through_every_closed_case_for_each(
    make_app: AppFactory, migrated_database_url: str
) -> None:
    """Ten years of records are thousands of closed cases: each flag's case's last closing
    is found once for all flags, not by reading every case's closing again for each flag."""
    if not migrated_database_url.startswith("sqlite"):
        pytest.skip("counts SQLite's own instructions")
    app, _ = make_app(now="2026-12-23T09:05")
    tz, calendar = app.config.partnership.time_zone, app.calendar
    since = datetime(2026, 11, 1, tzinfo=UTC)

    def read() -> int:
        with app.sessions() as session:
            return _vm_steps(session, lambda: raised_flags(session, since, tz, calendar))

    grew = []
    for flags, closed in ((20, 1), (40, 101)):
        _flagged(app, flags - 19, flags)
        before = read()
        _closed(app, closed, closed + 99)
        grew.append(read() - before)
    # Found once for all, for the flagged cases: 100 more closed cases without flags cost
    # under 13 instructions each, with 20 flags or 40 (1,229 and 900). Looked up for each
    # flag, they cost 6 a flag each (11,980 and 24,000).
    assert max(grew) < 100 * 20
