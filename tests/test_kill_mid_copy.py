"""A bot killed while PostgreSQL is copying in a large message's bytes loses nothing and
stores nothing twice.

The reliability harness kills at random, so whether a kill lands inside the COPY of a large
message (a few milliseconds) is chance. Here a trigger holds that COPY open, the process is
killed (SIGKILL) inside it, and the server ends the dead client's session, as it does once it
sees the socket closed. The next run finds every message still in the inbox, and stores and
answers each once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from email import message_from_bytes
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from bot.adapters.db.raw import BLOB_IO_FROM
from bot.core.message_plan import UNREAD_FORM
from tests.fixtures.database import PG_ENV
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.mail import sin
from tests.fixtures.real_servers import write_config
from tests.fixtures.smtp import SmtpTestServer

pytestmark = pytest.mark.imap
BIN = Path(sys.executable).parent / "tscp-bot"
NOW = "2026-12-23T09:00"

# Holds every large row's COPY open until the test has killed the bot.
_HOLD = """
CREATE FUNCTION hold_large_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF octet_length(NEW.data) >= {limit} THEN PERFORM pg_sleep(60); END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER hold_large_rows BEFORE INSERT ON message_raw
    FOR EACH ROW EXECUTE FUNCTION hold_large_rows();
"""
_RELEASE = "DROP TRIGGER hold_large_rows ON message_raw; DROP FUNCTION hold_large_rows();"
_WITHOUT_BYTES = """
SELECT count(*) FROM messages m
WHERE NOT EXISTS (SELECT 1 FROM message_raw r WHERE r.message_id = m.id)
"""
_IN_COPY = """
SELECT pid FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid()
  AND state = 'active' AND query LIKE 'COPY message_raw%'
"""


def _wait_for(check: Callable[[], object], what: str, timeout: float = 30) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _scalar(engine: Engine, sql: str) -> object:
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar()


def _kill_inside_the_copy(bot: subprocess.Popen[bytes], engine: Engine) -> None:
    # Generous: the copy is held by a lock until the kill, but a new process's start-up and
    # first fetch are slow on a loaded machine.
    pid = _wait_for(
        lambda: _scalar(engine, _IN_COPY), "the bot to start copying the large message", 90
    )
    bot.send_signal(signal.SIGKILL)
    bot.wait(timeout=30)
    with engine.begin() as conn:  # the server noticing its client has gone
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    _wait_for(lambda: not _scalar(engine, _IN_COPY), "the dead bot's session to end")


# PostgreSQL only: SQLite writes large messages with blob I/O, in the process, so there is no
# server-side session to stop half-way.
ON_POSTGRESQL = pytest.param(
    "postgresql", marks=pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"{PG_ENV} not set")
)


@pytest.mark.parametrize("database_url", [ON_POSTGRESQL], indirect=True)
def test_a_kill_inside_the_copy_of_a_large_message_loses_and_repeats_nothing(
    tmp_path: Path, database_url: str, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    config = write_config(tmp_path, database_url, dovecot, smtp_server, poll_seconds=60)
    env = {"TEST_IMAP_PASSWORD": dovecot.password, "PATH": "/usr/bin:/bin"}
    once = [str(BIN), "--config", str(config), "--now", NOW, "run", "--once"]
    subprocess.run([BIN, "--config", config, "init"], check=True, env=env, capture_output=True)
    scan = ("scan.pdf", bytes(range(256)) * (BLOB_IO_FROM // 256 + 400))
    ids = ["<sin-small@gmp.police.uk>", "<sin-large@gmp.police.uk>", "<sin-after@gmp.police.uk>"]
    # Three officers: one SIN sent three times would be flagged as a repeat, kept for a person.
    dovecot.append(sin(ids[0], sender="dsp1@gmp.police.uk"))
    dovecot.append(sin(ids[1], sender="dsp2@gmp.police.uk", attachment=scan))
    dovecot.append(sin(ids[2], sender="dsp3@gmp.police.uk"))
    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(text(_HOLD.format(limit=BLOB_IO_FROM)))
        bot = subprocess.Popen(once, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _kill_inside_the_copy(bot, engine)
        assert _scalar(engine, _WITHOUT_BYTES) == 0  # nothing half-stored
        assert len(dovecot.list_uids("INBOX")) == 3  # and every message is still there
        assert smtp_server.messages == []
        with engine.begin() as conn:
            conn.execute(text(_RELEASE))
        done = subprocess.run(once, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        stored = _scalar(engine, "SELECT count(DISTINCT message_id) FROM messages")
        assert stored == _scalar(engine, "SELECT count(*) FROM messages") == 3
        assert _scalar(engine, "SELECT count(*) FROM message_raw") == 3
        largest = _scalar(engine, "SELECT max(octet_length(data)) FROM message_raw")
        assert isinstance(largest, int) and largest >= BLOB_IO_FROM
        why = _scalar(
            engine, "SELECT triage_reason FROM messages WHERE message_id LIKE '%sin-large%'"
        )
        assert isinstance(why, str) and why.startswith(UNREAD_FORM)
    finally:
        engine.dispose()
    sent = [message_from_bytes(r.raw) for r in smtp_server.messages]
    answered = sorted(m["In-Reply-To"] for m in sent if m["In-Reply-To"])
    assert answered == sorted(ids)  # each SIN acknowledged once
    invited = [m["Subject"] for m in sent if "Screening Panel:" in m["Subject"]]
    assert len(invited) == len(set(invited)) == 3
    # The other two are moved out; the large one stays on the triage list (above): its
    # scan.pdf, not a PDF a reader can open, may hold the form.
    assert dovecot.list_uids("INBOX") == [2]
