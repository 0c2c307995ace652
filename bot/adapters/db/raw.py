"""A stored email's bytes (the message_raw table), written and read without extra copies.

A 25 MB message bound as one value is copied by SQLite twice over (the bound value, then the
record it builds) and read back through a copy SQLite makes before Python makes its own. On
SQLite the bytes go through its incremental blob I/O instead: written a piece at a time into
a zero-filled blob of their size, and read straight into one bytes object. Only for large
messages: Python's sqlite3 keeps a small record of every blob a connection opened until the
connection closes (about 90 bytes), which a daemon's pooled connection would otherwise gather
for every message it ever read. Smaller messages, and other databases, go as one value.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

_PIECE = 1_000_000  # bytes per blob write
BLOB_IO_FROM = 1_000_000  # bytes: smaller messages are written and read as one value


class MissingRaw(LookupError):
    """The message's bytes are not in the database (never expected: kept with its row)."""


def write_raw(session: Session, message_id: int, data: bytes) -> None:
    """Keep the bytes of the stored message `message_id`, in the session's transaction."""
    sqlite = _sqlite(session) if len(data) >= BLOB_IO_FROM else None
    if sqlite is None:
        session.execute(
            text("INSERT INTO message_raw (message_id, data) VALUES (:id, :data)"),
            {"id": message_id, "data": data},
        )
        return
    session.execute(
        text("INSERT INTO message_raw (message_id, data) VALUES (:id, zeroblob(:size))"),
        {"id": message_id, "size": len(data)},
    )
    view = memoryview(data)
    with sqlite.blobopen("message_raw", "data", message_id) as blob:
        for start in range(0, len(view), _PIECE):
            blob.write(view[start : start + _PIECE])


def read_raw(session: Session, message_id: int, size: int) -> bytes:
    """The bytes of the stored message `message_id` (`size` of them), exactly as received."""
    sqlite = _sqlite(session) if size >= BLOB_IO_FROM else None
    if sqlite is not None:
        try:
            with sqlite.blobopen("message_raw", "data", message_id, readonly=True) as blob:
                data: bytes = blob.read()
                return data
        except sqlite3.OperationalError as exc:  # "no such rowid"
            raise MissingRaw(f"message #{message_id} has no bytes stored") from exc
    found = session.scalar(
        text("SELECT data FROM message_raw WHERE message_id = :id"), {"id": message_id}
    )
    if found is None:
        raise MissingRaw(f"message #{message_id} has no bytes stored")
    return bytes(found)


def _sqlite(session: Session) -> Any:
    """The session's sqlite3 connection (in its transaction), or None on another database."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return None
    return connection.connection.driver_connection
