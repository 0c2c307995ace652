"""Ingest: store every waiting message, process what is stored, then release it on the server.

The inbox is read in batches every source bounds by count and bytes, so a backlog of any size
holds one batch in memory. Order matters and is the whole point of this module; per batch:
1. the raw bytes are stored and committed before anything else happens, in one transaction
   (bot.services.ingest_store): one that cannot be stored is kept quarantined, or left in the
   inbox, in a savepoint of its own, without undoing its neighbours;
2. the batch's messages are processed in one transaction, a savepoint each; a failure is
   counted and, after `max_attempts`, the message is quarantined for a person, never retried
   for ever (bot.services.process.process_many); the batch is marked begun, committed, first,
   so that a message whose processing kills the bot is told apart on the next pass and set
   aside too (bot.services.begun); the database's own passing trouble (a lock,
   a deadlock, a lost connection) is never counted, and stops the pass when it persists
   (bot.services.process_stored);
3. only after that commit is the batch moved out of the inbox (bot.services.release), so a
   crash anywhere leaves each message either still in the inbox (and deduplicated next time)
   or already recorded;
4. only mail the bot fully handled moves to Processed; mail that needs a person stays where
   the Business Manager works until `triage done N`.

Mail that arrived before the `since` cut-off is never fetched, stored or moved: it is counted,
and the count is kept on the mailbox state for the terminal and the digest.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.adapters.db.models import MailboxState
from bot.adapters.mail_source import Cursor, LeftInInbox, MailboxError, MailSource
from bot.app import App
from bot.services.ingest_report import IngestReport as IngestReport  # passes, scheduler
from bot.services.ingest_store import store_batch, storing_failed
from bot.services.junk_folder import look_at_junk
from bot.services.process_stored import process_ids, process_stored, settle_suspects
from bot.services.reading import check_reading, record_reading
from bot.services.release import release_batch
from bot.services.release import release_now as release_now  # `tscp-bot mail`, triage
from bot.services.store import held_already
from bot.services.stuck_messages import fetch_past_stuck

log = logging.getLogger(__name__)


def ingest_pass(
    app: App, source: MailSource, *, full_sweep: bool = True, caller_says: bool = False
) -> IngestReport:
    """Read the inbox batch by batch (the source bounds each by count and bytes): store the
    batch and commit, process it and commit, then move what was handled; so memory holds one
    batch, and a crash anywhere leaves each message in the inbox or recorded, never neither."""
    report = IngestReport()
    reading = check_reading(app)  # a broken reading process tried again, at most this often
    cursor: Cursor | None = None
    first = True
    while True:
        try:
            batch, keys = _fetch_and_store(app, source, full_sweep, first, cursor, report)
        except MailboxError as exc:
            _record_mailbox_error(app, str(exc), caller_says)
            report.errors.append(str(exc))
            report.mailbox_error = str(exc)
            break
        except Exception as exc:
            # The database failed while storing: what was stored before it is still processed.
            storing_failed(report, exc)
            break
        if first:
            # With the first batch, whatever earlier passes stored and did not finish.
            process_stored(app, report)
        else:
            process_ids(app, sorted(batch.new_ids), report)
        first = False
        # The last batch also moves what earlier passes (or batches) left to move.
        moved = release_batch(app, source, keys, report.errors, pending=not batch.more)
        report.released += moved.released
        report.waiting_for_a_person += moved.waiting_for_a_person
        if not batch.more or report.trouble.stopped:
            break  # the rest waits in the inbox while the database is unwell
        cursor = batch.cursor
    if first:
        process_stored(app, report)  # nothing read: still finish what is stored
    settle_suspects(app, report)
    if report.mailbox_error is None:  # a mailbox already failing is said once, above
        look_at_junk(app, source)  # never read, only told: a failed look stops nothing
    record_reading(app, reading)
    if report.database_trouble:
        log.warning("%s", report.database_trouble)
    return report


def _ensure_state(app: App) -> None:
    """Create the mailbox's state row unless it exists. Two instances starting on a fresh
    database both try; the one whose insert loses finds the other's row and carries on."""
    with app.sessions() as session:
        if session.get(MailboxState, app.mailbox_name) is not None:
            return
        session.add(MailboxState(name=app.mailbox_name))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()


def _state(session: Session, name: str) -> MailboxState:
    state = session.get(MailboxState, name)
    if state is None:
        state = MailboxState(name=name)
        session.add(state)
    return state


@dataclass(frozen=True)
class _Stored:
    """One batch as stored: the ids of the rows it made new (to process now) and whether the
    mailbox has more after it."""

    new_ids: frozenset[int]
    more: bool
    cursor: Cursor | None


