"""One trouble, one alert: a restart, or another instance taking the mailbox over, carries on the
trouble the last one saw (its start is read back from the database), so the Business Manager
and the IT contact are not told again; a trouble that ended and came back is told again."""

from __future__ import annotations

import time
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy import select

from bot.adapters.db.models import JobHealth
from bot.app import App
from tests.daemon_helpers import daemon_app, daemon_config, running, wait_until
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.smtp import SmtpTestServer


def mailbox_alerts(smtp: SmtpTestServer) -> int:
    return sum(b"needs attention: the mailbox job keeps failing" in m.raw for m in smtp.messages)


def mailbox_row(app: App) -> JobHealth:
    with app.sessions() as session:
        row = session.get(JobHealth, "mailbox")
        assert row is not None
        return row


def failed_more(app: App, than: int, by: int = 2) -> bool:
    """The mailbox job has failed `by` more times: the next instance has tried and failed."""
    with app.sessions() as session:
        failures = session.scalar(select(JobHealth.failures).where(JobHealth.name == "mailbox"))
    return failures is not None and failures >= than + by


def test_a_restart_during_a_mailbox_trouble_does_not_alert_it_again(
    tmp_path: Path,
    migrated_database_url: str,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
) -> None:
    config = daemon_config(
        tmp_path, migrated_database_url, dovecot, smtp_server, alert_after_minutes=0
    )
    first = daemon_app(config, "not-the-password")
    with running(first):
        wait_until(lambda: mailbox_alerts(smtp_server) == 1, 15, "the first alert")
        time.sleep(1)  # the bot stops in the middle of its trouble
        row = mailbox_row(first)
    began, failures = row.failing_since, row.failures
    second = daemon_app(config, "not-the-password")
    with running(second):
        wait_until(lambda: failed_more(second, failures), 20, "the restarted bot failing")
        time.sleep(3)  # several watchdog rounds
        since = mailbox_row(second).failing_since
    assert mailbox_alerts(smtp_server) == 1
    assert since == began  # the same trouble, still dated its start

    # Put right, then broken again: a new trouble, told again.
    mended = daemon_app(config, dovecot.password)
    with running(mended):
        wait_until(lambda: mailbox_row(mended).failures == 0, 20, "the mailbox read again")
    broken = daemon_app(config, "not-the-password")
    with running(broken):
        wait_until(lambda: mailbox_alerts(smtp_server) == 2, 20, "the new trouble's alert")
        assert mailbox_row(broken).failing_since != began


def test_a_second_instance_taking_the_mailbox_over_does_not_alert_it_again(
    tmp_path: Path,
    migrated_database_url: str,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
) -> None:
    config = daemon_config(
        tmp_path, migrated_database_url, dovecot, smtp_server, alert_after_minutes=0
    )
    first, second = (daemon_app(config, "not-the-password") for _ in range(2))
    with ExitStack() as first_running:
        first_running.enter_context(running(first))
        wait_until(lambda: mailbox_alerts(smtp_server) == 1, 15, "the first alert")
        holder = mailbox_row(first).holder
        with running(second):
            time.sleep(2)  # the second instance up, waiting for the mailbox's lease
            failures = mailbox_row(second).failures
            first_running.close()  # the first instance stops; the second takes the mailbox over
            wait_until(
                lambda: mailbox_row(second).holder != holder and failed_more(second, failures),
                20,
                "the second instance running the mailbox job",
            )
            time.sleep(3)  # several watchdog rounds
    assert mailbox_alerts(smtp_server) == 1


def working_again(smtp: SmtpTestServer) -> int:
    return sum(b"bot working again: the mailbox job runs again" in m.raw for m in smtp.messages)


def test_a_trouble_that_ended_while_no_bot_ran_is_told_over_once_by_the_restarted_bot(
    tmp_path: Path,
    migrated_database_url: str,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
) -> None:
    """The mailbox's password was wrong, the bot alerted it and was stopped; the password was
    put right before it started again. The restarted bot never sees the trouble going on, yet
    the Business Manager and the IT contact are told, once, that it is over."""
    config = daemon_config(
        tmp_path, migrated_database_url, dovecot, smtp_server, alert_after_minutes=0
    )
    with running(daemon_app(config, "not-the-password")):
        wait_until(lambda: mailbox_alerts(smtp_server) == 1, 15, "the first alert")
    assert working_again(smtp_server) == 0
    second = daemon_app(config, dovecot.password)
    with running(second):
        wait_until(lambda: working_again(smtp_server) == 1, 20, "the trouble told over")
        time.sleep(3)  # several watchdog rounds
        assert mailbox_row(second).failing_since is None
    assert working_again(smtp_server) == 1 and mailbox_alerts(smtp_server) == 1
