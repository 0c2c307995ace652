"""Step one for every message: keep the raw bytes, before anything can go wrong."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.adapters.db.models import StoredMessage
from bot.adapters.db.raw import write_raw, write_raws
from bot.adapters.imap_moves import renumbered
from bot.adapters.mail_source import IncomingMail
from bot.adapters.parsing import message_id_for, message_id_of
from bot.core.arrival import fetch_time_note
from bot.core.stored_subject import stored_subject
from bot.services.mail_names import header_block

# StoredMessage.received_source: where received_at came from.
MAILBOX, FETCH_TIME = "mailbox", "fetch_time"


@dataclass(frozen=True)
class Stored:
    id: int
    new: bool
    again: bool = False  # the very copy stored before, still in the inbox


def header_message_id(raw: bytes) -> str:
    """The Message-ID from the headers alone, so storing never depends on parsing the body.

    Only the header block is handed to the parser: given the whole message it would also
    decode the body into a string, a second copy of a 25 MB attachment made for one header.
    """
    block = header_block(raw)
    value = _plain_message_id(block)
    if value is None:
        try:
            headers = BytesHeaderParser(policy=compat32).parsebytes(block)
            value = str(headers.get("Message-ID") or "")
        except Exception:
            value = ""
    found = message_id_of(value)
    return found or message_id_for(raw)


# A header block the parser has no choice about: printable ASCII fields ("Name: value"),
# each perhaps folded onto lines starting with a space or tab, then the empty line. Anything
# else (8-bit bytes, a bare CR, an mbox "From " line, a stray line) goes to the parser itself.
_PLAIN_BLOCK = re.compile(rb"(?:[!-9;-~]+:[\t -~]*\r?\n(?:[\t ][\t -~]*\r?\n)*)+\r?\n")
_MESSAGE_ID = "message-id:"


def _plain_message_id(block: bytes) -> str | None:
    """The Message-ID field's value exactly as the compat32 parser gives it (its first
    occurrence; the first line's value left-stripped, its folded lines kept), read without
    the parser from a block that leaves no room for interpretation; None from any other."""
    if _PLAIN_BLOCK.fullmatch(block) is None:
        return None
    lines = block.decode("ascii").splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line[: len(_MESSAGE_ID)].lower() != _MESSAGE_ID:
            continue
        value = line[len(_MESSAGE_ID) :].lstrip(" \t")
        for folded in lines[index + 1 :]:
            if folded[0] not in " \t":
                break
            value += folded
        return value.rstrip("\r\n")
    return ""


def arrival(arrived_at: datetime | None, fetched_at: datetime) -> tuple[datetime, str]:
    """When the message counts as received, and where that time came from.

    The mailbox's arrival time wins: a SIN that arrived on Friday is Friday's, even when the
    bot reads it on Monday. An arrival after the fetch can only be a server clock running
    ahead; capping it at the fetch keeps every clock from starting later than it could.
    """
    if arrived_at is None:
        return fetched_at, FETCH_TIME
    return min(arrived_at, fetched_at), MAILBOX


def receipt_note(row: StoredMessage, tz: ZoneInfo) -> str | None:
    """What every date counted from this message's receipt must admit, if anything."""
    if row.received_source != FETCH_TIME:
        return None
    return fetch_time_note(row.fetched_at.astimezone(tz))


def store_raw(
    session: Session,
    raw: bytes,
    source_key: str,
    now: datetime,
    arrived_at: datetime | None = None,
    *,
    held: Held | None = None,
) -> Stored:
    """Insert the message unless these exact bytes are already held, in a savepoint of the
    caller's transaction, which the caller commits (ingest: once per batch, before acting).
    Every write it makes is inside a savepoint of its own: when it raises, the caller's
    transaction is as it was before the call.

    now is when the bot read it; arrived_at when the mailbox says it arrived, if it says.
    `held`, when given, is what held_already found for the whole batch: no query per message.
    """
    digest = held.digest(raw) if held is not None else _sha256(raw)
    if held is not None:
        existing = held.rows.get(digest)
    else:
        existing = session.scalar(select(StoredMessage).where(StoredMessage.sha256 == digest))
    if existing is not None:
        return _seen_again(session, existing, source_key)
    values = _values(raw, digest, header_message_id(raw), source_key, now, arrived_at)
    try:
        row_id = _insert(session, values, raw)
    except IntegrityError:
        # Another bot instance stored the same bytes between our check and our insert (on
        # PostgreSQL the insert waited for its commit); only this insert is undone.
        with session.begin_nested():
            other = session.scalar(select(StoredMessage).where(StoredMessage.sha256 == digest))
        if other is None:
            raise
        return _seen_again(session, other, source_key)
    return Stored(row_id, new=True)


