"""The two jobs that are loops started once, not runs the scheduler repeats: the mailbox
watcher, which keeps one connection and waits on it (IDLE or polling) between passes, and the
outbox sender, which waits on the outbox bell. Each runs until the daemon stops and survives
any failure (recorded, backed off, retried: bot.services.jobs)."""

from __future__ import annotations

import logging
import threading

from bot.adapters.db.faults import job_error
from bot.adapters.mail_source import MailboxError, MailSource
from bot.app import App
from bot.core.backoff import retry_delay
from bot.core.health import describe
from bot.services import health
from bot.services.ingest import ingest_pass
from bot.services.jobs import Job, JobRunner
from bot.services.outbox import send_due
from bot.services.outbox_bell import OutboxBell

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
