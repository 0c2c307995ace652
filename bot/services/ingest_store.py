"""Storing one batch of fetched mail (bot.services.ingest's first step), in one transaction
the caller commits. A run of messages new to the database goes in together, in one savepoint
(bot.services.store.store_fresh); should any of them fail, each is stored again alone, in a
savepoint of its own, as every message that is not plainly new always is (one held already,
the same bytes twice in the batch, one the mailbox would not give): so one message that
cannot be stored still undoes none of its neighbours, and the rows take ids in the
mailbox's order whichever way they went in."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy.orm import Session

from bot.adapters.db.faults import database_fault
from bot.adapters.mail_source import IncomingMail
from bot.app import App
from bot.services.failures import describe_error
from bot.services.ingest_report import IngestReport
from bot.services.store import (
    Held,
    Stored,
    store_fresh,
    store_raw,
    store_unread,
    store_unstorable,
)

log = logging.getLogger(__name__)


def store_batch(
    app: App, session: Session, messages: list[IncomingMail], report: IngestReport, held: Held
) -> Iterator[tuple[IncomingMail, Stored]]:
    """Store each message, in the order given; each one stored, with its row. `held`:
    held_already's answer for these messages."""
    run: list[IncomingMail] = []
    digests: set[str] = set(held.rows)
    for incoming in messages:
        if incoming.unreadable is None:
            digest = held.digest(incoming.raw)
            if digest not in digests:
                digests.add(digest)
                run.append(incoming)
                continue
        yield from _store_run(app, session, run, report, held)
        run = []
        stored = _store_one(app, session, incoming, report, held)
        if stored is not None:
            yield incoming, stored
    yield from _store_run(app, session, run, report, held)


def _store_run(
    app: App, session: Session, run: list[IncomingMail], report: IngestReport, held: Held
) -> Iterator[tuple[IncomingMail, Stored]]:
    """Messages new to the database and to one another: together, else each alone."""
    together = None
    if len(run) > 1 and not report.trouble.stopped:
        together = store_fresh(session, run, app.clock.now(), held)
    if together is None:
        for incoming in run:
            stored = _store_one(app, session, incoming, report, held)
            if stored is not None:
                yield incoming, stored
        return
    report.trouble.answered()
    yield from zip(run, together, strict=True)


def storing_failed(report: IngestReport, exc: Exception, *, stays: bool = True) -> bool:
    """Say why mail could not be stored; whether it was the database's own passing trouble (a
    lock, a deadlock, a lost connection), said as such and never as the message's fault nor
    the mailbox's: the mail stays in the inbox and is stored by a later pass. `stays`: record
    any other failure too (the whole batch's; a message's own is the caller's to say)."""
    fault = database_fault(exc)
    if fault is not None:
        detail = f"storing mail: {describe_error(exc)} (the mail stays in the inbox)"
        report.trouble.fault(fault, detail, messages=0)
    elif stays:
        report.errors.append(f"storing mail failed: {describe_error(exc)}")
    return fault is not None


def _store_one(
    app: App,
    session: Session,
    incoming: IncomingMail,
    report: IngestReport,
    held: Held,
) -> Stored | None:
    """Store one message in a savepoint; one that cannot be stored as it is is kept
    quarantined, and one that cannot be kept at all stays in the inbox. Either way only its
    savepoint is undone (store_raw writes nothing outside one) and the next message is
    stored."""
    now = app.clock.now()
    if report.trouble.stopped:  # each would only wait on the database in its turn
        report.not_stored += 1
        return None
    if incoming.unreadable is not None:
        return _store_unread(session, incoming, now, report)
    try:
        stored = store_raw(session, incoming.raw, incoming.key, now, incoming.arrived_at, held=held)
    except Exception as exc:
        if storing_failed(report, exc, stays=False):
            report.not_stored += 1  # the database's trouble: kept for a retry, not quarantined
            return None
        error = describe_error(exc)
    else:
        report.trouble.answered()  # storing says nothing of the suspects' processing
        return stored
    log.warning("a message could not be stored (%s); quarantining it", error.partition(":")[0])
    try:
        stored = store_unstorable(
            session, incoming.raw, incoming.key, now, incoming.arrived_at, error
        )
    except Exception as exc:
        report.not_stored += 1
        report.errors.append(f"a message could not be stored and stays in the inbox: {error}")
        log.warning("nor quarantined (%s); it stays in the inbox", type(exc).__name__)
        return None
    report.quarantined += 1
    return stored


def _store_unread(
    session: Session, incoming: IncomingMail, now: datetime, report: IngestReport
) -> Stored | None:
    """A placeholder on the triage list for a message the mailbox would not give; if even
    that cannot be written, the cursor stays where it is and the next pass asks again."""
    try:
        stored = store_unread(session, incoming, now)
    except Exception as exc:
        report.not_stored += 1
        if not storing_failed(report, exc, stays=False):
            error = describe_error(exc)
            report.errors.append(f"an unreadable message could not be recorded: {error}")
        return None
    report.quarantined += stored.new
    return stored
