"""A passing fault of the database while mail is processed (a lock held past the bot's wait
for it, the connection ended by the server) is the database's trouble, not the message's: it
never counts towards quarantine, each pass says "database trouble" (not a mailbox problem),
and the message is processed once the database is itself again. Real PostgreSQL and SQLite,
with a second session holding the lock or the server ending the bot's session."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.adapters.db.models import Case, StoredMessage
from bot.adapters.maildir_source import MaildirSource
from bot.app import App
from bot.services import ingest
from bot.services.ingest import IngestReport, ingest_pass
from tests.fixtures.app import AppFactory
from tests.fixtures.database_faults import (
    connection_cut_on_new_case,
    database_read_only,
    deadlock_on_storing,
    lock_held_elsewhere,
    server_error_on_new_case,
    short_lock_waits,
    sqlite_disk_full,
)
from tests.fixtures.mail import drop_into_maildir, sin

GOOD = sin("<good-sin@gmp.police.uk>", sender="lee.invented@gmp.police.uk")
Fault = Callable[[str], AbstractContextManager[None]]


def _row(app: App) -> StoredMessage:
    with app.sessions() as s:
        return s.scalars(select(StoredMessage)).one()


def _cases(app: App) -> int:
    with app.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Case)) or 0)


def _stored_good_sin(app: App, tmp_path: Path) -> Path:
    """The inbox of a good SIN already stored, not yet processed."""
    inbox = tmp_path / "inbox"
    drop_into_maildir(inbox, GOOD)
    _store_only(app, inbox)
    return inbox


def _store_only(app: App, inbox: Path) -> None:
    """A real pass with its processing left out: the faults below meet a message stored."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ingest, "process_stored", lambda *_: None)
        patch.setattr(ingest, "process_ids", lambda *_: None)
        ingest_pass(app, MaildirSource(inbox))
    assert _row(app).status == "stored"


def _through_the_fault(
    app: App, inbox: Path, fault: AbstractContextManager[None]
) -> list[IngestReport]:
    """One pass more than max_attempts while the fault lasts: enough to quarantine the
    message, were each fault counted against it."""
    url = app.config.database_url
    with short_lock_waits(url):
        app.engine.dispose()  # the bot's next connections wait as briefly
        with fault:
            reports = [
                ingest_pass(app, MaildirSource(inbox))
                for _ in range(app.config.ingest.max_attempts + 1)
            ]
    app.engine.dispose()
    return reports


def _assert_waited_and_then_processed(app: App, inbox: Path, reports: list[IngestReport]) -> None:
    row = _row(app)
    assert (row.status, row.attempts, row.needs_triage, row.triage_reason) == (
        "stored", 0, False, None,
    )  # fmt: skip
    said = [(r.database_trouble, r.errors) for r in reports]
    assert all(trouble and not errors for trouble, errors in said), said
    report = ingest_pass(app, MaildirSource(inbox))
    assert (report.processed, report.failed, report.database_trouble) == (1, 0, None)
    assert _row(app).status == "processed" and _cases(app) == 1
    assert not [*(inbox / "new").iterdir(), *(inbox / "cur").iterdir()]  # handled: moved on


def test_a_lock_held_past_the_wait_never_quarantines_a_good_message(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, _ = make_app()
    inbox = _stored_good_sin(app, tmp_path)
    reports = _through_the_fault(app, inbox, lock_held_elsewhere(app.config.database_url))
    _assert_waited_and_then_processed(app, inbox, reports)


def test_a_connection_ended_by_the_server_never_quarantines_a_good_message(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, _ = make_app()
    if app.engine.dialect.name != "postgresql":
        pytest.skip("a server's session to end")
    inbox = _stored_good_sin(app, tmp_path)
    reports = _through_the_fault(app, inbox, connection_cut_on_new_case(app.config.database_url))
    _assert_waited_and_then_processed(app, inbox, reports)


def test_a_deadlock_while_storing_leaves_the_message_in_the_inbox_not_quarantined(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """Storing fell back to keeping the message quarantined "as it could not be stored as
    received": a deadlock put a good SIN on the triage list at its first attempt."""
    app, _ = make_app()
    if app.engine.dialect.name != "postgresql":
        pytest.skip("a deadlock between PostgreSQL sessions")
    inbox = tmp_path / "inbox"
    drop_into_maildir(inbox, GOOD)
    with deadlock_on_storing(app.config.database_url):
        report = ingest_pass(app, MaildirSource(inbox))
    with app.sessions() as s:
        assert s.scalars(select(StoredMessage)).all() == []
    assert (report.quarantined, report.not_stored, report.errors) == (0, 1, [])
    assert report.database_trouble and "deadlock" in report.database_trouble
    assert len(list((inbox / "new").iterdir())) == 1  # still there, for the next pass
    report = ingest_pass(app, MaildirSource(inbox))
    assert (report.stored, report.processed, report.database_trouble) == (1, 1, None)
    assert _row(app).status == "processed" and _cases(app) == 1


def test_a_full_disk_never_quarantines_a_good_message(make_app: AppFactory, tmp_path: Path) -> None:
    """A full disk is the database's trouble too: counted against the message, a good SIN went
    to quarantine after max_attempts passes, though nothing was wrong with it."""
    app, _ = make_app()
    if app.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's own full database; PostgreSQL's disk_full (53100) is mapped alike")
    inbox = _stored_good_sin(app, tmp_path)
    reports = _through_the_fault(app, inbox, sqlite_disk_full())
    assert all("disk is full" in (r.database_trouble or "") for r in reports), reports
    _assert_waited_and_then_processed(app, inbox, reports)


def test_a_read_only_database_never_quarantines_a_good_message(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """A database that takes no writes (a SQLite file or disk made read-only, a PostgreSQL server
    that became a standby in a failover) was taken for the message's fault: a good SIN went to
    quarantine after max_attempts passes."""
    app, _ = make_app()
    inbox = _stored_good_sin(app, tmp_path)
    reports = _through_the_fault(app, inbox, database_read_only(app.config.database_url))
    assert all("takes no writes" in (r.database_trouble or "") for r in reports), reports
    _assert_waited_and_then_processed(app, inbox, reports)


@pytest.mark.parametrize(
    ("sqlstate", "said"), [("53200", "out of memory"), ("53300", "too many clients already")]
)
def test_a_server_short_of_memory_or_connections_never_quarantines_a_good_message(
    make_app: AppFactory, tmp_path: Path, sqlstate: str, said: str
) -> None:
    """The server's own shortage was not known for the database's: the good SIN that met it
    was counted a failure, and quarantined after max_attempts passes."""
    app, _ = make_app()
    if app.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's own errors; SQLite's out of memory is mapped alike")
    inbox = _stored_good_sin(app, tmp_path)
    fault = server_error_on_new_case(app.config.database_url, sqlstate, said)
    reports = _through_the_fault(app, inbox, fault)
    assert all("short of memory" in (r.database_trouble or "") for r in reports), reports
    _assert_waited_and_then_processed(app, inbox, reports)
