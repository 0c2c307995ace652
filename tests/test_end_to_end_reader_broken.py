"""`run --once` on real Dovecot, aiosmtpd and SQLite or PostgreSQL when the reading process
itself cannot work, for every email: it cannot be started, or each child dies before it
answers anything. The SINs still open their cases and are acknowledged, nothing is set aside,
and the ERROR line and `doctor` say what is wrong.

The fault is the test's own, from outside: the subprocess replaces the child's entry point
(bot.adapters.reader_child.serve) before the bot runs. A function that cannot be sent to
the forkserver makes process.start() raise; os._exit, called with serve's arguments, makes
each child die at once with a TypeError. Or it makes the forkserver itself fail to start
(as when the process may open no more files), which `run` meets first at its start
(reader_launch.start_early) and must leave for the first email to report. Nothing in the bot
knows of it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.mail import sin
from tests.fixtures.real_servers import write_config
from tests.fixtures.smtp import SmtpTestServer

pytestmark = pytest.mark.imap
BIN = Path(sys.executable).parent / "tscp-bot"
NOW = "2026-12-23T09:05"
_BROKEN_BOT = """
import os, sys
import multiprocessing.forkserver as forkserver
import bot.adapters.reader_child as reader_child
from bot.cli import main

def no_forkserver():
    raise OSError(24, "Too many open files")

{fault}
sys.exit(main())
"""
FAULTS = {
    "cannot start": ("reader_child.serve = lambda *args: None", "it cannot be started"),
    "dies at once": (
        "reader_child.serve = os._exit",
        "it stopped before answering a known email (exit code 1)",
    ),
    "no forkserver": (
        "forkserver.ensure_running = forkserver._forkserver.ensure_running = no_forkserver",
        "it cannot be started (OSError: [Errno 24] Too many open files)",
    ),
}


def _sin(n: int) -> bytes:
    return sin(f"<sin-{n}@gmp.police.uk>", sender=f"officer{n}@gmp.police.uk")


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_reading_process_that_cannot_work_leaves_every_sin_read_in_the_bot(
    tmp_path: Path,
    database_url: str,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
    fault: str,
) -> None:
    patch, why = FAULTS[fault]
    config = write_config(tmp_path, database_url, dovecot, smtp_server, poll_seconds=60)
    env = {"TEST_IMAP_PASSWORD": dovecot.password, "PATH": "/usr/bin:/bin"}
    args = ["--config", str(config), "--now", NOW]
    subprocess.run([BIN, *args, "init"], check=True, env=env, capture_output=True)
    for n in (1, 2, 3):
        dovecot.append(_sin(n))

    def broken(*command: str) -> subprocess.CompletedProcess[str]:
        script = _BROKEN_BOT.format(fault=patch)
        return subprocess.run(
            [sys.executable, "-c", script, *args, *command],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    done = broken("run", "--once")

    assert done.returncode == 0, done.stderr
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            statuses = conn.execute(text("SELECT status FROM messages")).scalars().all()
            cases = conn.execute(text("SELECT count(*) FROM cases")).scalar()
    finally:
        engine.dispose()
    assert sorted(statuses) == ["processed"] * 3  # none quarantined
    assert cases == 3
    acks = [m for m in smtp_server.messages if b"Serious incident notification received" in m.raw]
    assert len(acks) == 3
    errors = [
        line for line in done.stderr.splitlines() if "the reading process does not work" in line
    ]
    assert len(errors) == 1, done.stderr  # one line for the fault, not one for each email
    assert "ERROR" in errors[0] and why in errors[0], errors[0]
    assert "officer" not in errors[0]  # no personal data

    doctor = broken("doctor")
    reading = [line for line in doctor.stdout.splitlines() if line.startswith("FAIL reading:")]
    assert len(reading) == 1 and why in reading[0], doctor.stdout
    assert doctor.returncode == 1
