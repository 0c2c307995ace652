"""The daemon: APScheduler runs the mailbox watcher, the outbox, the deadline tick and the digest.

Every job is safe to run late or twice (the digest and every email have idempotency keys), so the
scheduler only needs to run them often; it never needs to remember what it missed while down.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import datetime
from types import FrameType

from apscheduler.schedulers.background import BackgroundScheduler

from bot.adapters.mailbox import MailboxError, MailSource
from bot.app import App
from bot.core.backoff import retry_delay
from bot.services.digest import send_digest_if_due
from bot.services.ingest import ingest_pass
from bot.services.outbox import send_due
from bot.services.reminders import reminder_tick
from bot.services.tick import deadline_tick

log = logging.getLogger(__name__)
IDLE_SLICE_SECONDS = 10  # longest a SIGTERM waits for an IDLE to return
FULL_SWEEP_EVERY = 20  # passes; catches anything a failed move left behind


class MailboxWatcher:
    """Keeps one mailbox connection, ingests, then waits (IDLE or polling) for more."""

    def __init__(self, app: App, stop: threading.Event) -> None:
        self.app, self.stop = app, stop
        self.source: MailSource | None = None
        self.passes = 0
        self.failures = 0

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self._one_pass()
                self.failures = 0
            except MailboxError as exc:
                self._back_off(str(exc))

    def _one_pass(self) -> None:
        if self.source is None:
            self.source, self.passes = self.app.open_source(), 0
        report = ingest_pass(self.app, self.source, full_sweep=self.passes % FULL_SWEEP_EVERY == 0)
        self.passes += 1
        if report.errors:
            raise MailboxError(report.errors[0])
        waited = 0
        poll = self.app.config.mailbox.poll_seconds
        # Short slices so SIGTERM is honoured quickly; stop early when the server says mail came.
        while waited < poll and not self.stop.is_set():
            step = min(IDLE_SLICE_SECONDS, poll - waited)
            if self.source.wait(step):
                return
            waited += step

    def _back_off(self, error: str) -> None:
        self.failures += 1
        if self.source is not None:
            self.close()
        delay = retry_delay(self.failures, base_seconds=2, max_seconds=300)
        log.warning("mailbox unavailable (%s); retrying in %s", error, delay)
        self.stop.wait(delay.total_seconds())

    def close(self) -> None:
        try:
            if self.source is not None:
                self.source.close()
        except MailboxError:
            pass
        self.source = None


def _guarded(name: str, job: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        try:
            job()
        except Exception:
            log.exception("job %s failed", name)

    return run


def run_daemon(app: App, stop: threading.Event | None = None) -> None:
    """Run until SIGTERM/SIGINT (or `stop` is set), then finish the jobs in hand and return."""
    stop = stop or threading.Event()
    _install_signal_handlers(stop)
    watcher = MailboxWatcher(app, stop)
    scheduler = BackgroundScheduler(timezone=app.config.partnership.time_zone)
    start = datetime.now(app.config.partnership.time_zone)  # first run at once, then every ...
    periodic: list[tuple[str, Callable[[], object], int]] = [
        ("outbox", lambda: send_due(app, app.open_sender()), 15),
        ("deadline-tick", lambda: deadline_tick(app), 300),
        ("reminders", lambda: reminder_tick(app), 300),
        ("digest", lambda: send_digest_if_due(app), 300),
    ]
    for name, job, seconds in periodic:
        scheduler.add_job(
            _guarded(name, job),
            "interval",
            seconds=seconds,
            id=name,
            next_run_time=start,
            max_instances=1,
            coalesce=True,
        )
    scheduler.add_job(_guarded("mailbox", watcher.run), id="mailbox", max_instances=1)
    log.info("tscp-bot started: watching %s", app.mailbox_name)
    scheduler.start()
    stop.wait()
    log.info("stopping: finishing the jobs in hand")
    scheduler.shutdown(wait=True)
    watcher.close()
    log.info("stopped")


def _install_signal_handlers(stop: threading.Event) -> None:
    if threading.current_thread() is not threading.main_thread():
        return

    def handler(signum: int, _frame: FrameType | None) -> None:
        log.info("received signal %d", signum)
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
