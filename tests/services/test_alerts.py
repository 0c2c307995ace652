"""An alert sent straight through the mail server (the outbox itself in trouble, or the
database away) is written to the outbox as sent, so a restarted bot, or another instance,
does not send it again (bot.services.alerts)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bot.adapters.db.models import OutboxMessage
from bot.core.health import Problem
from bot.services.alerts import Alerter
from bot.services.outbox import send_due
from tests.daemon_helpers import daemon_app, daemon_config
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.smtp import SmtpTestServer
from tests.test_daemon_recovery import database_away

SINCE = datetime(2026, 12, 23, 6, 40, tzinfo=UTC)


def alerts(smtp: SmtpTestServer) -> int:
    return sum(b"bot needs attention" in m.raw for m in smtp.messages)


def test_mail_waiting_too_long_is_alerted_once_across_a_restart(
    tmp_path: Path, database_url: str, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    config = daemon_config(tmp_path, database_url, dovecot, smtp_server)
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
    tmp_path: Path, database_url: str, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    config = daemon_config(tmp_path, database_url, dovecot, smtp_server)
    app = daemon_app(config, dovecot.password, busy_seconds=1)
    failing = Problem("failing", "mailbox", SINCE, "9 failed runs, last: OperationalError")
    first = Alerter(app, "host:1:aa")
    with database_away(database_url):
        first.check([failing])
    assert alerts(smtp_server) == 1
    first.check([failing])  # the database back: the alert it sent is written down
    Alerter(app, "host:2:bb").check([failing])  # restarted: the same trouble goes on
    send_due(app, app.open_sender())
    assert alerts(smtp_server) == 1
    app.close()
