"""PostgreSQL's LISTEN/NOTIFY: a commit in one instance wakes a thread waiting in another.

NOTIFY is part of the transaction that sends it: PostgreSQL delivers it when that transaction
commits, and drops it when it rolls back, so a listener never wakes for a row it cannot read.
SQLite has no such thing and needs none: its instances share one host and one file.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import Connection, Engine, text

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0  # after a lost connection; the waiting side's own interval covers the gap
_POLL_SECONDS = 1.0  # how often the listening thread looks at its stop flag


def supported(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def notify(connection: Connection, channel: str, payload: str) -> None:
    """Send `channel` a notification when connection's transaction commits."""
    connection.execute(
        text("SELECT pg_notify(:channel, :payload)"), {"channel": channel, "payload": payload}
    )


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
