"""The barrier between reading mail and writing the daily digest.

The digest lists what happened since the one before it (replies on cases, new cases, returns
received) by the time each was recorded: the moment its message was read, taken before its
transaction commits. A digest written while that transaction is still open cannot see it, and
the next digest counts from a later moment: the reply would be in neither. So a message is read
inside the barrier's shared side, taken before its moment is, and the digest takes the barrier
whole before it reads: it waits for every message already being read, and a message read
after it counts from a moment the next digest covers.
"""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

# PostgreSQL's advisory lock key for the barrier: any number no other lock of ours uses.
_KEY = 7_301_221

# A write that changes nothing: on SQLite it waits for the database's one writer (a message
# being read holds it from its claim to its commit) and then holds it until the digest commits.
_SQLITE_WRITER = text("UPDATE outbox SET id = id WHERE 0")


def reading_mail(session: Session) -> None:
    """Enter the barrier's shared side for this transaction: messages are read side by side.
    On SQLite the claim, the transaction's first write, waits for the digest already."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock_shared(_KEY)))


def writing_digest(session: Session) -> None:
    """Take the whole barrier for this transaction: wait for every message being read, and
    hold new ones back until the digest is written."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(_KEY)))
    else:
        session.execute(_SQLITE_WRITER)
