"""An alert sent in plain words (its template broken) is remembered as any alert sent straight
through the mail server is: written to the outbox as sent, or, the database away, to the alerts
file on the machine until the database takes it. A restart during the same trouble, the template
still broken, sent it once more. Real SMTP (aiosmtpd), SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bot.adapters.db.models import OutboxMessage
from bot.app import App
from bot.core.health import Problem
from bot.services.alert_memory import AlertMemory
from bot.services.alerts import Alerter
from bot.services.outbox import send_due
from tests.daemon_helpers import daemon_app, daemon_config
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.smtp import SmtpTestServer, sent_texts
from tests.services.test_plain_alert import _local_templates
from tests.test_daemon_recovery import database_away

FAILING = Problem(
    "failing", "deadline-tick", datetime(2026, 12, 23, 6, 40, tzinfo=UTC), "9 failed runs"
)


def _broken_alert_template(
    tmp_path: Path, url: str, dovecot: DovecotServer, smtp: SmtpTestServer, busy_seconds: int = 30
) -> App:
    """A branch the start-up checks' example does not take: a job other than the mailbox's."""
    config = daemon_config(tmp_path, url, dovecot, smtp)
    body = _local_templates(config, tmp_path) / "system_alert" / "body.txt"
    broken = '{{ problem.sentence if problem.job == "mailbox" else problem.since.hour.real.x }}'
    body.write_text(body.read_text().replace("{{ problem.sentence }}", broken))
    return daemon_app(config, dovecot.password, busy_seconds=busy_seconds)


def _plain_alerts(smtp: SmtpTestServer) -> list[str]:
    return [text for _, text in sent_texts(smtp, "bot needs attention")]


def test_a_plain_alert_is_not_sent_again_after_a_restart_during_the_same_trouble(
    tmp_path: Path, migrated_database_url: str, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    app = _broken_alert_template(tmp_path, migrated_database_url, dovecot, smtp_server)
    first = Alerter(app, "host:1:aa")
    first.check([FAILING])
    assert len(_plain_alerts(smtp_server)) == 1
    for instance in ("host:2:bb", "host:3:cc"):  # restarted, the template still broken
        again = Alerter(app, instance)
        again.check([FAILING])
        again.check([FAILING])
        assert again.trouble is not None and "could not be written" in again.trouble
    send_due(app, app.open_sender())  # the record is not sent again by the outbox
    said = _plain_alerts(smtp_server)
    assert len(said) == 1 and "plain built-in words" in said[0], said
    with app.sessions() as session:
        row = session.scalars(select(OutboxMessage)).one()
    assert (row.status, row.event, row.subject) == (
        "sent",
        "system_alert",
        f"{app.config.partnership.reference_prefix} bot needs attention: {FAILING.sentence}",
    )
    app.close()


def test_a_plain_alert_sent_while_the_database_was_away_is_not_sent_again_after_a_restart(
    tmp_path: Path, migrated_database_url: str, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    app = _broken_alert_template(
        tmp_path, migrated_database_url, dovecot, smtp_server, busy_seconds=1
    )
    memory = tmp_path / "alerts.json"
    with database_away(migrated_database_url):
        Alerter(app, "host:1:aa", AlertMemory(memory)).check([FAILING])
        assert len(_plain_alerts(smtp_server)) == 1 and memory.exists()
        Alerter(app, "host:2:bb", AlertMemory(memory)).check([FAILING])  # restarted
    assert len(_plain_alerts(smtp_server)) == 1
    back = Alerter(app, "host:3:cc", AlertMemory(memory))
    back.check([FAILING])  # the database back: the plain alert written down as sent
    assert not memory.exists()
    Alerter(app, "host:4:dd").check([FAILING])  # no file now: the outbox says it went
    send_due(app, app.open_sender())
    assert len(_plain_alerts(smtp_server)) == 1
    app.close()
