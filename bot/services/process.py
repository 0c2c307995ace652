"""Processing one stored message: parse, classify, decide, apply, all in one transaction."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.adapters.db.digest_barrier import reading_mail
from bot.adapters.db.faults import database_fault, unknown_code
from bot.adapters.db.models import StoredMessage
from bot.adapters.db.raw import RawBatch
from bot.adapters.db.row_write import write_alone
from bot.adapters.parsing import ParseError
from bot.app import App
from bot.core.message import MailMessage
from bot.core.message_plan import plan, reads_commands
from bot.core.rules import Classification, classify
from bot.core.stored_subject import stored_subject
from bot.services.copies import earlier_copy, message_id_reused, message_ids_reused
from bot.services.effects import Applying, apply_plan
from bot.services.failures import count_failure, describe_error, record_failure
from bot.services.gather import context_for, gather
from bot.services.held_rows import holding_rows
from bot.services.read_ahead import AheadRaws

log = logging.getLogger(__name__)


def process_message(app: App, row_id: int) -> bool:
    """True when the message was dealt with (or quarantined, or by another instance); False
    when it will be retried. Raises the database's own passing trouble (see
    bot.adapters.db.faults) uncounted: it says nothing about the message. So it does a database
    error of no known fault, for the caller to tell whose it is (bot.core.database_trouble)."""
    with app.sessions() as session:
        reading_mail(session)
        if not _claim(session, row_id):
            session.rollback()
            return True
        # Its moment is taken inside the digest's barrier (bot.adapters.db.digest_barrier).
        now = app.clock.now()
        row = session.get(StoredMessage, row_id, populate_existing=True)
        assert row is not None  # claimed just now, in this transaction
        try:
            _process(session, app, row, now, message_id_reused(session, row), row.raw)
            session.commit()
            return True
        except Exception as exc:
            session.rollback()
            if _maybe_the_database(exc):
                raise  # the database's trouble, or maybe: not counted here
            error, lasting = describe_error(exc), isinstance(exc, ParseError)
    log.warning("message #%d could not be processed (%s)", row_id, error.partition(":")[0])
    return record_failure(app, row_id, error, now, lasting)


def process_many(app: App, row_ids: list[int]) -> dict[int, bool]:
    """Process a batch of stored messages in one transaction, each in a savepoint of its own;
    what process_message would return for each.

    A message that fails is rolled back to its savepoint and its failure recorded in the same
    transaction, so one poison message never undoes its neighbours and the batch costs one
    commit. Raises when the transaction itself fails (the database went away, a savepoint
    could not be rolled back) or a message meets the database's own trouble (a lock, a
    deadlock): none of it is kept, and the caller processes the batch message by message with
    process_message.
    """
    if not row_ids:
        return {}
    with app.sessions() as session:
        # The claim is this transaction's first statement: it opens it (before any
        # SAVEPOINT, which the SQLite driver would otherwise commit on release) and takes
        # every message of the batch, as _claim explains, for one commit. Inside the digest's
        # barrier (bot.adapters.db.digest_barrier): each message's moment is taken after it.
        reading_mail(session)
        mine = _claim_all(session, row_ids)
        reused = message_ids_reused(session, sorted(mine))
        sizes = {i: mine[i].size for i in row_ids if i in mine}
        raws = AheadRaws(app, RawBatch(session, sizes), sizes)
        try:
            done = {
                row_id: _process_in_savepoint(session, app, mine[row_id], row_id in reused, raws)
                if row_id in mine
                else True
                for row_id in row_ids
            }
        finally:
            app.settle()
        session.commit()
    return done


def _process_in_savepoint(
    session: Session, app: App, row: StoredMessage, reused: bool, raws: AheadRaws
) -> bool:
    """Process one claimed message in a savepoint; a failure is counted in its place."""
    now = app.clock.now()
    row_id = row.id
    try:
        with session.begin_nested():
            _process(session, app, row, now, reused, raws.take(row_id))
            # Most mail changes its own row alone: one UPDATE, not the unit of work's flush.
            written = write_alone(session, row)
    except Exception as exc:
        if _maybe_the_database(exc):
            # A lock, a deadlock, a dropped connection: nothing the message did. The batch is
            # given up and redone message by message, none of it counted; so it is for an
            # unknown database error, told the message's or the database's there.
            raise
        error, lasting = describe_error(exc), isinstance(exc, ParseError)
    else:
        if not written:
            session.expunge(row)  # flushed: the session need not keep it till the commit
        return True
    log.warning("message #%d could not be processed (%s)", row_id, error.partition(":")[0])
    with session.begin_nested():
        return count_failure(session, app, row_id, error, now, lasting)


def _maybe_the_database(exc: BaseException) -> bool:
    return database_fault(exc) is not None or unknown_code(exc) is not None


def _claim_all(session: Session, row_ids: list[int]) -> dict[int, StoredMessage]:
    """Claim the batch (see _claim) and load the rows that are this transaction's to process,
    in one query rather than one per message: the rest another instance processed before the
    claim could be made. Read after the claim, so each row is as the claim left it."""
    session.execute(
        update(StoredMessage)
        .where(StoredMessage.id.in_(row_ids), StoredMessage.status == "stored")
        .values(status="stored")
        .execution_options(synchronize_session=False)
    )
    rows = session.scalars(
        select(StoredMessage)
        .where(StoredMessage.id.in_(row_ids), StoredMessage.status == "stored")
        .execution_options(populate_existing=True)
    )
    return {row.id: row for row in rows}


def _claim(session: Session, row_id: int) -> bool:
    """Take the message for this transaction, or learn that another instance has it.

    The first statement of the transaction writes to the row while it is still "stored": on
    PostgreSQL a second instance's claim waits on the row lock, then finds it processed; on
    SQLite it waits for the database's one writer and reads what that writer committed. So
    exactly one transaction processes each message.
    """
    claimed = session.execute(
        update(StoredMessage)
        .where(StoredMessage.id == row_id, StoredMessage.status == "stored")
        .values(status="stored")
        .execution_options(synchronize_session=False)
    )
    return bool(claimed.rowcount)  # type: ignore[attr-defined]


def _process(
    session: Session, app: App, row: StoredMessage, now: datetime, reused: bool, raw: bytes
) -> None:
    msg = app.parse(raw)
    result = classify(msg, app.rules, context_for(session, app, msg))
    _record_classification(row, msg, result)
    copy_of = earlier_copy(session, row, raw) if reused else None
    found = gather(
        session, app, msg, result, row.received_at, reused=reused, copy_of=copy_of, number=row.id
    )
    # Lines not read as commands are the sender's own words, kept whole for whoever reads them.
    parsed = found.parsed if reads_commands(found.snapshot) else None
    state = Applying(session, app, row, msg, now, found.case, found.form, parsed)
    with holding_rows(session):
        apply_plan(state, plan(found.snapshot))
        # Its hold, had it stopped passes, is over: a note left would outlive the message.
        row.status, row.processed_at, row.held_since = "processed", now, None


def _record_classification(row: StoredMessage, msg: MailMessage, result: Classification) -> None:
    row.kind, row.rule = str(result.kind), result.rule
    row.classification = {
        "reasons": list(result.reasons),
        "hits": list(result.hits),
        "misses": list(result.misses),
        "case_ref": result.case_ref,
        "reads_as_sin": result.reads_as_sin,  # `triage new-case` opens it even with no form
    }
    row.subject, row.from_addr = stored_subject(msg.subject), msg.from_addr
    row.flags = list(msg.defects)
