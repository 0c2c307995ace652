"""Three messages sharing a database error of their own (each breaking the same rule of the
database) were taken for the database's trouble every pass, holding up all the mail behind them
for ever. Once they have stopped passes for HELD_FOR, the mail behind them is tried; when it goes
through, theirs is counted as their own and they reach quarantine and the triage list. A table
renamed away for longer still quarantines no good mail. Real SQLite and PostgreSQL, Maildir."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.adapters.db.models import StoredMessage
from bot.adapters.maildir_source import MaildirSource
from bot.app import App
from bot.services.digest_messages import quarantine
from bot.services.ingest import ingest_pass
from tests.fixtures.app import AppFactory, Clock
from tests.fixtures.mail import drop_into_maildir, sin
from tests.services.test_unknown_database_errors_in_mail import _rows, _sins, refuse_messages
from tests.test_cli import Run, cli, write_config

__all__ = ["cli"]  # the fixture this module borrows

POISON = [f"poison-{n}@gmp.police.uk" for n in range(3)]


def _quarantined(make_app: AppFactory, tmp_path: Path) -> tuple[App, Clock, Path]:
    """The three poison messages held from 09:00, counted once mail went through behind them,
    then quarantined by 09:41; the app, its clock, and the inbox."""
    app, clock = make_app(now="2026-12-23T09:00")
    inbox = tmp_path / "inbox"
    for n, message_id in enumerate(POISON):
        drop_into_maildir(inbox, sin(f"<{message_id}>", sender=f"pat{n}.invented@gmp.police.uk"))
    _sins(inbox, 2)
    refuse_messages(app, POISON)
    for moment in ("09:00", "09:10", "09:29"):  # within the bound: the database's, maybe
        clock.set(f"2026-12-23T{moment}")
        report = ingest_pass(app, MaildirSource(inbox))
        assert "3 different messages in a row met it" in (report.database_trouble or "")
        assert _rows(app) == [("stored", 0, False)] * 5
    clock.set("2026-12-23T09:31")
    report = ingest_pass(app, MaildirSource(inbox))
    assert (report.processed, report.failed, report.database_trouble) == (2, 3, None)
    assert _rows(app) == [("stored", 1, False)] * 3 + [("processed", 0, False)] * 2
    for moment in ("09:36", "09:41"):  # nothing behind them now: mail went through meanwhile
        clock.set(f"2026-12-23T{moment}")
        assert ingest_pass(app, MaildirSource(inbox)).database_trouble is None
    attempts = app.config.ingest.max_attempts
    assert _rows(app) == [("quarantined", attempts, True)] * 3 + [("processed", 0, False)] * 2
    return app, clock, inbox


def test_mail_behind_three_poison_messages_flows_after_the_bound_and_they_reach_triage(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app, _, _ = _quarantined(make_app, tmp_path)
    attempts = app.config.ingest.max_attempts
    with app.sessions() as session:  # the digest's quarantine list, for the Business Manager
        listed = {row["id"]: (row["reason"], row["attempts"]) for row in quarantine(session)}
        poison = session.scalars(
            select(StoredMessage.id).where(StoredMessage.message_id.in_(POISON))
        ).all()
    assert sorted(listed) == sorted(poison) and len(poison) == 3
    assert all("value too long" in listed[p][0] and listed[p][1] == attempts for p in poison)


def test_poison_messages_put_back_by_triage_retry_are_held_afresh_not_counted_at_once(
    make_app: AppFactory, tmp_path: Path, migrated_database_url: str, cli: Run
) -> None:
    # Put back to be processed again, they are new suspects: held from when they next stop a
    # pass, not overdue (and proven theirs by the mail processed since 09:31) from 09:00.
    app, clock, inbox = _quarantined(make_app, tmp_path)
    config = write_config(tmp_path, migrated_database_url)
    with app.sessions() as session:
        poison = session.scalars(
            select(StoredMessage.id).where(StoredMessage.message_id.in_(POISON))
        ).all()
    for row_id in poison:
        code, out, _ = cli("--config", str(config), "triage", "retry", str(row_id))
        assert code == 0, out
    clock.set("2026-12-23T10:00")
    report = ingest_pass(app, MaildirSource(inbox))
    assert "3 different messages in a row met it" in (report.database_trouble or "")
    assert _rows(app) == [("stored", 0, False)] * 3 + [("processed", 0, False)] * 2
