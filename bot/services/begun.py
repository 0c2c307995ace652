"""Marks, committed before a message is processed, that its processing began: so that a
message whose processing stops the bot itself is set aside, not read again for ever.

A message that raises is counted in the processing transaction (bot.services.failures). One
that kills the process (a crash in C code, the kernel's OOM killer) or hangs it (the watchdog
then kills it: bot.services.supervision) takes that transaction with it: nothing is counted,
and the next pass would process the same batch, and stop, again. So `messages.begun` counts
the attempts begun and not finished, and is written in a short transaction of its own first:
- a batch: one UPDATE and one commit mark every message of it not already begun (begin_batch);
  whatever ends its processing clears the mark in the same write (processed, or counted:
  bot.services.failures), so success and failure cost no statement more;
- a stored message found begun was being processed by a process that died (or whose
  transaction the database's trouble undid): it is processed alone, after a mark of its own
  (process_alone), so the one that stops the bot is told apart from its batch neighbours,
  which go through. A first mark is a batch's, so `begun - 1` counts the times it stopped the
  bot alone: at `max_attempts` it is quarantined before it is processed again. A message is
  never counted for a stop while ANOTHER was processed: only an alone mark blames it.
"""

from __future__ import annotations

import logging

from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from bot.adapters.db.models import StoredMessage
from bot.app import App
from bot.services.failures import describe_error
from bot.services.process import process_message

log = logging.getLogger(__name__)

_STORED = StoredMessage.status == "stored"


def begin_batch(app: App, row_ids: list[int]) -> set[int]:
    """Mark the batch's messages begun and commit: those marked, to be processed together.
    The rest are begun already (to be processed alone) or no longer stored."""
    if not row_ids:
        return set()
    with app.sessions() as session:
        marked = session.scalars(
            update(StoredMessage)
            .where(StoredMessage.id.in_(row_ids), _STORED, StoredMessage.begun == 0)
            .values(begun=1)
            .returning(StoredMessage.id)
            .execution_options(synchronize_session=False)
        )
        fresh = set(marked)
        session.commit()
    return fresh


def alone_first(app: App, row_ids: list[int]) -> list[int]:
    """The order to process begun messages alone in: those that have stopped the bot alone
    least first (a batch's innocent neighbours before its culprit), then by arrival."""
    if not row_ids:
        return []
    with app.sessions() as session:
        rows = session.execute(
            select(StoredMessage.id, StoredMessage.begun).where(StoredMessage.id.in_(row_ids))
        )
        begun = {row_id: n for row_id, n in rows}
    return sorted(row_ids, key=lambda row_id: (begun.get(row_id, 0), row_id))


def process_alone(app: App, row_id: int) -> bool:
    """Process one message in a transaction of its own, its begun mark committed first; or
    quarantine it, unprocessed, when it has stopped the bot alone `max_attempts` times. What
    process_message returns, and raises."""
    if not _begin_alone(app, row_id):
        return True  # set aside now, or processed meanwhile by another instance
    try:
        return process_message(app, row_id)
    except Exception:
        # The process lives: this attempt did not stop the bot, the database's trouble did.
        _unbegin(app, row_id)
        raise


def _begin_alone(app: App, row_id: int) -> bool:
    """Mark it begun alone and commit; or set it aside when it has stopped the bot alone
    `max_attempts` times. Whether it is to be processed. The condition is in the statement,
    so that two instances never mark past the limit between them."""
    limit = app.config.ingest.max_attempts
    with app.sessions() as session:
        # A first mark counts as a batch's (0 becomes 2), so begun - 1 is its stops alone.
        marked = session.execute(
            update(StoredMessage)
            .where(StoredMessage.id == row_id, _STORED, StoredMessage.begun <= limit)
            .values(begun=case((StoredMessage.begun == 0, 2), else_=StoredMessage.begun + 1))
            .execution_options(synchronize_session=False)
        )
        go_on = bool(marked.rowcount)  # type: ignore[attr-defined]
        if not go_on:
            _set_aside(app, session, row_id, limit)
        session.commit()
    return go_on


def _set_aside(app: App, session: Session, row_id: int, limit: int) -> None:
    """Quarantine it unprocessed, for the Business Manager, like other mail that cannot be
    processed: on the triage list and in the digest, with the reason in plain words. Only as
    it was read: another instance that processed it meanwhile, or counted its failure, keeps
    what it wrote (on PostgreSQL the UPDATE waits for that instance's commit, then finds the
    row changed)."""
    begun = session.scalar(
        select(StoredMessage.begun).where(
            StoredMessage.id == row_id, _STORED, StoredMessage.begun > limit
        )
    )
    if begun is None:
        return  # processed, counted or set aside meanwhile
    stops = begun - 1
    reason = stopped_the_bot(stops)
    set_aside = session.execute(
        update(StoredMessage)
        .where(StoredMessage.id == row_id, _STORED, StoredMessage.begun == begun)
        .values(
            status="quarantined",
            processed_at=app.clock.now(),
            held_since=None,
            attempts=StoredMessage.attempts + stops,
            needs_triage=True,
            last_error=reason,
            triage_reason=reason,
        )
        .execution_options(synchronize_session=False)
    )
    if set_aside.rowcount:  # type: ignore[attr-defined]
        log.warning(
            "message #%d set aside: the bot stopped while processing it %d times", row_id, stops
        )


def stopped_the_bot(stops: int) -> str:
    return (
        f"the bot stopped while processing this message {stops} times (a crash or a hang); "
        "it was set aside so the rest of the mail goes on: open it by hand"
    )


def _unbegin(app: App, row_id: int) -> None:
    """Take back the mark of an alone attempt that ended without stopping the bot and without
    being counted (the database's trouble): it says nothing of the message. Should this fail
    too, the mark stays, and is counted as one stop: the price of never losing a real one."""
    try:
        with app.sessions() as session:
            session.execute(
                update(StoredMessage)
                .where(StoredMessage.id == row_id, _STORED, StoredMessage.begun > 1)
                .values(begun=StoredMessage.begun - 1)
                .execution_options(synchronize_session=False)
            )
            session.commit()
    except Exception as exc:
        log.warning(
            "message #%d: its begun mark could not be taken back (%s)", row_id, describe_error(exc)
        )
