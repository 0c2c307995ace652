"""`run --once` on real Dovecot, aiosmtpd, SQLite and PostgreSQL when the database refuses one
message, or one step of the pass: the rest of the mail and the rest of the pass go on.

The refusals are real database triggers, so the failure comes from the database itself, as a
NUL or an over-long value used to on PostgreSQL.
"""

from __future__ import annotations

import email
from email import policy
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from bot.adapters.imap_source import ImapSource
from bot.services.ingest import ingest_pass
from tests.fixtures.app import AppFactory
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.mail import sin
from tests.fixtures.smtp import SmtpTestServer

CORPUS = Path(__file__).resolve().parent / "corpus"
# Stored as received, this message is refused; its quarantine row (status given) is accepted.
REFUSED_AS_STORED = "POISON-STORE"
# This one is refused however it is written: it can only stay in the inbox.
REFUSED_ALWAYS = "POISON-ALWAYS"

_SQLITE = {
    "messages": """
        CREATE TRIGGER refuse_poison BEFORE INSERT ON message_raw
        WHEN instr(NEW.data, CAST('POISON-ALWAYS' AS BLOB)) > 0
          OR (instr(NEW.data, CAST('POISON-STORE' AS BLOB)) > 0
              AND (SELECT status FROM messages WHERE id = NEW.message_id) = 'stored')
        BEGIN SELECT RAISE(ABORT, 'refused by the test'); END""",
    "deadlines": """
        CREATE TRIGGER refuse_deadlines BEFORE UPDATE ON deadlines WHEN NEW.state = 'overdue'
        BEGIN SELECT RAISE(ABORT, 'refused by the test'); END""",
}
_POSTGRES = {
    "messages": """
        CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN
          IF position('POISON-ALWAYS'::bytea IN NEW.data) > 0
             OR (position('POISON-STORE'::bytea IN NEW.data) > 0
                 AND (SELECT status FROM messages WHERE id = NEW.message_id) = 'stored')
          THEN RAISE EXCEPTION 'refused by the test'; END IF;
          RETURN NEW; END $$ LANGUAGE plpgsql;
        CREATE TRIGGER refuse_poison BEFORE INSERT ON message_raw
        FOR EACH ROW EXECUTE FUNCTION refuse_poison()""",
    "deadlines": """
        CREATE FUNCTION refuse_deadlines() RETURNS trigger AS $$ BEGIN
          IF NEW.state = 'overdue' THEN RAISE EXCEPTION 'refused by the test'; END IF;
          RETURN NEW; END $$ LANGUAGE plpgsql;
        CREATE TRIGGER refuse_deadlines BEFORE UPDATE ON deadlines
        FOR EACH ROW EXECUTE FUNCTION refuse_deadlines()""",
}


def _refuse(database_url: str, table: str) -> None:
    # "messages" refuses the message's bytes, kept in message_raw since schema 0026.
    """Make the database itself refuse writes to table, as the triggers above say."""
    engine = create_engine(database_url)
    ddl = _SQLITE if engine.dialect.name == "sqlite" else _POSTGRES
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text(ddl[table]))
        else:
            conn.exec_driver_sql(ddl[table])
    engine.dispose()


def _sin(n: int, marker: str = "") -> bytes:
    return sin(
        f"<sin-{n}{marker.lower()}@gmp.police.uk>",
        sender=f"officer{n}@gmp.police.uk",
        headers={"X-Test": marker} if marker else None,
    )


def _acks(smtp: SmtpTestServer) -> list[str]:
    found = []
    for m in smtp.messages:
        msg = email.message_from_bytes(m.raw, policy=policy.default)
        if "Serious incident notification received" in str(msg["Subject"]):
            found.append(str(msg["To"]))
    return sorted(found)


