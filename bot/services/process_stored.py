"""Processing what is stored, a batch per transaction, for an ingest pass.

A message that fails is counted towards quarantine (bot.services.failures); the database's own
passing trouble (a lock held too long, a deadlock, a lost connection: bot.core.database_trouble)
is not: the message stays stored for the next pass, and several such faults in a row end the
pass's processing, which then says "database trouble". A database error of no known fault is
held uncounted until it is known whose it is: the same one met by several different messages in
a row is the database's (a table renamed away), and stops the pass as well, said as "database
error"; one that the next message does not meet was the message's own, and is counted then.
Messages that have stopped passes so for HELD_FOR no longer stop one: the mail behind them is
tried, and once it goes through theirs is counted as their own (bot.core.database_trouble)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.adapters.db.faults import database_fault, unknown_code
from bot.adapters.db.models import StoredMessage
from bot.app import App
from bot.core.database_trouble import HELD_FOR
from bot.services.begun import alone_first, begin_batch, process_alone
from bot.services.failures import describe_error, record_failure
from bot.services.ingest_report import IngestReport
from bot.services.process import process_many

log = logging.getLogger(__name__)
_PROCESS_BATCH = 100  # stored messages processed per transaction when catching up


def process_stored(app: App, report: IngestReport) -> None:
    """Everything stored and not yet processed, by this pass or an earlier one."""
    try:
        waiting = _waiting(app, report)
    except Exception as exc:
        if not _database_fault(report, exc, messages=0):
            raise
        return
    for start in range(0, len(waiting), _PROCESS_BATCH):
        process_ids(app, waiting[start : start + _PROCESS_BATCH], report)


def _waiting(app: App, report: IngestReport) -> list[int]:
    with app.sessions() as session:
        _overdue(session, report, app.clock.now())
        return list(
            session.scalars(
                select(StoredMessage.id)
                .where(StoredMessage.status == "stored")
                .order_by(StoredMessage.id)
            )
        )


def _overdue(session: Session, report: IngestReport, now: datetime) -> None:
    """The stored messages that have stopped passes for HELD_FOR; those of them behind which
    mail has been processed since their hold began are proven to hold by a fault of their own."""
    held = session.execute(
        select(StoredMessage.id, StoredMessage.held_since).where(
            StoredMessage.status == "stored", StoredMessage.held_since <= now - HELD_FOR
        )
    ).all()
    if not held:
        return
    last = session.scalar(
        select(func.max(StoredMessage.processed_at)).where(StoredMessage.status == "processed")
    )
    report.trouble.overdue = frozenset(row_id for row_id, _ in held)
    report.trouble.proven = frozenset(
        row_id for row_id, since in held if last is not None and since is not None and last > since
    )


def process_ids(app: App, row_ids: list[int], report: IngestReport) -> None:
    """Process a batch in one transaction; should that fail as a whole, one by one."""
    if report.trouble.stopped:
        report.trouble.left += len(row_ids)
        return
    try:
        # Marked begun first, committed (bot.services.begun): those begun already, whose
        # process died, go alone after the rest, so the one that stops the bot is told apart.
        together = begin_batch(app, row_ids)
        done = process_many(app, [row_id for row_id in row_ids if row_id in together])
    except Exception as exc:
        log.warning("a batch could not be processed together (%s)", describe_error(exc))
        _database_fault(report, exc, messages=0)  # each is counted as it meets it
        done = _one_by_one(app, row_ids, report)
    else:
        if done:
            _went_through(app, report, processed=any(done.values()))
        alone = alone_first(app, [row_id for row_id in row_ids if row_id not in together])
        done.update(_one_by_one(app, alone, report))
    report.processed += sum(done.values())
    report.failed += len(done) - sum(done.values())


def _one_by_one(app: App, row_ids: list[int], report: IngestReport) -> dict[int, bool]:
    done: dict[int, bool] = {}
    for n, row_id in enumerate(row_ids):
        if report.trouble.stopped:
            report.trouble.left += len(row_ids) - n  # waiting on the database, not tried
            break
        try:
            done[row_id] = process_alone(app, row_id)
        except Exception as exc:  # even recording the failure failed: try the next one
            done[row_id] = False
            if _database_fault(report, exc):
                continue
            if (code := unknown_code(exc)) is not None:
                _count(app, report, report.trouble.unknown(code, row_id, describe_error(exc)))
                continue
            report.errors.append(f"message #{row_id}: {describe_error(exc)}")
        else:
            _went_through(app, report, processed=done[row_id])
    return done


def settle_suspects(app: App, report: IngestReport) -> None:
    """At the pass's end: the messages still held on an unknown database error, too few in
    a row to be the database's, are counted each as its own failure."""
    _count(app, report, report.trouble.settle())
    _hold(app, report.trouble.held)


def _hold(app: App, row_ids: set[int]) -> None:
    """Note when these messages began stopping the pass, unless noted already; a note not
    written is written by the next pass they stop, their hold counted from then."""
    if not row_ids:
        return
    try:
        with app.sessions() as session:
            session.execute(
                update(StoredMessage)
                .where(StoredMessage.id.in_(row_ids), StoredMessage.held_since.is_(None))
                .values(held_since=app.clock.now())
            )
            session.commit()
    except Exception as exc:
        log.warning("the messages stopping the pass could not be noted (%s)", describe_error(exc))


def _went_through(app: App, report: IngestReport, *, processed: bool) -> None:
    _count(app, report, report.trouble.went_through(processed))


def _count(app: App, report: IngestReport, owed: list[tuple[int, str]]) -> None:
    """Count, as their own failures, the held messages whose error was theirs."""
    for row_id, error in owed:
        log.warning("message #%d could not be processed (%s)", row_id, error.partition(":")[0])
        try:
            record_failure(app, row_id, error, app.clock.now(), False)
        except Exception as exc:  # not counted this pass: it meets its error again next one
            report.errors.append(f"message #{row_id}: {describe_error(exc)}")


def _database_fault(report: IngestReport, exc: BaseException, *, messages: int = 1) -> bool:
    """Note `exc` when it is the database's passing trouble; whether it was."""
    fault = database_fault(exc)
    if fault is not None:
        report.trouble.fault(fault, describe_error(exc), messages=messages)
    return fault is not None
