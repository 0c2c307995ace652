"""The bot's own alert whose email cannot be written (a local system_alert template broken in a
branch the start-up checks' example does not take, or edited after start-up) reaches a person:
in plain built-in words, straight through the mail server, once; and the watchdog's trouble is
in `status` and the digest's system health. Real SMTP (aiosmtpd), SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
import threading
import tomllib
from datetime import date, timedelta
from pathlib import Path

import tomli_w

from bot.clock import SystemClock
from bot.config.paths import packaged
from bot.scheduler.daemon import Daemon
from bot.services import health
from bot.services.digest import digest_context
from bot.services.jobs import Job
from bot.services.mailout import base_context
from bot.services.startup_checks import template_problems
from bot.services.status import status_report
from tests.daemon_helpers import daemon_app, daemon_config
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.smtp import SmtpTestServer, sent_texts

SECOND = timedelta(seconds=1)


def _local_templates(config: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    shutil.copytree(packaged("templates"), folder)
    data = tomllib.loads(config.read_text())
    data["templates_dir"] = str(folder)
    config.write_bytes(tomli_w.dumps(data).encode())
    return folder


def test_an_alert_whose_template_breaks_is_sent_in_plain_words_and_shown(
    tmp_path: Path, migrated_database_url: str, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    config = daemon_config(
        tmp_path, migrated_database_url, dovecot, smtp_server, alert_after_minutes=0
    )
    templates = _local_templates(config, tmp_path)
    # A branch the start-up checks' example does not take (its job is the mailbox): they pass
    # it, and the first alert of another job cannot be written.
    body = templates / "system_alert" / "body.txt"
    broken = '{{ problem.sentence if problem.job == "mailbox" else problem.since.hour.real.x }}'
    body.write_text(body.read_text().replace("{{ problem.sentence }}", broken))
    app = daemon_app(config, dovecot.password)
    assert template_problems(app.config) == []

    def own_trouble() -> None:
        raise RuntimeError("the template folder is missing")

    daemon = Daemon(app, threading.Event())
    job = Job(health.TICK, own_trouble, SECOND)
    daemon.runner.wrap(job)
    daemon.runner.run_once(job)
    for _ in range(3):  # every round of the watchdog: the one plain alert
        daemon.watch()
    alerts = [body for _, body in sent_texts(smtp_server, "bot needs attention")]
    assert len(alerts) == 1, alerts
    assert "the deadline-tick job keeps failing" in alerts[0]
    assert "RuntimeError" in alerts[0]
    assert "plain built-in words" in alerts[0] and "system_alert" in alerts[0]
    daemon.runner.book.save()

    said = str(status_report(app, SystemClock().now()))
    with app.sessions() as session:
        context = digest_context(session, app, date(2026, 12, 23), app.clock.now())
    assert "watchdog" in said and "an alert email could not be written" in said, said
    digest = app.templates.render("daily_digest", {**base_context(app), **context}).text
    health_said = " ".join(digest.partition("SYSTEM HEALTH")[2].split())
    assert "the watchdog job keeps failing" in health_said, health_said
    assert "an alert email could not be written" in health_said

    # Put right and restarted: the next instance's first good check clears the watchdog's row.
    body.write_text((packaged("templates") / "system_alert" / "body.txt").read_text())
    again = Daemon(app, threading.Event())
    again.watch()
    again.runner.book.save()
    assert "an alert email could not be written" not in str(status_report(app, SystemClock().now()))
    app.close()
