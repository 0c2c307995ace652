"""Messages the mailbox keeps refusing: counted across passes, set aside once they prove stuck.

Microsoft 365 answers some reads with an error that blames the server (Graph: a 500 with a
generic code such as generalException, or 502-504; EWS: ErrorInternalServerError). Mostly it
passes. But Exchange can give the same answer for one message on every attempt, and a pass
that fails at that message fails for ever: no other mail is read. The rule "a message that
cannot be processed is quarantined and shown to the Business Manager, never dropped and never
allowed to block the rest" is kept so:

- Only a refusal limited to the message is counted: the server gave at least one other message
  of the same batch whole, or the round's newest message when nothing of the batch was
  (bot.adapters.listing.Rounds.refused raises RefusedMessages; a batch whose reads were all
  refused reads on past its bounds for one). When the listing fails, three reads are refused
  with nothing read whole and that witness is refused too, no other message is left to read,
  or the error is the app's access or throttling (401, 403, 429, EWS ErrorAccessDenied,
  ErrorServerBusy), the fetch raises a plain MailboxError: taken for a whole-server outage, in
  which nothing is counted or set aside, however long it lasts.
- Each pass that meets such a refusal adds one to the message's count, kept in the database
  (table stuck_messages), so the passes of every instance count.
- Until the count reaches `[ingest] stuck_message_passes` and the first and latest failures
  are `stuck_message_minutes` apart, the pass fails as for any MailboxError: nothing of the
  batch is stored, the cursor stays before the message, and the next pass asks again; so a
  passing blip never sets anything aside.
- Once every refused message of the batch has proved stuck, the batch is stored with each as
  an unreadable placeholder on the triage list (the digest's quarantined messages), the rest
  is handled and released, and the cursor moves past it. The message stays in the mailbox.
- A later good read of the key deletes its count. A count that proved stuck is otherwise
  kept, so the same message listed again (a resync) is set aside at once.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.adapters.db.models import StuckMessage
from bot.adapters.mail_source import (
    Batch,
    Cursor,
    IncomingMail,
    MailSource,
    Refused,
    RefusedMessages,
    Unreadable,
    unread,
)
from bot.app import App
from bot.config.model import IngestSettings

log = logging.getLogger(__name__)


def fetch_past_stuck(
    app: App, source: MailSource, since: Cursor | None, arrived_since: datetime | None
) -> Batch:
    """source.fetch, counting the messages it refuses (see the module's rule): the batch with
    them as unreadable placeholders once all have proved stuck; until then the same
    RefusedMessages (a MailboxError), so the pass fails and nothing moves on."""
    try:
        batch = source.fetch(since, arrived_since)
    except RefusedMessages as exc:
        _forget(app, _read_whole(exc.batch.messages))
        counted = _count(app, exc.refused)
        if not all(_proved(row, app.config.ingest) for row in counted):
            raise
        return _set_aside(exc.batch, counted)
    _forget(app, _read_whole(batch.messages))
    return batch


def _read_whole(messages: Iterable[IncomingMail]) -> list[str]:
    return [m.key for m in messages if m.unreadable is None]


def _proved(row: StuckMessage, settings: IngestSettings) -> bool:
    """Failed on enough passes, spread over long enough, to be the message's own trouble."""
    span = row.last_failed_at - row.first_failed_at
    return (
        row.passes >= settings.stuck_message_passes
        and span.total_seconds() >= settings.stuck_message_minutes * 60
    )


def _count(app: App, refused: tuple[Refused, ...]) -> list[StuckMessage]:
    """One more failed pass for each refused message, committed."""
    now = app.clock.now()
    try:
        rows = _count_once(app, refused, now)
    except IntegrityError:  # another instance counted a new key at the same moment: add to it
        rows = _count_once(app, refused, now)
    settings = app.config.ingest
    for row in rows:
        log.info(
            "the mailbox refused a message on %d pass(es); it is set aside for a person after "
            "%d over %d minutes",
            row.passes,
            settings.stuck_message_passes,
            settings.stuck_message_minutes,
        )
    return rows


def _count_once(app: App, refused: tuple[Refused, ...], now: datetime) -> list[StuckMessage]:
    with app.sessions(expire_on_commit=False) as session:
        rows = [_one_more(session, r, now) for r in refused]
        session.commit()
    return rows


def _one_more(session: Session, refused: Refused, now: datetime) -> StuckMessage:
    row = session.get(StuckMessage, refused.key, with_for_update=True)
    if row is None:
        row = StuckMessage(key=refused.key, passes=0, first_failed_at=now)
        session.add(row)
    row.passes += 1
    row.last_failed_at = now
    row.last_error = refused.unreadable.error
    return row


def _forget(app: App, keys: list[str]) -> None:
    """A good read mends the count: delete the rows of keys read whole. The table is read
    whole first (it holds a handful of rows at most, usually none), so a batch with nothing
    counted, the usual case, costs one small query and writes nothing."""
    if not keys:
        return
    with app.sessions() as session:
        held = set(session.scalars(select(StuckMessage.key))).intersection(keys)
        if held:
            session.execute(delete(StuckMessage).where(StuckMessage.key.in_(sorted(held))))
            session.commit()


def _set_aside(batch: Batch, counted: list[StuckMessage]) -> Batch:
    """The batch with each stuck message as a placeholder saying how long it was refused."""
    by_key = {row.key: row for row in counted}
    messages = [_placeholder(m, by_key[m.key]) if m.key in by_key else m for m in batch.messages]
    return dataclasses.replace(batch, messages=messages)


def _placeholder(message: IncomingMail, row: StuckMessage) -> IncomingMail:
    minutes = int((row.last_failed_at - row.first_failed_at).total_seconds() // 60)
    log.warning(
        "the mailbox refused a message on %d passes over %d minutes; it waits for a person on "
        "the triage list and no longer holds up the rest of the mail",
        row.passes,
        minutes,
    )
    facts = message.unreadable or Unreadable(row.last_error)
    error = f"{facts.error.rstrip('.')} (refused on {row.passes} passes over {minutes} minutes)"
    return unread(message.key, message.arrived_at, dataclasses.replace(facts, error=error))
