"""The reading process's trouble told to people, through real Dovecot, aiosmtpd and SQLite or
PostgreSQL: while mail is read without its limits, `tscp-bot status` and the Business
Manager's digest say so, with what to do; once a reading process answers again, neither does.

The fault is made as in tests/test_end_to_end_reader_broken.py: each child dies at once. The
next day's run has it mended (the real entry point) and no new email: the record of the
trouble makes that run start a reading process at once, and its answer clears the record.
"""

from __future__ import annotations

import subprocess
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.broken_reader import WHY, bot_command
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.mail import sin
from tests.fixtures.real_servers import write_config
from tests.fixtures.smtp import SmtpTestServer, sent_emails

pytestmark = pytest.mark.imap
BM = "tscp.business.manager@tameside.gov.uk"
SAID = "the reading process does not work"


def _digest_text(smtp: SmtpTestServer, day: str) -> str:
    [digest] = [
        m
        for to, m in sent_emails(smtp)
        if to == [BM] and day in str(m["Subject"]) and "digest" in str(m["Subject"]).lower()
    ]
    assert isinstance(digest, EmailMessage)
    part = digest.get_body(preferencelist=("plain",))
    assert part is not None
    return " ".join(str(part.get_content()).split())


def test_status_and_the_digest_say_mail_is_read_without_limits_until_the_reader_answers(
    tmp_path: Path,
    database_url: str,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
) -> None:
    config = write_config(tmp_path, database_url, dovecot, smtp_server, poll_seconds=60)
    env = {"TEST_IMAP_PASSWORD": dovecot.password, "PATH": "/usr/bin:/bin"}

    def bot(now: str, *command: str, broken: bool = False) -> subprocess.CompletedProcess[str]:
        head = bot_command(broken=broken)
        return subprocess.run(
            [*head, "--config", str(config), "--now", now, *command],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    assert bot("2026-12-23T09:05", "init").returncode == 0
    dovecot.append(sin("<sin-1@gmp.police.uk>", sender="officer1@gmp.police.uk"))

    done = bot("2026-12-23T09:05", "run", "--once", broken=True)
    assert done.returncode == 0, done.stderr
    assert SAID in done.stderr

    status = bot("2026-12-23T09:10", "status")
    said = [line for line in status.stdout.splitlines() if SAID in line]
    assert len(said) == 1, status.stdout
    assert said[0].startswith("PROBLEM: ") and WHY in said[0]
    assert "23 Dec 2026 09:05, so emails" in said[0]  # since the run that found it
    assert "without the time and memory limits" in said[0] and "tscp-bot doctor" in said[0]
    assert status.returncode == 1
    digest = _digest_text(smtp_server, "23 Dec 2026")
    assert "WARNING: the bot has problems" in digest
    assert SAID in digest and WHY in digest and "tscp-bot doctor" in digest

    mended = bot("2026-12-24T09:05", "run", "--once")
    assert mended.returncode == 0, mended.stderr
    assert SAID not in mended.stderr

    status = bot("2026-12-24T09:10", "status")
    assert SAID not in status.stdout, status.stdout
    digest = _digest_text(smtp_server, "24 Dec 2026")
    assert SAID not in digest