def _fetch_and_store(
    app: App,
    source: MailSource,
    full_sweep: bool,
    first: bool,
    cursor: Cursor | None,
    report: IngestReport,
) -> tuple[_Stored, dict[str, int]]:
    """Fetch the next batch and store it in one transaction (bot.services.ingest_store), with
    the cursor; what was stored, and the stored row of each key."""
    if first:
        _ensure_state(app)
    with app.sessions() as session:
        state = _state(session, app.mailbox_name)
        if first and not full_sweep:
            cursor = Cursor.stored(state.uidvalidity, state.last_uid, state.sync_state)
        since = app.config.ingest.since or state.left_before
    # Read with no transaction open: a slow mailbox never holds the database's write lock.
    batch = fetch_past_stuck(app, source, cursor, _start_of(app, since))
    report.fetched += len(batch.messages)
    report.left, report.left_before = _add_left(report.left, batch.left), since
    with app.sessions() as session:
        # A write first: it opens the transaction before the savepoints (the SQLite driver
        # would commit a SAVEPOINT that opened one on its release) and, on PostgreSQL, keeps a
        # second instance's batch of the same mail waiting for this one, not racing it.
        _hold_state(session, app.mailbox_name)
        state = _state(session, app.mailbox_name)
        keys: dict[str, int] = {}
        new: set[int] = set()
        not_stored = report.not_stored
        held = held_already(session, [m.raw for m in batch.messages])
        for incoming, stored in store_batch(app, session, batch.messages, report, held):
            keys[incoming.key] = stored.id
            if stored.new:
                new.add(stored.id)
            report.stored += stored.new
            report.duplicates += not (stored.new or stored.again)
        messages = len(batch.messages)
        del held  # it keeps each message's bytes beside its digest
        del batch.messages[:]  # stored: their bytes need not wait for the next batch
        _remember_left(state, since, batch.left, whole_inbox=first and cursor is None)
        if batch.cursor is not None and not report.not_stored:
            # Advanced only when every message up to it is safely stored: one that could not
            # be is fetched again on the next pass, never skipped.
            _advance(state, batch.cursor, final=not batch.more)
        _record_pass(app, state, report)
        session.commit()
    if report.not_stored > not_stored:
        log.info(
            "%d of %d message(s) in this batch stay in the inbox",
            report.not_stored - not_stored,
            messages,
        )
    return _Stored(frozenset(new), batch.more and batch.cursor is not None, batch.cursor), keys


def _hold_state(session: Session, name: str) -> None:
    session.execute(
        update(MailboxState)
        .where(MailboxState.name == name)
        .values(name=name)
        .execution_options(synchronize_session=False)
    )


def _advance(state: MailboxState, cursor: Cursor, *, final: bool) -> None:
    """Keep the cursor; a batch of a full sweep short of the one already kept does not pull it
    back, so a pass cut short re-reads only what is new."""
    behind = (
        not final
        and not cursor.sync_state
        and state.uidvalidity == cursor.uidvalidity
        and cursor.last_uid <= (state.last_uid or 0)
    )
    if behind:
        return
    state.uidvalidity, state.last_uid = cursor.uidvalidity, cursor.last_uid
    state.sync_state = cursor.sync_state or None


def _add_left(before: LeftInInbox, more: LeftInInbox) -> LeftInInbox:
    oldest = [t for t in (before.oldest, more.oldest) if t is not None]
    return LeftInInbox(before.count + more.count, min(oldest, default=None))


def _record_pass(app: App, state: MailboxState, report: IngestReport) -> None:
    if report.not_stored:
        state.last_error = f"{report.not_stored} message(s) could not be stored"
        state.last_error_at = app.clock.now()
    else:
        state.last_success_at, state.last_error = app.clock.now(), None


def _start_of(app: App, day: date | None) -> datetime | None:
    """Midnight at the start of day, in the partnership's time zone."""
    if day is None:
        return None
    return datetime.combine(day, time(0), tzinfo=app.config.partnership.time_zone)


def _remember_left(
    state: MailboxState, since: date | None, left: LeftInInbox, *, whole_inbox: bool
) -> None:
    """Keep the cut-off (so a later run without one cannot flood the Business Manager with
    old mail) and what it left behind: a whole-inbox look replaces the count, a look past
    the cursor adds to it."""
    if since != state.left_before or whole_inbox:
        state.left_count, state.left_oldest = 0, None
    state.left_before = since
    state.left_count += left.count
    if left.oldest is not None:
        earlier = state.left_oldest
        state.left_oldest = left.oldest if earlier is None else min(earlier, left.oldest)
    if left.count:
        log.warning("left %d messages that arrived before %s in the inbox", left.count, since)


def _record_mailbox_error(app: App, error: str, caller_says: bool) -> None:
    """Warned when it begins, then info (it lasts till a person acts); debug if the caller says."""
    again = False
    try:
        _ensure_state(app)
        with app.sessions() as session:
            state = _state(session, app.mailbox_name)
            again = state.last_error == error
            state.last_error, state.last_error_at = error, app.clock.now()
            session.commit()
    finally:
        level = logging.DEBUG if caller_says else logging.INFO if again else logging.WARNING
        log.log(level, "mailbox check failed: %s", error)
