"""The daemon: APScheduler runs the mailbox watcher, the outbox, the deadline tick and the digest
(with the monthly timeliness report): the instance and its watchdog in bot.scheduler.daemon, the
mailbox watcher and the outbox sender, loops started once, in bot.scheduler.loops.

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

from bot.adapters.systemd_notify import Notifier
from bot.app import App
from bot.scheduler.daemon import Daemon
from bot.services.supervision import Supervision

log = logging.getLogger(__name__)


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
