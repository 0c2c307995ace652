"""One full pass of every job, in the order a person would want: mail in, deadlines, mail out."""

from __future__ import annotations

from dataclasses import dataclass

from bot.app import App
from bot.services.digest import send_digest_if_due
from bot.services.ingest import IngestReport, ingest_pass
from bot.services.outbox import SendReport, send_due
from bot.services.reminders import reminder_tick
from bot.services.tick import deadline_tick


@dataclass
class PassReport:
    ingest: IngestReport
    overdue_marked: int
    reminders_queued: int
    digest_queued: bool
    outbox: SendReport


def run_once(app: App) -> PassReport:
    source = app.open_source()
    try:
        ingest = ingest_pass(app, source, full_sweep=True)
    finally:
        source.close()
    overdue = deadline_tick(app)
    reminders = reminder_tick(app)
    digest = send_digest_if_due(app)
    outbox = send_due(app, app.open_sender())
    return PassReport(ingest, overdue, reminders, digest, outbox)
