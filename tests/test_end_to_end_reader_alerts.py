"""A broken reading process reaches the Business Manager's and the IT contact's inboxes, not only
`status` and the next day's digest: the daemon's watchdog alerts it once, however many mail
passes and restarts it lasts, and tells its end once. Real Dovecot, aiosmtpd and SQLite or
PostgreSQL; each bot a real `tscp-bot run` daemon process, stopped as systemd stops it.

The fault is made as in tests/test_end_to_end_reader_broken.py: each child dies at once (the
test's own entry point replaces the child's; nothing in the bot knows of it). The mended bot is
the real entry point.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.engine import make_engine
from bot.adapters.db.models import MailboxState
from tests.broken_reader import WHY, bot_command
from tests.daemon_helpers import IT, daemon_config, wait_until
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.mail import sin
from tests.fixtures.smtp import SmtpTestServer, sent_texts

pytestmark = pytest.mark.imap
BM = "tscp.business.manager@tameside.gov.uk"
ALERT = "bot needs attention: its reading process does not work"
BACK = "bot working again: the reading process works again"
SENDER = "officer1@gmp.police.uk"


@contextmanager
def daemon(config: Path, password: str, log: Path, *, broken: bool) -> Iterator[None]:
    """A `tscp-bot run` daemon, its log in `log`, stopped by SIGTERM when the block ends."""
    head = bot_command(broken=broken)
    env = {"TEST_IMAP_PASSWORD": password, "PATH": "/usr/bin:/bin"}
    with log.open("w") as out:
        bot = subprocess.Popen(
            [*head, "--config", str(config), "run"], env=env, stdout=out, stderr=out
        )
        try:
            yield
        finally:
            bot.send_signal(signal.SIGTERM)
            try:
                bot.wait(timeout=60)
            except subprocess.TimeoutExpired:
                bot.kill()
                bot.wait()
    assert bot.returncode == 0, log.read_text()


def said(log: Path, words: str) -> bool:
    return log.exists() and words in log.read_text()


def read_since(url: str, moment: datetime) -> bool:
    """Whether a mail pass has read the mailbox since `moment`: a restarted bot at work."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            last = session.scalar(select(MailboxState.last_success_at))
    finally:
        engine.dispose()
    return last is not None and last > moment


def alerts(smtp: SmtpTestServer) -> list[tuple[list[str], str]]:
    return sent_texts(smtp, ALERT)


def working_again(smtp: SmtpTestServer) -> list[tuple[list[str], str]]:
    return sent_texts(smtp, BACK)


def test_a_broken_reading_process_is_alerted_once_and_its_end_told_once(
    tmp_path: Path,
    migrated_database_url: str,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
) -> None:
    config = daemon_config(
        tmp_path, migrated_database_url, dovecot, smtp_server, alert_after_minutes=0
    )
    dovecot.append(sin("<sin-1@gmp.police.uk>", sender=SENDER))
    first, second = tmp_path / "first.log", tmp_path / "second.log"

    with daemon(config, dovecot.password, first, broken=True):
        wait_until(lambda: len(alerts(smtp_server)) == 1, 60, "the reading process alerted")
        time.sleep(3)  # several mail passes and watchdog rounds, the trouble going on
    with daemon(config, dovecot.password, second, broken=True):  # restarted, still broken
        wait_until(lambda: said(second, "the reading process does not work"), 60, "it met it")
        time.sleep(3)
    [(to, text)] = alerts(smtp_server)
    assert to == [BM, IT]
    assert f"the reading process does not work ({WHY}), so emails and their attachments" in text
    assert "without the time and memory limits" in text and "tscp-bot doctor" in text
    assert "Mail is still read" in text and "Since:" in text
    assert SENDER not in text and "sin-1" not in text  # no personal data: IT gets it too
    assert working_again(smtp_server) == []

    mended, again = tmp_path / "mended.log", tmp_path / "again.log"
    with daemon(config, dovecot.password, mended, broken=False):
        wait_until(lambda: len(working_again(smtp_server)) == 1, 60, "its end told")
        time.sleep(3)
    restarted = datetime.now(UTC)
    with daemon(config, dovecot.password, again, broken=False):  # restarted: not told again
        wait_until(lambda: read_since(migrated_database_url, restarted), 60, "a mail pass")
        time.sleep(3)
    [(to, text)] = working_again(smtp_server)
    assert to == [BM, IT]
    # Its details as the alert said them, or, told by a restarted bot that never saw it going
    # on, "as the alert sent then said" (bot.core.unseen_ends): which, the race of its first
    # mail pass and watchdog round decides.
    assert "over: the reading process works again." in text
    assert "Trouble: the reading process does not work (" in text
    assert len(alerts(smtp_server)) == 1


def test_another_instance_taking_the_mailbox_over_does_not_alert_it_again(
    tmp_path: Path,
    migrated_database_url: str,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
) -> None:
    """Two instances on one database, both with the broken install: the one holding the mailbox
    alerts; the other, taking the mailbox over when the first stops, meets the same trouble
    (its start kept on the mailbox's row) and stays quiet."""
    config = daemon_config(
        tmp_path, migrated_database_url, dovecot, smtp_server, alert_after_minutes=0
    )
    dovecot.append(sin("<sin-1@gmp.police.uk>", sender=SENDER))
    first, second = tmp_path / "first.log", tmp_path / "second.log"
    with ExitStack() as first_running:
        first_running.enter_context(daemon(config, dovecot.password, first, broken=True))
        wait_until(lambda: len(alerts(smtp_server)) == 1, 60, "the reading process alerted")
        with daemon(config, dovecot.password, second, broken=True):
            time.sleep(2)  # the second instance up, waiting for the mailbox's lease
            first_running.close()  # the first stops; the second takes the mailbox over
            wait_until(lambda: said(second, "the reading process does not work"), 60, "met")
            time.sleep(3)  # several watchdog rounds
    assert len(alerts(smtp_server)) == 1


def test_no_reading_process_alert_while_it_works(
    tmp_path: Path,
    migrated_database_url: str,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
) -> None:
    config = daemon_config(
        tmp_path, migrated_database_url, dovecot, smtp_server, alert_after_minutes=0
    )
    dovecot.append(sin("<sin-1@gmp.police.uk>", sender=SENDER))
    log = tmp_path / "bot.log"
    with daemon(config, dovecot.password, log, broken=False):
        acknowledged = "Serious incident notification received"
        wait_until(lambda: bool(sent_texts(smtp_server, acknowledged)), 60, "the SIN read")
        time.sleep(3)  # several mail passes and watchdog rounds
    assert alerts(smtp_server) == [] and working_again(smtp_server) == []
    assert not said(log, "the reading process does not work")