def store_fresh(
    session: Session, messages: list[IncomingMail], now: datetime, held: Held
) -> list[Stored] | None:
    """Insert messages none of which is held (by `held` nor by another of them), as store_raw
    would one by one, in one savepoint: two statements for them all, where each alone takes
    a savepoint, two inserts and a release. None, with nothing written, when any of them
    cannot be stored so: the caller then stores each alone, in a savepoint of its own, which
    finds the one at fault and keeps its neighbours."""
    connection = session.connection()
    try:
        values = [
            _values(m.raw, held.digest(m.raw), header_message_id(m.raw), m.key, now, m.arrived_at)
            for m in messages
        ]
        with connection.begin_nested():
            # Matched by digest, not by order: asked to keep the rows' order, SQLAlchemy
            # sends each row as a statement of its own on SQLite.
            found = connection.execute(_INSERT_RETURNING, values)
            ids = {digest: int(row_id) for row_id, digest in found}
            stored = [ids[row["sha256"]] for row in values]
            write_raws(session, [(i, m.raw) for i, m in zip(stored, messages, strict=True)])
    except Exception:
        return None  # whatever it was, each message alone meets it (or not) in its savepoint
    return [Stored(row_id, new=True) for row_id in stored]


@dataclass(frozen=True)
class Held:
    """What held_already found for a batch: the rows already holding any of its messages, by
    the SHA-256 of their bytes, and each message's digest, worked out once for the batch."""

    rows: dict[str, StoredMessage]
    digests: dict[int, tuple[bytes, str]]  # id() of each message's bytes: (bytes, digest)

    def digest(self, raw: bytes) -> str:
        found = self.digests.get(id(raw))
        # The bytes object itself is kept, so its id() is never another object's.
        return found[1] if found is not None and found[0] is raw else _sha256(raw)


def _sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def held_already(session: Session, raws: list[bytes]) -> Held:
    """The rows already holding any of these messages, by the SHA-256 of their bytes, in one
    query (without their bytes, which the caller has); each message is hashed once."""
    digests = {id(raw): (raw, _sha256(raw)) for raw in raws}
    if not digests:
        return Held({}, {})
    wanted = list({d for _, d in digests.values()})
    rows = session.scalars(select(StoredMessage).where(StoredMessage.sha256.in_(wanted)))
    return Held({row.sha256: row for row in rows}, digests)


def store_unstorable(
    session: Session,
    raw: bytes,
    source_key: str,
    now: datetime,
    arrived_at: datetime | None,
    error: str,
) -> Stored:
    """Keep a message whose full row could not be written: the raw bytes under an id made from
    their hash, quarantined and on the triage list, so it is neither lost nor retried for ever.

    The caller has rolled back the failed insert (to its savepoint) and commits this one.
    Raises if even this row cannot be written.
    """
    digest = hashlib.sha256(raw).hexdigest()
    values = _values(raw, digest, message_id_for(raw), source_key, now, arrived_at)
    values.update(status="quarantined", processed_at=now, needs_triage=True, last_error=error)
    values["triage_reason"] = f"could not be stored as received ({error}); the raw message is kept"
    return Stored(_insert(session, values, raw), new=True)


# What a person does with a message the mailbox would not give (store_unread): Microsoft
# 365's (Graph, EWS), then an IMAP server's, which says nothing of why.
_UNREAD_EXCHANGE = (
    "could not be read from the mailbox: {error}. The email is still there, untouched (often "
    "it is encrypted or signed, S/MIME). Open it in Outlook and deal with it by hand ({then}"
)
_UNREAD_IMAP = (
    "could not be read from the mailbox: the mail server refused to give it ({error}). The "
    "email is still there, untouched. Look at it in the mailbox with a mail client, or ask the "
    "mail administrator why the server refuses it, and deal with it by hand ({then}"
)
_THEN = (
    "to have the bot act on it, forward a readable copy to the mailbox, keeping its From and "
    "Sent lines: a SIN's clocks then count from the day it was sent, not the forward's), then "
    "take it off this list with tscp-bot triage done"
)


