"""One email's attachments read within one time (bot.core.partly_read), and each reported as
it is begun and done.

In the bot's own process (`[ingest] read_in_child = false`, or a reading process that cannot
work) an attachment already being read cannot be stopped, but once the email's time is spent
the ones after it are not begun. In the reading process the parent stops the child at that
time instead; the reports let it keep what was read before, and name the one that was not.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.core.doctext import DocumentText
from bot.core.partly_read import time_used, unread

# (piece, None) when a piece of the email's reading is begun; (piece, documents) when done.
Report = Callable[[int, "list[DocumentText] | None"], None]


class Budget:
    """`seconds` from now for the email's attachments; None for no limit."""

    def __init__(self, seconds: float | None = None, report: Report | None = None) -> None:
        self.seconds = seconds
        self._ends = None if seconds is None else time.monotonic() + seconds
        self._report = report

    def begin(self, piece: int) -> bool:
        """False when the time is spent: the piece is not to be read."""
        if self._ends is not None and time.monotonic() >= self._ends:
            return False
        if self._report is not None:
            self._report(piece, None)
        return True

    def done(self, piece: int, docs: list[DocumentText]) -> list[DocumentText]:
        if self._report is not None:
            self._report(piece, docs)
        return docs

    def not_begun(self, piece: int, source: str) -> list[DocumentText]:
        assert self.seconds is not None  # only a limited budget is ever spent
        return self.done(piece, [unread(source, time_used(self.seconds))])


UNTIMED = Budget()  # for what an attachment holds: its time is the attachment's own
