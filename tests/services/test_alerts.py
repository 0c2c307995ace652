"""An alert sent straight through the mail server (the outbox itself in trouble, or the
database away) is written to the outbox as sent, so a restarted bot, or another instance,
does not send it again (bot.services.alerts)."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.adapters.db.models import OutboxMessage
from bot.core.health import Judged, Problem
from bot.services.alerts import Alerter
from bot.services.digest import digest_context
from bot.services.mailout import base_context
from bot.services.outbox import send_due
from bot.services.store import store_raw
from tests.daemon_helpers import daemon_app, daemon_config
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.mail import sin
from tests.fixtures.outbox_rows import invented_alert
from tests.fixtures.smtp import SmtpTestServer, sent_texts
from tests.test_daemon_recovery import database_away

SINCE = datetime(2026, 12, 23, 6, 40, tzinfo=UTC)


def alerts(smtp: SmtpTestServer) -> int:
    return sum(b"bot needs attention" in m.raw for m in smtp.messages)


def test_mail_waiting_too_long_is_alerted_once_across_a_restart(
    tmp_path: Path, migrated_database_url: str, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    config = daemon_config(tmp_path, migrated_database_url, dovecot, smtp_server)
    app = daemon_app(config, dovecot.password)
    waiting = Problem("outbox", "outbox", SINCE, "3 emails, the oldest waiting over 1 hour")
    Alerter(app, "host:1:aa").check([waiting])
    assert alerts(smtp_server) == 1
    Alerter(app, "host:2:bb").check([waiting])  # restarted, or another instance
    assert alerts(smtp_server) == 1
    with app.sessions() as session:
        row = session.scalars(select(OutboxMessage)).one()
        assert (row.status, row.event) == ("sent", "system_alert")
    assert send_due(app, app.open_sender()).more is False
    assert alerts(smtp_server) == 1  # the record is not sent again by the outbox
    app.close()


def test_an_alert_sent_while_the_database_was_away_is_not_queued_after_a_restart(
    tmp_path: Path, migrated_database_url: str, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    config = daemon_config(tmp_path, migrated_database_url, dovecot, smtp_server)
    app = daemon_app(config, dovecot.password, busy_seconds=1)
    failing = Problem("failing", "mailbox", SINCE, "9 failed runs, last: OperationalError")
    first = Alerter(app, "host:1:aa")
    with database_away(migrated_database_url):
        first.check([failing])
    assert alerts(smtp_server) == 1
    first.check([failing])  # the database back: the alert it sent is written down
    Alerter(app, "host:2:bb").check([failing])  # restarted: the same trouble goes on
    send_due(app, app.open_sender())
    assert alerts(smtp_server) == 1
    app.close()


def working_again(smtp: SmtpTestServer) -> list[str]:
    return [text for _, text in sent_texts(smtp, "bot working again")]


def test_the_end_of_an_alerted_trouble_is_told_once_and_shown_in_the_digest(
    tmp_path: Path, database_url: str, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    """The mailbox kept failing and the Business Manager and IT were alerted: when it works
    again they get one email saying so, whatever instance or restart sees it, and the digest
    lists it under System health."""
    config = daemon_config(tmp_path, database_url, dovecot, smtp_server)
    app = daemon_app(config, dovecot.password)
    failing = Problem("failing", "mailbox", SINCE, "9 failed runs, last: MailboxError")
    first = Alerter(app, "host:1:aa")
    first.check([failing])
    send_due(app, app.open_sender())
    assert alerts(smtp_server) == 1 and working_again(smtp_server) == []
    second = Alerter(app, "host:2:bb")  # another instance saw it too
    second.check([failing])
    first.check([])
    second.check([])
    first.check([])
    send_due(app, app.open_sender())
    [told] = working_again(smtp_server)
    assert "The trouble the Tameside Safeguarding Children Partnership bot alerted you" in told
    assert "is over: the mailbox job runs again." in told
    assert "Since: Wednesday 23 December 2026, 06:40" in told
    assert "Over by: Wednesday 23 December 2026, 07:0" in told
    assert "you no longer need to check the mailbox by hand" in told
    # An instance that never saw the trouble has nothing to tell.
    Alerter(app, "host:3:cc").check([])
    send_due(app, app.open_sender())
    assert len(working_again(smtp_server)) == 1

    with app.sessions() as session:
        context = digest_context(session, app, date(2026, 12, 23), app.clock.now())
    digest = app.templates.render("daily_digest", {**base_context(app), **context}).text
    ended = " ".join(digest.partition("SYSTEM HEALTH")[2].split())
    assert (
        "Trouble ended: the mailbox job runs again: the trouble since Wed 23 Dec 2026 06:40 was "
        "over by Wed 23 Dec 2026 07:0"
    ) in ended
    app.close()


def test_an_outbox_trouble_is_not_called_over_while_its_backlog_cannot_be_read(
    tmp_path: Path, database_url: str, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    """Mail waiting too long was alerted; a check without the database (or without the
    outbox's lease) cannot see the backlog, and says nothing of it being over until one can."""
    config = daemon_config(tmp_path, database_url, dovecot, smtp_server)
    app = daemon_app(config, dovecot.password)
    waiting = Problem("outbox", "outbox", SINCE, "3 emails, the oldest waiting over 1 hour")
    alerter = Alerter(app, "host:1:aa")
    alerter.check([waiting], Judged(frozenset(), backlog=True))
    alerter.check([], Judged(frozenset(), backlog=False))
    alerter.check([waiting], Judged(frozenset(), backlog=True))  # still stuck
    send_due(app, app.open_sender())
    assert alerts(smtp_server) == 1 and working_again(smtp_server) == []
    alerter.check([], Judged(frozenset(), backlog=True))
    send_due(app, app.open_sender())
    [told] = working_again(smtp_server)
    assert "is over: emails are going out again." in told
    app.close()


def test_a_trouble_out_of_sight_for_a_check_is_neither_logged_over_nor_logged_again(
    tmp_path: Path,
    database_url: str,
    dovecot: DovecotServer,
    smtp_server: SmtpTestServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The Microsoft 365 token cannot be had; on a busy machine the keeper runs late, the
    instance's leases lapse, and one watchdog check holds no job: it cannot see the trouble.
    The log says "needs attention" once for the episode and "recovered" only when a check that
    can see it finds it over, as the emails do."""
    config = daemon_config(tmp_path, database_url, dovecot, smtp_server)
    app = daemon_app(config, dovecot.password)
    token = Problem("token", "Microsoft 365 sign-in", SINCE, "AADSTS7000215: invalid secret")
    holding, lapsed = Judged(frozenset({"mailbox"}), True), Judged(frozenset(), True)
    alerter = Alerter(app, "host:1:aa")
    caplog.set_level(logging.WARNING, logger="bot.services.alerts")
    alerter.check([token], holding)
    alerter.check([], lapsed)
    alerter.check([token], holding)
    said = [r.getMessage() for r in caplog.records if r.name == "bot.services.alerts"]
    assert [m.split(":")[0] for m in said] == ["needs attention"]
    alerter.check([], holding)
    said = [r.getMessage() for r in caplog.records if r.name == "bot.services.alerts"]
    assert [m.split(":")[0] for m in said] == ["needs attention", "recovered"]
    send_due(app, app.open_sender())
    assert alerts(smtp_server) == 1 and len(working_again(smtp_server)) == 1
    app.close()


def test_the_working_again_email_says_what_was_wrong_and_what_waited(
    tmp_path: Path, database_url: str, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    """The end of a database outage was told as "the database answers again" and "nothing was
    lost": nobody could tell whether mail was still held back. It says what was wrong, from
    when until when, and what waited (counts only, no names) and what happens to it now."""
    config = daemon_config(tmp_path, database_url, dovecot, smtp_server)
    app = daemon_app(config, dovecot.password)
    outage = Problem(
        "database",
        "the database",
        SINCE,
        "the connection was lost or refused; jobs stopped: mailbox",
    )
    alerter = Alerter(app, "host:1:aa")
    alerter.check([outage])
    send_due(app, app.open_sender())
    with app.sessions() as session:  # left waiting by the outage
        store_raw(session, sin("<sin-1@gmp.police.uk>"), "waited-1", app.clock.now())
        session.add(invented_alert("held-1", app.clock.now()))
        session.add(invented_alert("held-2", app.clock.now()))
        session.commit()
    alerter.check([])
    send_due(app, app.open_sender())
    [told] = working_again(smtp_server)
    assert "Trouble: the bot cannot use its database: the connection was lost" in told
    assert "Since: Wednesday 23 December 2026, 06:40" in told
    assert "Over by: Wednesday 23 December 2026, 07:0" in told
    assert (
        "1 message was read from the mailbox and stored but not yet processed: it is being "
        "processed now, oldest first." in told
    )
    assert "2 emails were held in the outbox: they are being sent now" in told
    assert "Deadlines, reminders and the digest that fell due meanwhile are worked out now" in told
    assert "gmp.police.uk" not in told  # counts, never who wrote
    app.close()
