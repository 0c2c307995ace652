"""One instance of the daemon: its identity, the leases it holds, its jobs' health and the
watchdog that alerts the Business Manager and the IT contact when a job it holds keeps failing
or has stopped, or, while it holds the mailbox, its reading process does not work
(bot.services.alerts)."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from sqlalchemy.orm import Session

from bot.app import App
from bot.clock import Clock, SystemClock
from bot.core.health import Judged, Problem, describe, problems
from bot.core.reading_trouble import reading_trouble
from bot.scheduler.loops import MailboxWatcher, OutboxSender
from bot.services import health
from bot.services.alert_memory import AlertMemory, memory_path
from bot.services.alerts import Alerter
from bot.services.jobs import MAX_BACKOFF_SECONDS, HealthBook, Job, JobRunner
from bot.services.leases import Leases, beat, instance_id, stopped
from bot.services.monthly_report import send_scheduled_reports
from bot.services.plain_alert import WATCHDOG
from bot.services.reminders import reminder_tick
from bot.services.tick import deadline_tick

log = logging.getLogger(__name__)


class Daemon:
    """The instance: its identity, its leases, its jobs' health and its watchdog."""

    def __init__(self, app: App, stop: threading.Event, wall: Clock | None = None) -> None:
        self.app, self.stop = app, stop
        self.wall = wall or SystemClock()
        self.id = instance_id()
        self.started = self.wall.now()
        leases = Leases(app.sessions, self.id, app.config.daemon.lease_seconds)
        book = HealthBook(app.sessions, self.id, health.downtime_gap(app))
        self.runner = JobRunner(book, leases, self.wall)
        # A restart during an outage, or a second instance on this machine, carries on the
        # trouble alerted while the database was away: within the longest a job goes unrun and
        # its trouble is still the same one (bot.services.jobs), and a lease's wait to fail.
        within = health.downtime_gap(app) + timedelta(seconds=MAX_BACKOFF_SECONDS)
        memory = AlertMemory(memory_path(app.config.source))
        self.alerter = Alerter(
            app,
            self.id,
            memory,
            within + timedelta(seconds=app.config.daemon.lease_seconds),
            self.wall,
        )
        self.watcher = MailboxWatcher(app, stop, self.runner)
        self.sender = OutboxSender(app, stop, self.runner)
        # The watchdog's own health: written once it has had trouble (bot.services.plain_alert).
        book.register(WATCHDOG, timedelta(seconds=app.config.daemon.lease_seconds))

    def jobs(self) -> list[Job]:
        app, every = self.app, health.intervals(self.app)
        return [
            Job(health.TICK, lambda: deadline_tick(app), every[health.TICK]),
            Job(health.REMINDERS, lambda: reminder_tick(app), every[health.REMINDERS]),
            Job(health.DIGEST, lambda: send_scheduled_reports(app), every[health.DIGEST]),
        ]

    def keep(self) -> None:
        """Renew the leases this instance can hold and say it is alive."""
        now = self.wall.now()
        for name in health.JOB_NAMES:
            self.runner.leases.hold(name, now)
        try:
            beat(self.app.sessions, self.id, self.started, now)
        except Exception as exc:  # the heartbeat waits for the database
            log.info("heartbeat not recorded (%s)", describe(exc))
        # Never queued behind a job's save: the keeper's next run renews the leases.
        self.runner.book.save(wait=False)

    def watch(self) -> None:
        """The watchdog: alert on jobs this instance holds that keep failing or have stopped,
        and on its reading process not working while it holds the mailbox."""
        now = self.wall.now()
        held = tuple(s for s in self.runner.book.states() if self.runner.leases.mine(s.name, now))
        # Whether the outbox's backlog, and the reading process's record, were read: to tell
        # their troubles over (unread, they may go on).
        backlog = reading = False
        try:
            with self.app.sessions() as session:
                found = problems(health.snapshot(self.app, held, now, session))
                outbox = self.runner.leases.held(health.OUTBOX, now)
                if not outbox:
                    found = [p for p in found if p.kind != "outbox"]
                mailbox = self.runner.leases.held(health.MAILBOX, now)
                found += self._reading(session) if mailbox else []
                backlog, reading = outbox, mailbox
        except Exception as exc:  # judge from memory alone
            log.info("watchdog without the database (%s)", describe(exc))
            found = problems(health.snapshot(self.app, held, now, None))
        ran_well = {s.name: s.ok_at for s in held if s.ok_at is not None}
        judged = Judged(frozenset(s.name for s in held), backlog, reading)
        try:
            self.alerter.check(found, judged, ran_well)
        except Exception as exc:  # said in `status` and the digest, not only in the log
            self._watched(f"the alert check failed: {describe(exc)}")
            raise
        self._watched(self.alerter.trouble)

    def _reading(self, session: Session) -> list[Problem]:
        """The reading process's trouble, from the record the mailbox's passes keep; measured
        on the app's clock, which writes it."""
        broken, since = health.reading_record(session, self.app.mailbox_name)
        after = health.thresholds(self.app).alert_after
        return reading_trouble(broken, since, self.app.clock.now(), after)

    def _watched(self, trouble: str | None) -> None:
        """The watchdog's own health, written once it has had trouble (its alert went in plain
        words, or its check failed) and when that is over, so `status` and the digest say it;
        an earlier run's trouble is cleared by the first good check."""
        book, now = self.runner.book, self.wall.now()
        if trouble is not None:
            book.failed(WATCHDOG, now, trouble)
        elif book.failing(WATCHDOG):
            book.succeeded(WATCHDOG, now)

    def close(self) -> None:
        self.watcher.close()
        self.runner.book.save()  # a run's end another thread's save did not take: not lost
        now = self.wall.now()
        self.runner.leases.release_all(now)
        stopped(self.app.sessions, self.id, now)
