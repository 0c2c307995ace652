"""Waking a thread in another instance when a commit has queued something for it.

PostgreSQL: LISTEN/NOTIFY. NOTIFY is part of the transaction that sends it: PostgreSQL
delivers it when that transaction commits, and drops it when it rolls back, so a listener
never wakes for a row it cannot read.

SQLite: its instances share one host and one database file, so the signal is a small file
beside the database ("bot.sqlite3-tscp_outbox.bell"), replaced with the sender's payload once
its commit has returned (a rollback writes nothing) and watched by the listeners. Only a
database in memory has no signal: nothing outside its own process could reach it anyway.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, Engine, text

from bot.adapters.private_files import open_private_new

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0  # after a lost connection; the waiting side's own interval covers the gap
_POLL_SECONDS = 1.0  # how often the listening thread looks at its stop flag
FILE_POLL_SECONDS = 0.25  # how often a SQLite bell file is looked at: a stat, nothing more


class Listening(Protocol):
    def start(self) -> None: ...

    def stop(self) -> None: ...


def supported(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql" or _database_file(engine) is not None


def bell_file(engine: Engine, channel: str) -> Path | None:
    """The file that carries `channel` between instances on a SQLite database file."""
    path = _database_file(engine)
    return None if path is None else path.with_name(f"{path.name}-{channel}.bell")


def _database_file(engine: Engine) -> Path | None:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database)


def notify(connection: Connection, channel: str, payload: str) -> None:
    """Within connection's transaction: on PostgreSQL, send `channel` a notification when it
    commits. On SQLite there is nothing to do until it has committed (notify_committed)."""
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_notify(:channel, :payload)"), {"channel": channel, "payload": payload}
        )


def notify_committed(engine: Engine, channel: str, payload: str) -> None:
    """After a commit that called notify: on SQLite, replace the bell file with `payload`
    (whole, so a listener never reads half of it). A bell that cannot be written is logged;
    the waiting side's own interval still finds the mail."""
    path = bell_file(engine, channel)
    if path is None:
        return
    fresh = path.with_name(f"{path.name}.{uuid.uuid4().hex}")
    try:
        fd = open_private_new(fresh)
        try:
            os.write(fd, payload.encode())
        finally:
            os.close(fd)
        os.replace(fresh, path)
    except OSError as exc:
        fresh.unlink(missing_ok=True)
        log.warning(
            "could not ring %s (%s); the listeners find the change on their own interval",
            path.name,
            exc.strerror,
        )


def listener(engine: Engine, channel: str, heard: Callable[[str], None]) -> Listening | None:
    """A listener for `channel` on this database, not yet started; None when it has none."""
    if engine.dialect.name == "postgresql":
        return Listener(engine, channel, heard)
    path = bell_file(engine, channel)
    return None if path is None else FileListener(path, heard)


class Listener:
    """A thread with its own connection (outside the pool) that calls heard(payload) for each
    notification on `channel`, and heard("") each time it starts listening, the first time
    too: whatever was committed while it was connecting, or cut off, is then looked at."""

    def __init__(self, engine: Engine, channel: str, heard: Callable[[str], None]) -> None:
        self._conninfo = engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False
        )
        self._channel, self._heard = channel, heard
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"listen-{channel}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=_POLL_SECONDS * 5)

    def _run(self) -> None:
        import psycopg  # only PostgreSQL deployments listen

        while not self._stop.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as conn:
                    conn.execute(f"LISTEN {self._channel}")
                    self._heard("")
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=_POLL_SECONDS, stop_after=1):
                            self._heard(note.payload)
            except psycopg.Error as exc:
                # The interval tick still sends; say so once per failure, without the URL.
                log.warning("not listening for %s, retrying: %s", self._channel, type(exc).__name__)
                self._stop.wait(RETRY_SECONDS)


class FileListener:
    """A thread that calls heard(payload) each time the bell file is replaced, and heard("")
    as it starts (as Listener does), so what was committed before it looked is looked at."""

    def __init__(self, path: Path, heard: Callable[[str], None]) -> None:
        self._path, self._heard = path, heard
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"watch-{path.name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=FILE_POLL_SECONDS * 20)

    def _run(self) -> None:
        seen = self._signature()
        self._heard("")
        while not self._stop.wait(FILE_POLL_SECONDS):
            now = self._signature()
            if now != seen:
                seen = now
                self._heard(self._payload())

    def _signature(self) -> tuple[int, int, int] | None:
        # Each ring is a new file put in place, so its inode or time tells it from the last.
        try:
            found = self._path.stat()
        except OSError:
            return None
        return found.st_ino, found.st_mtime_ns, found.st_size

    def _payload(self) -> str:
        try:
            return self._path.read_text()
        except (OSError, UnicodeDecodeError):
            return ""  # replaced again meanwhile: a wake with no name is still a wake
