"""What of an email to read again in a fresh reading process after the one reading it stopped,
and the email's documents from both readings.

When the reading process crashed or ran out of memory on one attachment, the attachments after
it were never tried: a good SIN form sent after a hostile file would go unread, and no case be
opened from it. So those not begun are read again, once, in the fresh process that is started
anyway, within what is left of the email's reading time (`[ingest] read_seconds`, the time
already spent counting). Never the attachment it stopped on, which would stop the fresh one
too; never after the email's time ran out, which is the time limit doing its work; and never a
third time, so one email of many hostile files costs at most two reading processes.

Pieces are numbered as in bot.core.partly_read: the email's own text BODY_PIECE, its
attachments 0, 1, 2...
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.core.doctext import DocumentText
from bot.core.partly_read import BODY_PIECE, STOPPED_ON_ANOTHER, after_stop, time_used


@dataclass(frozen=True)
class Stop:
    """How far one reading of an email got before its reading process stopped."""

    pieces: Mapping[int, Sequence[DocumentText]]  # each piece read to its end
    on: int | None  # the piece begun and not done, if any
    reason: str  # why that piece is unread; "" when the reading was not stopped
    timed_out: bool  # the email's reading time ran out (else: a crash, the memory limit)


@dataclass(frozen=True)
class Again:
    """What to read in the fresh reading process: the email's own text (when `body`) and its
    attachments numbered `attachments`, within `seconds`."""

    body: bool
    attachments: tuple[int, ...]
    seconds: float


def read_again(stop: Stop, attachments: int, seconds: float, spent: float) -> list[Again]:
    """What to read again after `stop`, one reading after another, for an email of
    `attachments` attachments whose reading may take `seconds` and had taken `spent`.

    First the email's text alone, when it was not read and did not stop the reading, on its
    own time, as it always was (it is not one of the attachments sharing `seconds`; alone, an
    attachment that stops the fresh reading cannot take it along). Then the attachments not
    begun: only after a crash or the memory limit, and only with time left."""
    readings = []
    if BODY_PIECE not in stop.pieces and stop.on != BODY_PIECE:
        readings.append(Again(True, (), seconds))
    left = seconds - spent
    if not stop.timed_out and left > 0:
        rest = tuple(n for n in range(attachments) if n not in stop.pieces and n != stop.on)
        if rest:
            readings.append(Again(False, rest, left))
    return readings


def documents(
    names: Sequence[str],
    seconds: float,
    first: Stop,
    readings: Sequence[tuple[Again, Stop]] = (),
) -> list[DocumentText]:
    """The email's documents (its text, then each attachment named in `names`) after its
    reading stopped (`first`), and each fresh reading of what its Again named, as far as
    it got (its Stop, whose pieces are numbered as that reading's own: the Again's
    `attachments` in order)."""
    pieces = dict(first.pieces)
    stopped = {} if first.on is None else {first.on: first.reason}
    rest = _rest(first, seconds)
    for again, second in readings:
        own = dict(enumerate(again.attachments))
        if again.body:
            own[BODY_PIECE] = BODY_PIECE
        pieces |= {own[n]: docs for n, docs in second.pieces.items() if n in own}
        if second.on in own:
            stopped[own[second.on]] = second.reason
        if again.attachments:
            rest = _rest(second, seconds)
    return after_stop(names, pieces, stopped, rest)


def _rest(stop: Stop, seconds: float) -> str:
    """Why an attachment not begun was not read, after `stop`."""
    return time_used(seconds) if stop.timed_out else STOPPED_ON_ANOTHER
