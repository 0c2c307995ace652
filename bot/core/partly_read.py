"""An email's documents when its reading stopped part-way: its attachments share one reading
time (`[ingest] read_seconds`), so twenty attachments built to take minutes each cannot hold
the mailbox for twenty times that. What was read before the stop is kept; the attachment being
read when it stopped says why; those not begun say that the time went to the others. Each is
unread, so a form in it is flagged for a person, as for any document that could not be read.

Used by the reading process (bot.adapters.reader_process), which stops a read still running
(and, after a crash, reads the attachments not begun again: bot.core.read_again), and by the
in-process reader (bot.adapters.documents.budget), which cannot, but does not begin another
attachment once the time is spent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.core.doctext import BODY, DocumentText

# The piece of an email's reading that is its own text; its attachments are 0, 1, 2...
BODY_PIECE = -1
# What to do with a document whose reading was stopped, after the reason.
OPEN_BY_HAND = "so it was not read: open it by hand"
# Why an attachment not begun was not read, after its reader stopped on another.
STOPPED_ON_ANOTHER = "its reader stopped while reading another of this email's attachments"


def unread(source: str, reason: str) -> DocumentText:
    return DocumentText(source, (), (), (f"{source}: {reason}, {OPEN_BY_HAND}",), unread=True)


def time_used(seconds: float) -> str:
    """Why an attachment was not begun: the email's reading time was spent."""
    return (
        f"the time for reading this email's attachments ({_seconds(seconds)}) was used by its "
        "other attachments"
    )


def stopped_in_time(seconds: float) -> str:
    """Why the attachment being read when the email's reading time ran out is unread."""
    return f"its reading was stopped when this email's attachments had taken {_seconds(seconds)}"


def assembled(pieces: Mapping[int, Sequence[DocumentText]]) -> list[DocumentText]:
    """The pieces of a whole reading, in read_message's order: the body, then each attachment."""
    return [doc for _, docs in sorted(pieces.items()) for doc in docs]


def after_stop(
    names: Sequence[str],
    pieces: Mapping[int, Sequence[DocumentText]],
    stopped: Mapping[int, str],
    rest: str,
) -> list[DocumentText]:
    """The body and each attachment named in `names`: as read when its piece is in `pieces`,
    unread for its reason when it is one whose reading was stopped (`stopped`), and unread
    for `rest` when it was not begun."""
    if BODY_PIECE in pieces:
        docs = list(pieces[BODY_PIECE])
    else:
        docs = [unread(BODY, stopped.get(BODY_PIECE, rest))]
    for index, name in enumerate(names):
        if index in pieces:
            docs.extend(pieces[index])
        else:
            docs.append(unread(name, stopped.get(index, rest)))
    return docs


def _seconds(seconds: float) -> str:
    return "1 second" if seconds == 1 else f"{seconds:g} seconds"
