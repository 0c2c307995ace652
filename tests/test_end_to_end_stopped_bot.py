"""A message whose processing stops the bot itself (a crash in C code, the kernel's OOM
killer, a hang the watchdog ends) is quarantined after `max_attempts` stops, shown to the
Business Manager, and not read again; the mail around it goes through. Once the reader is
mended, `triage retry` processes it.

`run --once` runs in a subprocess on real Dovecot, aiosmtpd and SQLite or PostgreSQL. The
fault is the test's own: the subprocess wraps the processing of a message so that the one
carrying the marker kills the process on the spot (os._exit, no clean-up, as SIGKILL would),
every time it is read. Nothing in the bot knows of it.
"""

from __future__ import annotations

import subprocess
import sys
from email import message_from_bytes
from email.message import Message
from email.policy import default
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.mail import sin
from tests.fixtures.real_servers import write_config
from tests.fixtures.smtp import SmtpTestServer

pytestmark = pytest.mark.imap
BIN = Path(sys.executable).parent / "tscp-bot"
NOW = "2026-12-23T09:00"
MAX_ATTEMPTS = 3  # config.example.toml's [ingest] max_attempts
KILLED = 137
CULPRIT = "sin-2@gmp.police.uk"
MARKER = "STOP-THE-BOT"
# The bot as installed, its processing of one message wrapped from outside: the marked
# message kills it. In the bot's own process, not the reading process (which parses and reads
# attachments: a reader that dies there stops only itself, tests/test_end_to_end_reader_*).
_DYING_BOT = f"""
import os, sys
import bot.services.process as process
from bot.cli import main

_process = process._process
def dying(session, app, row, now, reused, raw):
    if b"X-Test: {MARKER}" in raw:
        os._exit({KILLED})
    return _process(session, app, row, now, reused, raw)
process._process = dying
sys.exit(main())
"""
WORDS = (
    f"the bot stopped while processing this message {MAX_ATTEMPTS} times (a crash or a "
    "hang); it was set aside so the rest of the mail goes on: open it by hand"
)


def _sin(n: int, marker: str = "") -> bytes:
    # An officer each: one SIN sent several times would be kept for a person as a repeat.
    return sin(
        f"<sin-{n}@gmp.police.uk>",
        sender=f"officer{n}@gmp.police.uk",
        headers={"X-Test": marker} if marker else None,
    )


def _flat(words: str) -> str:
    return " ".join(words.split())


def _digest(smtp: SmtpTestServer) -> str:
    for received in smtp.messages:
        found: Message = message_from_bytes(received.raw, policy=default)
        if str(found["Subject"]).startswith("TSCP digest:"):
            plain = next(p for p in found.walk() if p.get_content_type() == "text/plain")
            return str(plain.get_content())  # type: ignore[attr-defined]
    raise AssertionError("no digest was sent")


def test_a_message_that_kills_the_bot_is_quarantined_and_the_rest_goes_through(
    tmp_path: Path, database_url: str, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    config = write_config(tmp_path, database_url, dovecot, smtp_server, poll_seconds=60)
    env = {"TEST_IMAP_PASSWORD": dovecot.password, "PATH": "/usr/bin:/bin"}
    args = ["--config", str(config), "--now", NOW]
    subprocess.run([BIN, *args, "init"], check=True, env=env, capture_output=True)

    def run_once() -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-c", _DYING_BOT, *args, "run", "--once"]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)

    dovecot.append(_sin(1))
    dovecot.append(_sin(2, MARKER))
    dovecot.append(_sin(3))
    # The first pass dies in the batch of three; each later one takes the mail that came
    # meanwhile, then the batch's messages one at a time: a neighbour, and the culprit again.
    assert run_once().returncode == KILLED
    for n in range(MAX_ATTEMPTS):
        dovecot.append(_sin(4 + n))  # new mail, arriving while the bot keeps stopping
        assert run_once().returncode == KILLED

    done = run_once()  # set aside before it is read: the processing that kills is never reached

    assert done.returncode == 0, done.stderr
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT id, message_id, status, triage_reason FROM messages")
            ).all()
            status = {m.strip("<>"): (s, r) for _, m, s, r in rows}
            number = next(i for i, m, _, _ in rows if m.strip("<>") == CULPRIT)
            cases = conn.execute(text("SELECT count(*) FROM cases")).scalar()
    finally:
        engine.dispose()
    assert status.pop(CULPRIT) == ("quarantined", WORDS)
    assert {s for s, _ in status.values()} == {"processed"}
    assert cases == len(status) == 2 + MAX_ATTEMPTS
    replies = (message_from_bytes(r.raw)["In-Reply-To"] for r in smtp_server.messages)
    answered = {str(m).strip().strip("<>") for m in replies if m}
    assert answered == set(status)  # every neighbour acknowledged, the culprit not
    assert _flat(WORDS) in _flat(_digest(smtp_server))
    listed = subprocess.run(
        [BIN, *args, "triage", "list"], env=env, capture_output=True, text=True, check=True
    )
    line = next(line for line in listed.stdout.splitlines() if line.split()[:1] == [str(number)])
    assert "quarantined" in line and _flat(WORDS) in _flat(listed.stdout)

    again = run_once()  # the culprit, still in the inbox for a person, is not read again
    assert again.returncode == 0, again.stderr

    # The reader mended (the bot as installed), `triage retry` gives it a fresh run: its stops
    # are forgiven with its failures, so it is read, not set aside again unread.
    retry = [str(BIN), *args, "triage", "retry", str(number)]
    subprocess.run(retry, env=env, capture_output=True, check=True)
    mended = subprocess.run(
        [BIN, *args, "run", "--once"], env=env, capture_output=True, text=True, timeout=300
    )
    assert mended.returncode == 0, mended.stderr
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            query = text("SELECT status FROM messages WHERE id = :id")
            assert conn.execute(query, {"id": number}).scalar() == "processed"
    finally:
        engine.dispose()
    replies = (message_from_bytes(r.raw)["In-Reply-To"] for r in smtp_server.messages)
    assert f"<{CULPRIT}>" in {str(m).strip() for m in replies if m}
