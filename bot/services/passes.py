"""One full pass of every job, in the order a person would want: mail in, deadlines, mail out.

Each step runs whatever happened to the one before it: a mailbox or a database write that
fails while reading mail must not stop the deadlines, the digest or the sending.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from bot.app import App
from bot.clock import SystemClock
from bot.services import health
from bot.services.daily_digest import send_digest_if_due
from bot.services.failures import describe_error
from bot.services.ingest import IngestReport, ingest_pass
from bot.services.jobs import HealthBook
from bot.services.leases import instance_id
from bot.services.monthly_report import send_monthly_report_if_due
from bot.services.outbox import SendReport, send_all
from bot.services.reminders import reminder_tick
from bot.services.tick import deadline_tick

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class PassReport:
    ingest: IngestReport
    overdue_marked: int
    reminders_queued: int
    digest_queued: bool
    outbox: SendReport
    # One line per step that failed, "step: what went wrong".
    errors: list[str] = field(default_factory=list)
    monthly_report_queued: bool = False


def run_once(app: App) -> PassReport:
    """Each step is recorded as the daemon's job of the same name is, so `status` after a
    pass run from cron says when each job last ran rather than "never run"."""
    errors: list[str] = []
    book = _Book(app)
    ingest = book.step(health.MAILBOX, "mail in", lambda: _ingest(app), IngestReport(), errors)
    overdue = book.step(health.TICK, "deadlines", lambda: deadline_tick(app), 0, errors)
    reminders = book.step(health.REMINDERS, "reminders", lambda: reminder_tick(app), 0, errors)
    digest = book.step(health.DIGEST, "digest", lambda: send_digest_if_due(app), False, errors)
    monthly = book.step(
        health.DIGEST, "monthly report", lambda: send_monthly_report_if_due(app), False, errors
    )
    outbox = book.step(
        health.OUTBOX, "sending", lambda: send_all(app, app.open_sender()), SendReport(), errors
    )
    book.close()
    return PassReport(ingest, overdue, reminders, digest, outbox, errors, monthly)


class _Book:
    """The pass's record of its steps, on the wall clock `status` measures by. The digest and
    the monthly report are one job, as in the daemon: it failed if either step did."""

    def __init__(self, app: App) -> None:
        self.wall = SystemClock()
        self.book = HealthBook(
            app.sessions, f"run --once {instance_id()}", health.downtime_gap(app)
        )
        self.book.register_all(health.intervals(app))
        self.failed: set[str] = set()

    def step(self, job: str, name: str, run: Callable[[], T], nothing: T, errors: list[str]) -> T:
        """A step's end is saved with the next step's start, in one commit, a moment later
        (what status reads between steps is the same); its start before it runs, so a step
        that hangs or dies shows as started."""
        if job not in self.failed:
            self.book.started(job, self.wall.now())
        before = len(errors)
        result = _step(name, run, nothing, errors)
        trouble = errors[before:] or _mailbox_trouble(result)
        if trouble:
            self.failed.add(job)
            self.book.failed(job, self.wall.now(), trouble[0], save=False)
        elif job not in self.failed:
            self.book.succeeded(job, self.wall.now(), save=False)
        return result

    def close(self) -> None:
        """The last step's end, and any a step without a start of its own left unsaved."""
        self.book.save()


def _mailbox_trouble(result: object) -> list[str]:
    """A mailbox that could not be read fails the daemon's mailbox job though nothing raised."""
    if not isinstance(result, IngestReport):
        return []
    said = [result.mailbox_error] if result.mailbox_error else result.errors[:1]
    trouble = result.database_trouble
    return said or ([trouble] if trouble else [])


def _ingest(app: App) -> IngestReport:
    source = app.open_source()
    try:
        # run --once prints the report's errors: the one line a person reads.
        return ingest_pass(app, source, full_sweep=True, caller_says=True)
    finally:
        source.close()


def _step(name: str, run: Callable[[], T], nothing: T, errors: list[str]) -> T:
    """Run one step; a failure is reported as one line and the pass goes on to the next."""
    try:
        return run()
    except Exception as exc:
        error = f"{name}: {describe_error(exc)}"
        log.warning("step failed, the pass goes on: %s", error)
        errors.append(error)
        return nothing
