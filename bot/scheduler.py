"""The daemon: APScheduler runs the mailbox watcher, the outbox, the deadline tick and the digest
(with the monthly timeliness report).

Mail is sent as soon as it is queued: the outbox bell (bot.services.outbox_bell) wakes the
sender when a transaction that queued mail commits, and the outbox's interval is only the
safety net (and how soon mail queued by another instance or a terminal command goes out).

Every job is safe to run late or twice (the digest and every email have idempotency keys), so the
scheduler only needs to run them often; it never needs to remember what it missed while down.
Every job survives any exception (recorded, backed off, retried: bot.services.jobs); each runs on
the one instance holding its lease (bot.services.leases); a watchdog alerts the Business Manager
and the IT contact when one keeps failing or stops (bot.services.alerts).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from types import FrameType

from apscheduler.schedulers.background import BackgroundScheduler

from bot.adapters.db.faults import job_error
from bot.adapters.mail_source import MailboxError, MailSource
from bot.adapters.systemd_notify import Notifier
from bot.app import App
from bot.clock import Clock, SystemClock
from bot.core.backoff import retry_delay
from bot.core.health import Judged, describe, problems
from bot.services import health
from bot.services.alert_memory import AlertMemory, memory_path
from bot.services.alerts import Alerter
from bot.services.ingest import ingest_pass
from bot.services.jobs import MAX_BACKOFF_SECONDS, HealthBook, Job, JobRunner
from bot.services.leases import Leases, beat, instance_id, stopped
from bot.services.monthly_report import send_scheduled_reports
from bot.services.outbox import send_due
from bot.services.outbox_bell import OutboxBell
from bot.services.plain_alert import WATCHDOG
from bot.services.reminders import reminder_tick
from bot.services.supervision import Supervision
from bot.services.tick import deadline_tick

log = logging.getLogger(__name__)
IDLE_SLICE_SECONDS = 10  # longest a SIGTERM waits for an IDLE to return
FULL_SWEEP_EVERY = 20  # passes; catches anything a failed move left behind


class LoggedMailboxError(MailboxError):
    """The mailbox failed and the ingest pass has logged it."""


class DatabaseTrouble(Exception):
    """The database's passing trouble left mail waiting; the ingest pass has logged it."""


