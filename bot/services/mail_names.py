"""Who sent a stored message and what it was called, for a listing that must let a person
find it in Outlook. Processing records both on the row; a message quarantined before that
point (a template that failed, a database refusal) has them only in its stored headers."""

from __future__ import annotations

import re
from email.parser import BytesHeaderParser
from email.policy import default
from email.utils import getaddresses

from sqlalchemy.orm import Session

from bot.adapters.db.raw import read_heads
from bot.core.stored_subject import stored_subject

UNREADABLE = "(unreadable)"
# Messages whose stored headers one statement reads: at most 100 heads (6.4 MB) held at once.
HEADS_PER_READ = 100
_HEADER_END = re.compile(rb"\r?\n\r?\n")


def header_block(raw: bytes) -> bytes:
    """The bytes up to the first empty line: the header fields as the parser reads them.
    Here, not beside the store that also uses it, so that `triage list` loads no parser."""
    end = _HEADER_END.search(raw)
    return raw if end is None else raw[: end.end()]


def header_names(head: bytes) -> tuple[str, str] | None:
    """(sender address, subject) from the header fields alone; None when neither can be read
    (bytes that are not an email say nothing a person could search for)."""
    try:
        headers = BytesHeaderParser(policy=default).parsebytes(header_block(head))
        senders = [a for _, a in getaddresses([str(headers.get("From") or "")]) if "@" in a]
        subject = " ".join(str(headers.get("Subject") or "").split())
    except Exception:  # a header the parser chokes on: the listing still lists the message
        return None
    sender = senders[0].lower() if senders else ""
    return (sender, stored_subject(subject)) if sender or subject else None


def names(session: Session, rows: list[tuple[int, int, str, str]]) -> dict[int, tuple[str, str]]:
    """(from, subject) for each (id, size, from, subject) row: its own columns when it has
    them, else read from its stored headers, else UNREADABLE for both."""
    unnamed = [row_id for row_id, size, sender, subject in rows if size and not sender + subject]
    read = _read_names(session, unnamed)
    found: dict[int, tuple[str, str]] = {}
    for row_id, _, sender, subject in rows:
        named = (sender, subject) if sender or subject else read.get(row_id)
        found[row_id] = named or (UNREADABLE, UNREADABLE)
    return found


def _read_names(session: Session, message_ids: list[int]) -> dict[int, tuple[str, str]]:
    """The names read from the stored headers, HEADS_PER_READ messages a statement: each
    head may be 64 KiB, and a flood of thousands quarantined at once, all read in one, would
    hold hundreds of megabytes to keep a few words of each."""
    found: dict[int, tuple[str, str]] = {}
    for start in range(0, len(message_ids), HEADS_PER_READ):
        heads = read_heads(session, message_ids[start : start + HEADS_PER_READ])
        for row_id, head in heads.items():
            named = header_names(head)
            if named is not None:
                found[row_id] = named
    return found
