"""Handing jobs to the reading process's child (bot.adapters.reader_process) from a thread of
the bot's own, so that the bot's thread never waits on the pipe.

The pipe holds far less than the 8 messages / 8 MB sent ahead, and the child takes a job off
it only when its job-taking thread gets Python's lock from the thread parsing: a SIN with its
form waited there while the bot could have been classifying (9-30% of a 30%-SIN pass, see
docs/performance.md). Here the write waits instead, with Python's lock released. One thread
per child writes its jobs in the order given, so the child answers them in that order still.
"""

from __future__ import annotations

import contextlib
import queue
import socket
import threading
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler


class JobWriter:
    """`conn.send` for one child, done by a thread of its own (started here)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._jobs: queue.SimpleQueue[memoryview | None] = queue.SimpleQueue()
        self._thread = threading.Thread(
            target=self._write, name="tscp-bot reader writer", daemon=True
        )
        self._thread.start()

    def send(self, job: object) -> None:
        """Queue `job` to be sent. It is pickled here, so that what cannot be sent raises in
        the caller, as `conn.send` would; the queue holds no more than the jobs the reader
        has sent and not yet had answered, which the read-ahead bounds."""
        self._jobs.put(ForkingPickler.dumps(job))

    def stop(self) -> None:
        """End the thread, once the child has been stopped (a write blocked on it then fails),
        what was queued and not written being dropped; the connection is the caller's to
        close, after this, so that no write can go to another file given the same number."""
        self._jobs.put(None)
        # A child gone may not close its end at once (its process group): a write still
        # waiting on it is ended here instead.
        with (
            contextlib.suppress(OSError),
            socket.fromfd(self._conn.fileno(), socket.AF_UNIX, socket.SOCK_STREAM) as end,
        ):
            end.shutdown(socket.SHUT_WR)
        self._thread.join()

    def _write(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                self._conn.send_bytes(job)
            except OSError:
                # The child has gone: the reader finds it at its next answer (EOF), answers the
                # job it was on, and sends the others again to a new child.
                return
            del job  # not held while waiting for the next: it may be megabytes