def store_unread(session: Session, incoming: IncomingMail, now: datetime) -> Stored:
    """Keep a placeholder for a message the mailbox lists but will not give (see
    mail_source.Unreadable): no bytes, what the listing said of it, quarantined on the triage
    list, in a savepoint as store_raw. It is known by its mailbox key, so the same message
    listed again (a resync, a change made in Outlook) adds nothing.

    It carries the email's Message-ID, so a search or a reply finds it; should the same email
    later be read whole, that copy waits for a person as a reused Message-ID, never acted on
    beside this one.
    """
    unreadable = incoming.unreadable
    assert unreadable is not None
    marker = b"unread " + incoming.key.encode()
    digest = hashlib.sha256(marker).hexdigest()
    existing = session.scalar(select(StoredMessage.id).where(StoredMessage.sha256 == digest))
    if existing is not None:
        return Stored(existing, new=False, again=True)
    message_id = message_id_of(unreadable.message_id) or message_id_for(marker)
    values = _values(b"", digest, message_id, incoming.key, now, incoming.arrived_at)
    values.update(status="quarantined", processed_at=now, needs_triage=True)
    values.update(subject=stored_subject(unreadable.subject), from_addr=unreadable.sender[:320])
    values["last_error"] = f"not read from the mailbox: {unreadable.error}"
    said = _UNREAD_EXCHANGE if unreadable.exchange else _UNREAD_IMAP
    values["triage_reason"] = said.format(error=unreadable.error.rstrip("."), then=_THEN)
    return Stored(_insert(session, values, b""), new=True)


# The row goes in as a Core INSERT on the session's connection, the id coming back with it
# (SQLite's lastrowid, PostgreSQL's RETURNING): the unit of work's bookkeeping, for an object
# nothing in the transaction reads again, was a third of storing's cost.
_INSERT = insert(cast(Table, StoredMessage.__table__))
_TABLE = cast(Table, StoredMessage.__table__)
_INSERT_RETURNING = insert(_TABLE).returning(_TABLE.c.id, _TABLE.c.sha256)


def _insert(session: Session, values: dict[str, Any], raw: bytes) -> int:
    """The row and its bytes, in a savepoint: a failure undoes both and nothing else. The
    savepoint is the connection's own, as no object of the session is touched inside it."""
    connection = session.connection()
    with connection.begin_nested():
        found = connection.execute(_INSERT, values).inserted_primary_key
        assert found is not None
        row_id = int(found[0])
        write_raw(session, row_id, raw)
    return row_id


def _values(
    raw: bytes,
    digest: str,
    message_id: str,
    source_key: str,
    now: datetime,
    arrived_at: datetime | None,
) -> dict[str, Any]:
    """The new row's columns; the rest take the table's defaults."""
    received_at, received_source = arrival(arrived_at, now)
    return {
        "sha256": digest,
        "message_id": message_id,
        "size": len(raw),
        "received_at": received_at,
        "fetched_at": now,
        "received_source": received_source,
        "source_key": source_key,
    }


def _seen_again(session: Session, row: StoredMessage, source_key: str) -> Stored:
    """The same bytes again: a second delivery, or the same copy still waiting in the inbox.

    Mail kept for a person is seen on every full sweep (every pass on Maildir); that copy,
    under the key it was stored with, is not another delivery and is not counted again. Nor
    is it when the inbox was numbered afresh (a new UIDVALIDITY) while it was still there: the
    same copy under its new number, which its record takes so that it is moved from there.
    """
    again = source_key == row.source_key
    moved_on = row.released_at is None and renumbered(row.source_key or "", source_key)
    if not again:
        row.duplicate_deliveries += not moved_on
        row.source_key = source_key
        with session.begin_nested():  # written now, in a savepoint of its own (see store_raw)
            session.flush([row])
    return Stored(row.id, new=False, again=again or moved_on)
