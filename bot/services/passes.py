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
from bot.services.digest import send_digest_if_due
from bot.services.failures import describe_error
from bot.services.ingest import IngestReport, ingest_pass
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
    errors: list[str] = []
    ingest = _step("mail in", lambda: _ingest(app), IngestReport(), errors)
    overdue = _step("deadlines", lambda: deadline_tick(app), 0, errors)
    reminders = _step("reminders", lambda: reminder_tick(app), 0, errors)
    digest = _step("digest", lambda: send_digest_if_due(app), False, errors)
    monthly = _step("monthly report", lambda: send_monthly_report_if_due(app), False, errors)
    outbox = _step("sending", lambda: send_all(app, app.open_sender()), SendReport(), errors)
    return PassReport(ingest, overdue, reminders, digest, outbox, errors, monthly)


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
