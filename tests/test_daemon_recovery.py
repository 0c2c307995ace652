"""The daemon never stops reading mail while it looks alive: the database going away, or a
mailbox that keeps refusing, is survived, recorded and (past the threshold) alerted once: one
database outage is one alert and one "working again", however many jobs it stopped."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.app import App
from bot.cli import main
from tests.daemon_helpers import IT, acknowledged, daemon_app, daemon_config, running, wait_until
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.mail import sin
from tests.fixtures.smtp import SmtpTestServer

BM = "tscp.business.manager@tameside.gov.uk"


@contextmanager
def database_away(url: str) -> Iterator[None]:
    """SQLite: another connection holds the write lock. PostgreSQL: every connection of the
    bot's is cut and new ones are refused."""
    if url.startswith("sqlite"):
        holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    name = make_url(url).database
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        )
        try:
            yield
        finally:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
    admin.dispose()


MAILBOX_ALERT = b"needs attention: the mailbox job keeps failing"
DATABASE_ALERT = b"bot needs attention: it cannot use its database"
DATABASE_BACK = b"bot working again: the database answers again"


def database_alerts(smtp: SmtpTestServer) -> int:
    return sum(DATABASE_ALERT in m.raw for m in smtp.messages)


def told(smtp: SmtpTestServer) -> tuple[int, int]:
    """(alerts, "working again" emails) sent, about anything."""
    alerts = sum(b"bot needs attention: " in m.raw for m in smtp.messages)
    return alerts, sum(b"bot working again: " in m.raw for m in smtp.messages)


def back(smtp: SmtpTestServer) -> int:
    return sum(DATABASE_BACK in m.raw for m in smtp.messages)