class MailboxWatcher:
    """Keeps one mailbox connection, ingests, then waits (IDLE or polling) for more.

    It never exits except on stop: any failure (the mailbox, the database, anything) closes the
    connection, is recorded, and is retried after a backoff.
    """

    def __init__(self, app: App, stop: threading.Event, runner: JobRunner) -> None:
        self.app, self.stop, self.runner = app, stop, runner
        self.job = Job(health.MAILBOX, self._ingest, health.intervals(app)[health.MAILBOX])
        runner.book.register(self.job.name, self.job.interval)
        self.source: MailSource | None = None
        self.passes = 0
        self.failures = 0
        self.said: str | None = None  # the failure last logged, in this episode
        self.slice = min(IDLE_SLICE_SECONDS, max(1, app.config.daemon.lease_seconds // 3))

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                if not self._holding():
                    self.close()  # another instance reads the mailbox
                    now = self.runner.wall.now()
                    if (cut := self.runner.leases.cut_off(self.job.name, now)) is not None:
                        raise cut  # or nobody can while the database is away: a failure
                    self.stop.wait(self.slice)
                    continue
                self._one_pass()
                self.failures, self.said = 0, None
            except Exception as exc:  # whatever it was, try again later
                self._back_off(exc)

    def _holding(self) -> bool:
        return self.runner.leases.hold(self.job.name, self.runner.wall.now())

    def _one_pass(self) -> None:
        self.runner.book.started(self.job.name, self.runner.wall.now())
        self._ingest()
        self.runner.book.succeeded(self.job.name, self.runner.wall.now())
        self._wait()

    def _ingest(self) -> None:
        if self.source is None:
            self.source, self.passes = self.app.open_source(), 0
        report = ingest_pass(self.app, self.source, full_sweep=self.passes % FULL_SWEEP_EVERY == 0)
        self.passes += 1
        if report.mailbox_error:
            raise LoggedMailboxError(report.mailbox_error)
        if report.errors:
            raise MailboxError(report.errors[0])
        if report.database_trouble:  # said by the pass; the job retries soon, backing off
            raise DatabaseTrouble(report.database_trouble)

    def _wait(self) -> None:
        assert self.source is not None
        waited = 0
        poll = self.app.config.mailbox.poll_seconds
        # Short slices so SIGTERM is honoured quickly and the lease renewed; stop early when
        # the server says mail came or another instance has taken the mailbox over.
        while waited < poll and not self.stop.is_set():
            step = min(self.slice, poll - waited)
            if self.source.wait(step) or not self._holding():
                return
            waited += step

    def _back_off(self, exc: Exception) -> None:
        self.failures += 1
        # The pass's own line for the database's trouble, as `run --once` records it: the
        # watchdog reads the kind of trouble from how it begins (bot.core.database_trouble).
        error = str(exc) if isinstance(exc, DatabaseTrouble) else job_error(exc)
        self.runner.book.failed(self.job.name, self.runner.wall.now(), error)
        if self.source is not None:
            self.close()
        delay = retry_delay(self.failures, base_seconds=2, max_seconds=300)
        # Said once while it stays the same (a wrong password fails alike every retry); the
        # pass has already said the mailbox's own errors.
        said, self.said = self.said, describe(exc)
        loud = self.said != said and not isinstance(exc, (LoggedMailboxError, DatabaseTrouble))
        level = logging.WARNING if loud else logging.INFO
        log.log(level, "mailbox job failed (%s); retrying in %s", self.said, delay)
        self.stop.wait(delay.total_seconds())

    def close(self) -> None:
        try:
            if self.source is not None:
                self.source.close()
        except Exception:  # a connection that will not close is dropped anyway
            pass
        self.source = None


class OutboxSender:
    """Sends the outbox whenever the bell rings, and at least every outbox interval.

    Only the instance holding the outbox lease sends (JobRunner), and each row is claimed
    before it is sent (bot.services.outbox), so a ring on two instances never sends twice.
    """

    def __init__(self, app: App, stop: threading.Event, runner: JobRunner) -> None:
        self.app, self.stop, self.runner = app, stop, runner
        self.bell = OutboxBell()
        self.job = Job(health.OUTBOX, self._send, health.intervals(app)[health.OUTBOX])
        runner.book.register(self.job.name, self.job.interval)
        self.more = False

    def _send(self) -> None:
        self.more = send_due(self.app, self.app.open_sender()).more

    def run(self) -> None:
        self.bell.attach(self.app.sessions)
        try:
            while not self.stop.is_set():
                self.more = False
                try:
                    self.runner.run_once(self.job)
                except Exception:  # the runner records the job's failures; this keeps the loop
                    log.exception("outbox run failed")
                # A ring during the run is kept, so mail committed meanwhile is not left
                # for the tick; a full batch goes round again at once.
                if not self.more:
                    self.bell.wait(self.job.interval.total_seconds())
        finally:
            self.bell.detach()


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
        """The watchdog: alert on jobs this instance holds that keep failing or have stopped."""
        now = self.wall.now()
        held = tuple(s for s in self.runner.book.states() if self.runner.leases.mine(s.name, now))
        backlog = False  # whether the outbox's backlog was read, to tell its trouble over
        try:
            with self.app.sessions() as session:
                found = problems(health.snapshot(self.app, held, now, session))
                backlog = self.runner.leases.held(health.OUTBOX, now)
                if not backlog:
                    found = [p for p in found if p.kind != "outbox"]
        except Exception as exc:  # judge from memory alone
            log.info("watchdog without the database (%s)", describe(exc))
            found = problems(health.snapshot(self.app, held, now, None))
        ran_well = {s.name: s.ok_at for s in held if s.ok_at is not None}
        try:
            self.alerter.check(found, Judged(frozenset(s.name for s in held), backlog), ran_well)
        except Exception as exc:  # said in `status` and the digest, not only in the log
            self._watched(f"the alert check failed: {describe(exc)}")
            raise
        self._watched(self.alerter.trouble)

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


def _guarded(name: str, job: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        try:
            job()
        except Exception:  # the scheduler must keep every job
            log.exception("job %s failed", name)

    return run


def run_daemon(app: App, stop: threading.Event | None = None) -> None:
    """Run until SIGTERM/SIGINT (or `stop` is set), then finish the jobs in hand and return."""
    stop = stop or threading.Event()
    _install_signal_handlers(stop)
    daemon = Daemon(app, stop)
    # No run is ever skipped for starting late: APScheduler's default skips one more than a
    # second late, and the mailbox watcher and the sender are loops started once, so on a busy
    # machine the daemon came up neither reading nor sending (tests/test_daemon_wake.py).
    scheduler = BackgroundScheduler(
        timezone=app.config.partnership.time_zone, job_defaults={"misfire_grace_time": None}
    )
    start = datetime.now(app.config.partnership.time_zone)  # first run at once, then every ...
    lease = app.config.daemon.lease_seconds
    keeper = timedelta(seconds=max(1.0, lease / 3))
    _every(scheduler, "keeper", daemon.keep, keeper, start)
    for job in daemon.jobs():
        _every(scheduler, job.name, daemon.runner.wrap(job), job.interval, start)
    _every(scheduler, "watchdog", daemon.watch, keeper, start + keeper)
    notifier = Notifier.from_environ(os.environ)
    supervision = Supervision(
        notifier, daemon.runner.book, app.config.daemon.stall_factor, daemon.wall
    )
    if notifier.watchdog_interval is not None:
        _every(scheduler, "systemd-watchdog", supervision.check, notifier.watchdog_interval, start)
    for name, loop in (("mailbox", daemon.watcher.run), ("outbox", daemon.sender.run)):
        scheduler.add_job(_guarded(name, loop), id=name, name=name, max_instances=1)
    log.info("tscp-bot started: watching %s as %s", app.mailbox_name, daemon.id)
    scheduler.start()
    supervision.ready(app.mailbox_name)
    stop.wait()
    log.info("stopping: finishing the jobs in hand")
    supervision.stopping()
    daemon.sender.bell.ring()  # out of its wait, to see the stop
    scheduler.shutdown(wait=True)
    daemon.close()
    log.info("stopped")


def _every(
    scheduler: BackgroundScheduler,
    name: str,
    run: Callable[[], object],
    every: timedelta,
    start: datetime,
) -> None:
    scheduler.add_job(
        _guarded(name, run),
        "interval",
        seconds=every.total_seconds(),
        id=name,
        name=name,
        next_run_time=start,
        max_instances=1,
        coalesce=True,
    )


def _install_signal_handlers(stop: threading.Event) -> None:
    if threading.current_thread() is not threading.main_thread():
        return

    def handler(signum: int, _frame: FrameType | None) -> None:
        log.info("received signal %d", signum)
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
