"""A stored email's bytes (the message_raw table), written and read without extra copies.

A 25 MB message bound as one value is copied by SQLite twice over (the bound value, then the
record it builds) and read back through a copy SQLite makes before Python makes its own. On
SQLite the bytes go through its incremental blob I/O instead: written a piece at a time into
a zero-filled blob of their size, and read straight into one bytes object. Only for large
messages: Python's sqlite3 keeps a small record of every blob a connection opened until the
connection closes (about 90 bytes), which a daemon's pooled connection would otherwise gather
for every message it ever read.

On PostgreSQL (psycopg), libpq grows a connection's send and receive buffers by doubling and
never shrinks them: one 25 MB message sent as one value and read back as one left a pooled
connection holding 64 MiB each way for good. So a large message is written through a binary
COPY, which psycopg hands to libpq a little at a time, and read back a few megabytes at a
time; neither buffer then grows much past a piece.
Smaller messages, and other databases, go as one value.
"""

from __future__ import annotations

import io
import sqlite3
import struct
from typing import Any

from sqlalchemy import Connection, bindparam, text
from sqlalchemy.orm import Session

_PIECE = 1_000_000  # bytes per blob write
BLOB_IO_FROM = 1_000_000  # bytes: smaller messages are written and read as one value


class MissingRaw(LookupError):
    """The message's bytes are not in the database (never expected: kept with its row)."""


