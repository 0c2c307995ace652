"""The claim on an outbox row: while it holds, no other instance sends that email.

A claim is a time, claimed_until, read and written on the database's clock
(bot.adapters.db.db_clock), so instances whose own clocks differ (or a command at the terminal
run with `--now`) agree on who holds it. It is taken when the row is picked up and taken again,
for its full length, in the commit that opens a send attempt: the send then has the whole claim
however long the Sent folder search before it took. A send gives up within SEND_SECONDS
(bot.adapters.outgoing), a small part of the claim, so a claim never runs out while the email
may still be on its way, and another instance never finds "nothing in Sent Items yet" for an
email that is still being sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, RowMapping, Table, Update, bindparam, inspect, or_, update
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.dml import ReturningUpdate

from bot.adapters.db.db_clock import SERVER_NOW, database_now, process_now, server_clock
from bot.adapters.db.models import OutboxMessage
from bot.adapters.outgoing import SEND_SECONDS

# Four sends' length (16 minutes): room beyond the send for the commits around it, a slow
# token or DNS answer, and a stall of the process.
CLAIM = timedelta(seconds=4 * SEND_SECONDS)


# The statements are built once, not per email: building an ORM UPDATE for every email cost
# more than running it. The claim is a Core statement on the table, read back as the row by
# its own RETURNING (both databases have it), so claiming and reading the row are one
# statement; the renewal writes the attempt's start with it, as the two are committed together.
# On PostgreSQL each reads the server's clock itself, where the claim is compared and set, and
# returns the end it wrote: asking for the clock first was a statement more for each (two an
# email). SQLite's clock is this process's, read without a statement and passed in.
_OUTBOX = cast(Table, OutboxMessage.__table__)
_ROWS = inspect(OutboxMessage).class_manager
_TIME = _OUTBOX.c.claimed_until.type
_STARTED = bindparam("started", type_=_OUTBOX.c.attempt_started_at.type)


def _claim_at(now: ColumnElement[datetime], until: ColumnElement[datetime]) -> ReturningUpdate[Any]:
    """The claim of a row, at `now` and until `until`, read back as the row's values."""
    return (
        update(_OUTBOX)
        .where(
            _OUTBOX.c.id == bindparam("row_id"),
            _OUTBOX.c.status == "pending",
            # Re-checked here: another instance may have failed it and set a later retry.
            _OUTBOX.c.next_attempt_at <= bindparam("due_by"),
            or_(_OUTBOX.c.claimed_until.is_(None), _OUTBOX.c.claimed_until < now),
        )
        .values(claimed_until=until)
        .returning(*_OUTBOX.c)
    )


def _renew_until(until: ColumnElement[datetime]) -> Update:
    """The claim renewed until `until` with the attempt's start, if it is still `held`."""
    return (
        update(_OUTBOX)
        .where(_OUTBOX.c.id == bindparam("row_id"), _OUTBOX.c.claimed_until == bindparam("held"))
        .values(claimed_until=until, attempt_started_at=_STARTED)
    )


_UNTIL = bindparam("until", type_=_TIME)
_CLAIMED_ROW = _claim_at(bindparam("now", type_=_TIME), _UNTIL)
_RENEW = _renew_until(_UNTIL)
_CLAIMED_ROW_ON_SERVER = _claim_at(SERVER_NOW, SERVER_NOW + CLAIM)
_RENEW_ON_SERVER = _renew_until(SERVER_NOW + CLAIM).returning(_OUTBOX.c.claimed_until)
# What every email that went writes, whatever the database: built once, as the claim is, for
# the unit of work's flush of the row cost more than the statement.
_SENT_VALUES: dict[str, object] = {
    "status": "sent",
    "last_error": None,
    "attempt_started_at": None,
    "claimed_until": None,
}
_SENT = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("row_id"))
    .values(sent_at=bindparam("sent_at", type_=_OUTBOX.c.sent_at.type), **_SENT_VALUES)
)


class ClaimLost(Exception):
    """Another instance took the row while this one searched its Sent folder (a claim's
    length of searching): that instance sends it, or has."""


def claim(session: Session, row_id: int, due_by: datetime) -> tuple[OutboxMessage, datetime] | None:
    """Claim a pending row whose retry is due by `due_by` (the bot's clock: when mail is due is
    the bot's business): the row, as the claim left it, and when the claim ends (the
    database's clock); or None when the row is not ours to send (sent, claimed by another
    instance, its retry not yet due)."""
    values: dict[str, object] = {"row_id": row_id, "due_by": due_by}
    if server_clock(session):
        found = session.execute(_CLAIMED_ROW_ON_SERVER, values).mappings().first()
        until = found["claimed_until"] if found is not None else None  # as written
    else:
        now = process_now()
        until = now + CLAIM
        found = (
            session.execute(_CLAIMED_ROW, {**values, "now": now, "until": until}).mappings().first()
        )
    if found is None or until is None:
        session.rollback()
        return None
    return _in_session(session, found), until


def _in_session(session: Session, found: RowMapping) -> OutboxMessage:
    """The claimed row as the session's ORM row, from the values its RETURNING gave, as a
    query would have loaded it (its values committed, nothing to flush)."""
    row: OutboxMessage = _ROWS.new_instance()
    row.__dict__.update(found)
    make_transient_to_detached(row)
    session.add(row)
    return row


def open_attempt(session: Session, row: OutboxMessage, held: datetime, started: datetime) -> None:
    """The claim again for its full length, from now, with the attempt's start (`started`, the
    bot's clock) written by the same statement; ClaimLost when the claim is no longer ours.
    A later claim always ends later than an earlier one that ran out, so the end of ours
    tells it from another instance's. The row is told both values as written, so the commit
    that follows does not write them again."""
    values: dict[str, object] = {"row_id": row.id, "held": held, "started": started}
    if server_clock(session):
        until = session.execute(_RENEW_ON_SERVER, values).scalar_one_or_none()
    else:
        until = process_now() + CLAIM
        result = session.execute(_RENEW, {**values, "until": until})
        until = until if getattr(result, "rowcount", 0) == 1 else None
    if until is None:
        raise ClaimLost(f"outbox #{row.id}")
    set_committed_value(row, "claimed_until", until)
    set_committed_value(row, "attempt_started_at", started)


def being_sent(session: Session, row: OutboxMessage) -> bool:
    """Whether an instance holds the row's claim now: it may be at the mail server."""
    return row.claimed_until is not None and row.claimed_until >= database_now(session)


def close_as_sent(session: Session, row: OutboxMessage, sent_at: datetime) -> None:
    """`row` recorded sent at `sent_at`, its attempt closed and its claim given back, written
    now and committed by the caller's commit. The row is told the values as written, so that
    commit does not write them again."""
    session.execute(_SENT, {"row_id": row.id, "sent_at": sent_at})
    set_committed_value(row, "sent_at", sent_at)
    for key, value in _SENT_VALUES.items():
        set_committed_value(row, key, value)
