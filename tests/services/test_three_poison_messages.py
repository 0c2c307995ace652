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
from bot.services.digest_messages import quarantine
from bot.services.ingest import ingest_pass
from tests.fixtures.app import AppFactory
from tests.fixtures.mail import drop_into_maildir, sin
from tests.services.test_unknown_database_errors_in_mail import _rows, _sins, refuse_messages

POISON = [f"poison-{n}@gmp.police.uk" for n in range(3)]


def test_mail_behind_three_poison_messages_flows_after_the_bound_and_they_reach_triage(
    make_app: AppFactory, tmp_path: Path
) -> None:
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
    with app.sessions() as session:  # the digest's quarantine list, for the Business Manager
        listed = {row["id"]: (row["reason"], row["attempts"]) for row in quarantine(session)}
        poison = session.scalars(
            select(StoredMessage.id).where(StoredMessage.message_id.in_(POISON))
        ).all()
    assert sorted(listed) == sorted(poison) and len(poison) == 3
    assert all("value too long" in listed[p][0] and listed[p][1] == attempts for p in poison)