# Made once, and sent on the session's connection: one statement each, with no ORM around it
# (nothing the session holds is affected, so there is nothing to flush first).
_INSERT = text("INSERT INTO message_raw (message_id, data) VALUES (:id, :data)")
_INSERT_ZEROS = text("INSERT INTO message_raw (message_id, data) VALUES (:id, zeroblob(:size))")
_SELECT = text("SELECT data FROM message_raw WHERE message_id = :id")
_SELECT_MANY = text("SELECT message_id, data FROM message_raw WHERE message_id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
# The first bytes of several messages, enough for their header fields: never their bodies.
_SELECT_HEADS = text(
    "SELECT message_id, substr(data, 1, :length) FROM message_raw WHERE message_id IN :ids"
).bindparams(bindparam("ids", expanding=True))
HEAD_BYTES = 65_536
BATCH_BYTES = 2_000_000  # bytes of small messages RawBatch reads in one statement, at most
# psycopg's own SQL, on the driver connection in the session's transaction.
_PG_COPY = "COPY message_raw (message_id, data) FROM STDIN (FORMAT binary)"
_PG_PIECE = (
    "SELECT octet_length(data), substring(data FROM %s FOR %s) FROM message_raw"
    " WHERE message_id = %s"
)
_PG_PIECE_BYTES = 4_000_000  # bytes read back per statement
# COPY's binary format: signature, flags, header extension length; then a row of 2 fields, the
# first a 4-byte integer (message_id); the trailer is a field count of -1.
_COPY_HEAD = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
_COPY_ROW = struct.Struct(">hiii")
_COPY_END = struct.pack(">h", -1)


def write_raw(session: Session, message_id: int, data: bytes) -> None:
    """Keep the bytes of the stored message `message_id`, in the session's transaction."""
    connection = session.connection()
    large = len(data) >= BLOB_IO_FROM
    psycopg = _psycopg(connection) if large else None
    if psycopg is not None:
        with psycopg.cursor() as cursor, cursor.copy(_PG_COPY) as copy:
            copy.write(_COPY_HEAD + _COPY_ROW.pack(2, 4, message_id, len(data)))
            copy.write(data)  # psycopg passes it on in pieces, waiting for each to be sent
            copy.write(_COPY_END)
        return
    sqlite = _sqlite(connection) if large else None
    if sqlite is None:
        connection.execute(_INSERT, {"id": message_id, "data": data})
        return
    connection.execute(_INSERT_ZEROS, {"id": message_id, "size": len(data)})
    view = memoryview(data)
    with sqlite.blobopen("message_raw", "data", message_id) as blob:
        for start in range(0, len(view), _PIECE):
            blob.write(view[start : start + _PIECE])


def write_raws(session: Session, messages: list[tuple[int, bytes]]) -> None:
    """Keep the bytes of several stored messages ((id, bytes) each): the small ones in one
    statement, a large one alone as write_raw writes it."""
    small = [{"id": i, "data": data} for i, data in messages if len(data) < BLOB_IO_FROM]
    if small:
        session.connection().execute(_INSERT, small)
    for message_id, data in messages:
        if len(data) >= BLOB_IO_FROM:
            write_raw(session, message_id, data)


def read_raw(session: Session, message_id: int, size: int) -> bytes:
    """The bytes of the stored message `message_id` (`size` of them), exactly as received."""
    connection = session.connection()
    large = size >= BLOB_IO_FROM
    psycopg = _psycopg(connection) if large else None
    if psycopg is not None:
        return _read_pieces(psycopg, message_id)
    sqlite = _sqlite(connection) if large else None
    if sqlite is not None:
        try:
            with sqlite.blobopen("message_raw", "data", message_id, readonly=True) as blob:
                data: bytes = blob.read()
                return data
        except sqlite3.OperationalError as exc:  # "no such rowid"
            raise MissingRaw(f"message #{message_id} has no bytes stored") from exc
    found = connection.execute(_SELECT, {"id": message_id}).scalar()
    if found is None:
        raise MissingRaw(f"message #{message_id} has no bytes stored")
    return bytes(found)


def read_heads(session: Session, message_ids: list[int]) -> dict[int, bytes]:
    """The first HEAD_BYTES of each message's bytes, by id, in one statement: what a listing
    needs to name a message, without reading a 25 MB attachment to do it."""
    if not message_ids:
        return {}
    found = session.connection().execute(_SELECT_HEADS, {"ids": message_ids, "length": HEAD_BYTES})
    return {message_id: bytes(data) for message_id, data in found}


class RawBatch:
    """The bytes of a batch of stored messages, taken one message at a time in the order
    given: small messages are read a run at a time (one statement for up to BATCH_BYTES of
    them, not one each), a large one alone as read_raw reads it; each message's bytes are
    let go of when taken, so the batch never holds more than a run."""

    def __init__(self, session: Session, sizes: dict[int, int]) -> None:
        self._session = session
        self._sizes = sizes  # message id: size, in the order they will be taken
        self._order = list(sizes)
        self._place = {message_id: n for n, message_id in enumerate(self._order)}
        self._held: dict[int, bytes] = {}

    def take(self, message_id: int) -> bytes:
        """The message's bytes, exactly as received; raises MissingRaw as read_raw does."""
        if message_id not in self._held and self._sizes[message_id] < BLOB_IO_FROM:
            self._read_run(self._place[message_id])
        found = self._held.pop(message_id, None)
        if found is None:  # a large message, or one whose bytes are missing (read_raw says)
            return read_raw(self._session, message_id, self._sizes[message_id])
        return found

    def _read_run(self, start: int) -> None:
        run: list[int] = []
        total = 0
        for message_id in self._order[start:]:
            size = self._sizes[message_id]
            if size >= BLOB_IO_FROM or (run and total + size > BATCH_BYTES):
                break
            run.append(message_id)
            total += size
        found = self._session.connection().execute(_SELECT_MANY, {"ids": run})
        self._held = {message_id: bytes(data) for message_id, data in found}


def _read_pieces(psycopg: Any, message_id: int) -> bytes:
    """A large message's bytes from PostgreSQL, _PG_PIECE_BYTES at a time, in binary.

    Gathered in a BytesIO because CPython's grows its one bytes object in place and hands
    that same object back from getvalue(): the message is held once, not once in a buffer
    and again in the bytes made from it."""
    gathered = io.BytesIO()
    with psycopg.cursor(binary=True) as cursor:
        total, piece = _piece(cursor, message_id, 0)
        while piece:
            gathered.write(piece)
            done = gathered.tell()
            piece = _piece(cursor, message_id, done)[1] if done < total else b""
    return gathered.getvalue()


def _piece(cursor: Any, message_id: int, offset: int) -> tuple[int, bytes]:
    """The stored length of the message's bytes and up to _PG_PIECE_BYTES of them from
    `offset`."""
    found = cursor.execute(_PG_PIECE, (offset + 1, _PG_PIECE_BYTES, message_id)).fetchone()
    if found is None:
        raise MissingRaw(f"message #{message_id} has no bytes stored")
    return int(found[0]), bytes(found[1])


def _sqlite(connection: Connection) -> Any:
    """The sqlite3 connection under a session's (in its transaction), or None on another
    database."""
    if connection.dialect.name != "sqlite":
        return None
    return connection.connection.driver_connection


def _psycopg(connection: Connection) -> Any:
    """The psycopg connection under a session's (in its transaction), or None on another
    database or driver."""
    if connection.dialect.name != "postgresql" or connection.dialect.driver != "psycopg":
        return None
    return connection.connection.driver_connection
