"""A batch's stored messages taken a few ahead of their turn, each handed to the reader as it
is taken (App.read_ahead): with the reader in a child process, the child parses and reads the
next messages on the machine's other core while this process classifies and writes the one
before. The window is bounded in messages and bytes, so memory does not grow with the batch."""

from __future__ import annotations

from bot.adapters.db.raw import RawBatch
from bot.app import App

AHEAD_MESSAGES = 8  # messages taken ahead of the one being processed, at most
AHEAD_BYTES = 8_000_000  # and their bytes; a larger message is still taken, alone


class AheadRaws:
    """RawBatch.take, with the next messages taken (and handed to the reader) ahead."""

    def __init__(self, app: App, raws: RawBatch, sizes: dict[int, int]) -> None:
        self._app = app
        self._raws = raws
        self._sizes = sizes  # message id: size, in the order they will be taken
        self._order = list(sizes)
        self._next = 0
        self._held: dict[int, bytes | Exception] = {}
        self._bytes = 0
        # In-process, reading ahead would only hold bytes sooner: one at a time.
        self._window = AHEAD_MESSAGES if app.config.ingest.read_in_child else 0

    def take(self, message_id: int) -> bytes:
        """The message's bytes, exactly as received; raises what RawBatch.take raised."""
        self._fill(message_id)
        found = self._held.pop(message_id)
        self._bytes -= self._sizes[message_id]
        if isinstance(found, Exception):
            raise found
        return found

    def _fill(self, message_id: int) -> None:
        while self._next < len(self._order) and (
            message_id not in self._held
            or (len(self._held) <= self._window and self._bytes < AHEAD_BYTES)
        ):
            taken = self._order[self._next]
            self._next += 1
            self._bytes += self._sizes[taken]
            try:
                raw = self._raws.take(taken)
            except Exception as exc:  # its own turn raises it, as RawBatch.take would
                self._held[taken] = exc
                continue
            self._held[taken] = raw
            self._app.read_ahead(raw)