def test_mail_is_read_again_after_the_database_went_away(
    tmp_path: Path,
    migrated_database_url: str,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A lease that outlasts the outage, so that a pass meets the locked database: with 3 s, a
    # loaded machine's watcher (each write waits out the lock) began no pass before the lease
    # ran out. That is the next test's: the job then fails on the lease itself.
    config = daemon_config(
        tmp_path,
        migrated_database_url,
        dovecot,
        smtp_server,
        alert_after_minutes=0,
        lease_seconds=15,
    )
    app = daemon_app(config, dovecot.password, busy_seconds=1)
    with running(app):
        # Three notifications from three officers: one sent three times would be a repeat.
        dovecot.append(sin("<sin-1@gmp.police.uk>", sender="dsp1@gmp.police.uk"))
        wait_until(lambda: acknowledged(smtp_server, "TSCP-2026-0001") == 1, 30, "first SIN")
        with database_away(migrated_database_url):
            dovecot.append(sin("<sin-2@gmp.police.uk>", sender="dsp2@gmp.police.uk"))
            # The alert cannot be queued in the database: it goes straight to the mail server.
            # Generous: the job's retries back off, and a loaded CI machine slows each one.
            wait_until(lambda: told(smtp_server)[0] >= 1, 30, "an alert sent directly")
            # Every job runs each second: the outbox, the tick, the reminders and the digest
            # meet the outage too. Each was alerted as its own failing job: five emails.
            time.sleep(3)
        dovecot.append(sin("<sin-3@gmp.police.uk>", sender="dsp3@gmp.police.uk"))
        wait_until(
            lambda: acknowledged(smtp_server, "TSCP-2026-0003") == 1,
            20,
            "the mail that came during and after the outage",
        )
        wait_until(lambda: dovecot.list_uids("INBOX") == [], 10, "an empty inbox")
        # Told over once the jobs run well, through the outbox (which may still be backing off).
        wait_until(lambda: told(smtp_server)[1] >= 1, 60, "a 'working again' email")
        # At least one more watchdog round (every lease / 3 = 5 s here): nothing more to tell.
        time.sleep(6)
    assert acknowledged(smtp_server, "TSCP-2026-0002") == 1
    # Storing fails message by message now (each left in the inbox), so the database error
    # reaches the job through the pass's report rather than as the pass's own exception: said
    # (once per pass, by the pass) as the database's trouble, not the mailbox's.
    assert "database trouble (" in caplog.text and "OperationalError" in caplog.text
    assert "mailbox problem" not in caplog.text
    # Not queued again once the database was back, and no job alerted on its own.
    assert told(smtp_server) == (1, 1)
    assert (database_alerts(smtp_server), back(smtp_server)) == (1, 1)


def _hourly(tmp_path: Path, url: str, dovecot: DovecotServer, smtp: SmtpTestServer) -> App:
    """A daemon whose watcher polls hourly and whose jobs run hourly: no pass of its own meets
    a locked database unless mail comes."""
    config = daemon_config(
        tmp_path, url, dovecot, smtp, poll_seconds=3600, alert_after_minutes=0,
        jobs_every_seconds=3600,
    )  # fmt: skip
    return daemon_app(config, dovecot.password, busy_seconds=1)


def _database_alert(smtp: SmtpTestServer) -> tuple[list[str], str]:
    """The one database alert sent: its recipients and its plain text."""
    [alert] = [m for m in smtp.messages if DATABASE_ALERT in m.raw]
    body = message_from_bytes(alert.raw, policy=policy.default).get_body(("plain",))
    assert body is not None
    return list(alert.rcpt_tos), str(body.get_content())


def test_a_database_away_for_longer_than_a_lease_is_alerted_though_no_mail_came(
    tmp_path: Path,
    migrated_database_url: str,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
) -> None:
    # No pass meets the locked database: no mail comes and the watcher polls hourly (on IDLE),
    # and the other jobs run hourly. The mailbox's lease runs out (3 s) and cannot be renewed:
    # taken for another instance's turn, nothing failed and nothing was said, for as long as
    # the database stayed away, while no mail was read.
    app = _hourly(tmp_path, migrated_database_url, dovecot, smtp_server)
    with running(app):
        dovecot.append(sin("<sin-1@gmp.police.uk>", sender="dsp1@gmp.police.uk"))
        wait_until(lambda: acknowledged(smtp_server, "TSCP-2026-0001") == 1, 30, "first SIN")
        with database_away(migrated_database_url):
            wait_until(lambda: database_alerts(smtp_server) == 1, 30, "an alert sent directly")
        assert "OperationalError" in _database_alert(smtp_server)[1]
        dovecot.append(sin("<sin-2@gmp.police.uk>", sender="dsp2@gmp.police.uk"))
        wait_until(
            lambda: acknowledged(smtp_server, "TSCP-2026-0002") == 1, 30, "mail after the outage"
        )
        wait_until(lambda: back(smtp_server) == 1, 60, "one 'working again' email")
    # The mailbox's and the outbox's leases both ran out: one alert for both.
    assert told(smtp_server) == (1, 1)


def test_a_daemon_started_while_the_database_is_away_alerts_once_then_reads_mail(
    tmp_path: Path,
    migrated_database_url: str,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
) -> None:
    # Started during the outage, the daemon never held a lease, so none could be cut off: it
    # read no mail and told nobody, for as long as the database stayed away.
    app = _hourly(tmp_path, migrated_database_url, dovecot, smtp_server)
    dovecot.append(sin("<sin-1@gmp.police.uk>", sender="dsp1@gmp.police.uk"))
    with ExitStack() as outage:
        outage.enter_context(database_away(migrated_database_url))
        with running(app):
            wait_until(lambda: database_alerts(smtp_server) == 1, 30, "an alert sent directly")
            time.sleep(3)  # more failed tries and watchdog rounds: the same trouble
            recipients, text = _database_alert(smtp_server)
            assert sorted(recipients) == sorted([BM, IT]) and "OperationalError" in text
            assert acknowledged(smtp_server, "TSCP-2026-0001") == 0
            outage.close()  # the database back, the daemon still running
            wait_until(
                lambda: acknowledged(smtp_server, "TSCP-2026-0001") == 1,
                30,
                "the mail that waited out the outage",
            )
            wait_until(lambda: back(smtp_server) == 1, 60, "one 'working again' email")
            time.sleep(2)  # the direct alert written to the outbox: not queued again
    assert told(smtp_server) == (1, 1)


def test_a_mailbox_that_keeps_failing_alerts_once_and_shows_in_status(
    tmp_path: Path,
    migrated_database_url: str,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = daemon_config(
        tmp_path, migrated_database_url, dovecot, smtp_server, alert_after_minutes=0
    )
    app = daemon_app(config, "not-the-password")
    with running(app):
        smtp_server.wait_for(1, timeout=10)
        time.sleep(5)  # several more failed logins and watchdog rounds
        monkeypatch.setenv("TEST_IMAP_PASSWORD", dovecot.password)
        code = main(["--config", str(config), "status"])
    out = capsys.readouterr().out
    alerts = [m for m in smtp_server.messages if b"bot needs attention" in m.raw]
    assert len(alerts) == 1 and len(smtp_server.messages) == 1
    assert sorted(alerts[0].rcpt_tos) == sorted([BM, IT])
    assert b"the mailbox job keeps failing" in alerts[0].raw
    assert code == 1
    assert "mailbox        failing" in out and "MailboxError" in out
    assert "not-the-password" not in out


def test_a_daemon_restarted_during_a_database_outage_does_not_alert_it_again(
    tmp_path: Path,
    migrated_database_url: str,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
) -> None:
    # The alert sent straight through the mail server could not be written down while the
    # database was away: the restarted daemon's jobs failed afresh, a new trouble by its start,
    # and it alerted the same outage a second time (and again on every restart).
    app, again = (_hourly(tmp_path, migrated_database_url, dovecot, smtp_server) for _ in "ab")
    dovecot.append(sin("<sin-1@gmp.police.uk>", sender="dsp1@gmp.police.uk"))
    with ExitStack() as outage:
        outage.enter_context(database_away(migrated_database_url))
        with running(app):
            wait_until(lambda: database_alerts(smtp_server) == 1, 30, "an alert sent directly")
        with running(again):  # restarted, the database still away
            time.sleep(8)  # its jobs wait out a lease, fail, and its watchdog sees the outage
            assert database_alerts(smtp_server) == 1
            outage.close()
            wait_until(
                lambda: acknowledged(smtp_server, "TSCP-2026-0001") == 1,
                30,
                "the mail that waited out the outage",
            )
            wait_until(lambda: back(smtp_server) == 1, 60, "one 'working again' email")
            time.sleep(2)  # the alert remembered on this machine written down: not sent again
    assert told(smtp_server) == (1, 1)
