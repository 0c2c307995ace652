"""A database error the bot does not know (a table renamed away, a revoked privilege) that stops
every job is one trouble of the database's: one alert naming the jobs it stops, not one alert
for each job; a job's own error meanwhile is still alerted on its own (bot.core.health)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import text

from bot.app import App
from bot.clock import SystemClock
from bot.core.health import problems
from bot.services import health
from bot.services.alerts import Alerter
from bot.services.digest import digest_context
from bot.services.jobs import HealthBook, Job, JobRunner
from bot.services.leases import Leases
from bot.services.mailout import base_context
from bot.services.outbox import send_due
from bot.services.reminders import reminder_tick
from bot.services.tick import deadline_tick
from tests.daemon_helpers import daemon_app, daemon_config
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.smtp import SmtpTestServer, sent_texts

SECOND = timedelta(seconds=1)


def _run_and_check(app: App, jobs: list[Job], instance: str) -> None:
    """Each job run once by a fresh instance, then its watchdog's check."""
    wall = SystemClock()
    book = HealthBook(app.sessions, instance, health.downtime_gap(app))
    runner = JobRunner(book, Leases(app.sessions, instance, seconds=600), wall)
    for job in jobs:
        runner.wrap(job)
        runner.run_once(job)
    with app.sessions() as session:
        found = problems(health.snapshot(app, book.states(), wall.now(), session))
    Alerter(app, instance).check(found)
    send_due(app, app.open_sender())  # the alerts queued in the outbox go out


def test_an_unknown_database_error_stopping_every_job_is_one_alert(
    tmp_path: Path, migrated_database_url: str, dovecot: DovecotServer, smtp_server: SmtpTestServer
) -> None:
    config = daemon_config(
        tmp_path, migrated_database_url, dovecot, smtp_server, alert_after_minutes=0
    )
    app = daemon_app(config, dovecot.password)

    def own_trouble() -> None:
        raise RuntimeError("the template folder is missing")

    jobs = [
        Job(health.TICK, lambda: deadline_tick(app), SECOND),
        Job(health.REMINDERS, lambda: reminder_tick(app), SECOND),
        Job(health.DIGEST, own_trouble, SECOND),
    ]
    with app.sessions() as session:  # the cases table renamed away: every job meets it
        session.execute(text("ALTER TABLE cases RENAME TO cases_elsewhere"))
        session.commit()
    _run_and_check(app, jobs, "host:1:aa")
    alerts = [body for _, body in sent_texts(smtp_server, "bot needs attention")]
    database = [b for b in alerts if "the database refuses the bot's work" in b]
    assert len(database) == 1, alerts
    assert "jobs stopped: deadline-tick, reminders" in database[0]
    assert "cases" in database[0]  # what the database said
    assert "it will not mend by itself" in database[0]
    assert "reads no mail and sends none" not in database[0]  # the mailbox was not stopped
    # The digest's own trouble is its own alert, and the only other one.
    assert [b for b in alerts if b not in database] == [
        b for b in alerts if "the digest job keeps failing" in b and "RuntimeError" in b
    ]
    assert len(alerts) == 2

    # The digest's system health, read from what the jobs recorded: the same one trouble.
    with app.sessions() as session:
        session.execute(text("ALTER TABLE cases_elsewhere RENAME TO cases"))  # for the digest
        session.commit()
        context = digest_context(session, app, date(2026, 12, 23), app.clock.now())
    digest = app.templates.render("daily_digest", {**base_context(app), **context}).text
    said = " ".join(digest.partition("SYSTEM HEALTH")[2].split())
    assert said.count("the database refuses the bot's work") == 1
    assert "jobs stopped: deadline-tick, reminders" in said
    assert "the deadline-tick job keeps failing" not in said
    assert "the reminders job keeps failing" not in said
    assert "the digest job keeps failing" in said
    app.close()
