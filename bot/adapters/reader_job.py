"""One email's job in the reading process (bot.adapters.reader_process): what was sent to the
child, and what came back of it, piece by piece (bot.core.partly_read)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.core.doctext import DocumentText
from bot.core.message import MailMessage
from bot.core.partly_read import BODY_PIECE, assembled
from bot.core.read_again import Stop


@dataclass
class Job:
    key: int
    raw: bytes | None  # to parse; or None, to read `msg`
    msg: MailMessage | None
    ahead: bool  # sent ahead: its documents are read at once, and kept for `read`
    seconds: float  # for its parse, then for its reading
    stage: str = "parse"
    sent_at: float = 0.0
    answers: dict[str, tuple[bool, Any]] = field(default_factory=dict)
    pieces: dict[int, list[DocumentText]] = field(default_factory=dict)  # read so far
    reading: int | None = None  # the piece begun and not done
    timed_out: bool = False
    spent: float = 0.0  # seconds its reading took until the child stopped

    def piece(self, piece: int, docs: list[DocumentText] | None) -> None:
        """The child began (`docs` None) or finished one piece of this job's reading."""
        if docs is None:
            self.reading = piece
        else:
            self.pieces[piece] = docs
            self.reading = None

    def stop(self) -> Stop:
        """How far its reading got: all of it when it was answered, else up to the stop."""
        ok, value = self.answers["read"]
        if ok:
            docs = value[0]
            return Stop(self.pieces if docs is None else {BODY_PIECE: docs}, None, "", False)
        # An email with no attachment is read as one piece, its text, not reported as begun.
        on = self.reading if self.msg is not None and self.msg.attachments else BODY_PIECE
        return Stop(dict(self.pieces), on, str(value), self.timed_out)

    def documents(self) -> list[DocumentText]:
        """The documents of a reading answered whole."""
        docs = self.answers["read"][1][0]
        return assembled(self.pieces) if docs is None else docs