def test_a_message_the_database_refuses_is_quarantined_and_its_neighbours_are_answered(
    bot: Any, dovecot: DovecotServer, smtp_server: SmtpTestServer, database_url: str
) -> None:
    _refuse(database_url, "messages")
    for raw in (_sin(1), _sin(2, REFUSED_AS_STORED), _sin(3)):
        dovecot.append(raw)
    code, out = bot("--now", "2026-12-23T09:05", "run", "--once")
    assert code == 0, out
    assert "quarantined unstorable 1" in out
    assert _acks(smtp_server) == ["officer1@gmp.police.uk", "officer3@gmp.police.uk"]
    code, listing = bot("--now", "2026-12-23T09:06", "triage", "list")
    assert "could not be stored as received" in listing
    # Kept for a person in the inbox; the two answered ones went on to Processed.
    assert [REFUSED_AS_STORED.encode() in raw for raw in dovecot.fetch_all()] == [True]


def test_a_message_that_cannot_be_stored_at_all_stays_in_the_inbox_and_comes_in_later(
    bot: Any, dovecot: DovecotServer, smtp_server: SmtpTestServer, database_url: str
) -> None:
    _refuse(database_url, "messages")
    for raw in (_sin(1), _sin(2, REFUSED_ALWAYS), _sin(3)):
        dovecot.append(raw)
    code, out = bot("--now", "2026-12-23T09:05", "run", "--once")
    assert code == 1  # the operator's cron wrapper hears of it
    assert "could not be stored and stays in the inbox" in out
    assert _acks(smtp_server) == ["officer1@gmp.police.uk", "officer3@gmp.police.uk"]
    assert [REFUSED_ALWAYS.encode() in raw for raw in dovecot.fetch_all()] == [True]
    # Once the database takes it, the next pass stores and answers it: it was never skipped.
    _drop_refusal(database_url)
    assert bot("--now", "2026-12-23T09:10", "run", "--once")[0] == 0
    assert len(_acks(smtp_server)) == 3


def test_a_failing_step_does_not_stop_the_pass_sending_what_ingest_queued(
    bot: Any, dovecot: DovecotServer, smtp_server: SmtpTestServer, database_url: str
) -> None:
    dovecot.append(_sin(1))
    assert bot("--now", "2026-12-01T09:05", "run", "--once")[0] == 0
    _refuse(database_url, "deadlines")
    dovecot.append(_sin(2))
    # Weeks later: the first case's deadlines are overdue, and marking them fails.
    code, out = bot("--now", "2026-12-21T09:05", "run", "--once")
    assert code == 1
    (failure,) = [line for line in out.splitlines() if line.startswith("step failed:")]
    assert failure.startswith("step failed: deadlines: ")
    # Mail in before the failed step, mail out after it: the second SIN was still answered.
    assert _acks(smtp_server) == ["officer1@gmp.police.uk", "officer2@gmp.police.uk"]


def test_the_cursor_never_passes_a_message_that_was_not_stored(
    make_app: AppFactory, dovecot: DovecotServer, database_url: str
) -> None:
    """A pass that reads only past the cursor still finds, later, the message it could not
    store: the cursor stays where it was until every message up to it is stored."""
    app, _ = make_app()
    _refuse(database_url, "messages")
    for raw in (_sin(1), _sin(2, REFUSED_ALWAYS), _sin(3)):
        dovecot.append(raw)
    source = ImapSource(
        dovecot.host, dovecot.port, dovecot.user, dovecot.password, security="plain"
    )
    try:
        first = ingest_pass(app, source, full_sweep=False)
        assert (first.stored, first.processed, first.not_stored) == (2, 2, 1)
        _drop_refusal(database_url)
        second = ingest_pass(app, source, full_sweep=False)
    finally:
        source.close()
    assert (second.stored, second.processed) == (1, 1)
    assert dovecot.fetch_all() == []  # all three answered and moved to Processed


def _drop_refusal(database_url: str) -> None:
    engine = create_engine(database_url)
    on = "" if engine.dialect.name == "sqlite" else " ON message_raw"
    with engine.begin() as conn:
        conn.execute(text(f"DROP TRIGGER refuse_poison{on}"))
    engine.dispose()
