"""Commands below a signature, told once per sender and line.

A signature may carry a line that reads as a command ("Reviewer: ..." under a name): it is
never carried out, and its sender is told so, and the Business Manager sees it in the digest.
Told on every email, it would nag for ever, so each sender is told of each such line once:
the answer that tells of it carries, at the end of its outbox key, a fingerprint of the sender
and of each line it told of (`...:sig:<sender>:<line>.<line>`). A later email with the same
line below the same sender's signature finds it there and says nothing of it again; a new line
below the signature is told of, as the first was. The key holds hashes only, never a line.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import OutboxMessage, StoredMessage
from bot.core.commands import ParsedCommands
from bot.core.commands.keywords import labels_of

MARK = ":sig:"
# The lines one key names: the outbox key holds 300 characters; a line past these is told
# of again on a later email, never left untold.
MOST = 10


def untold(
    session: Session, sender: str, parsed: ParsedCommands, number: int | None
) -> ParsedCommands:
    """`parsed` with only the commands below the signature this sender was not told of by an
    answer to another email (`number`: this email's stored row, whose own answer is the one
    it would write again if it is processed again; None: an email stored nowhere)."""
    if not parsed.below_lines:
        return parsed
    row = session.get(StoredMessage, number) if number is not None else None
    told = _told(session, sender, row.sha256 if row is not None else "")
    lines = tuple(pair for pair in parsed.below_lines if _line_mark(sender, pair[1]) not in told)
    return replace(parsed, below_signature=labels_of(lines), below_lines=lines)


def told_key(key: str, sender: str, parsed: ParsedCommands) -> str:
    """The answer's outbox key, naming the lines below the signature it tells of."""
    lines = parsed.below_lines[:MOST]
    if not lines:
        return key
    marks = ".".join(_line_mark(sender, line) for _, line in lines)
    return f"{key}{MARK}{_sender_mark(sender)}:{marks}"


def _told(session: Session, sender: str, own: str) -> set[str]:
    pattern = f"%{MARK}{_sender_mark(sender)}:%"
    keys = set(
        session.scalars(
            select(OutboxMessage.idempotency_key).where(OutboxMessage.idempotency_key.like(pattern))
        )
    )
    # An answer queued earlier in this transaction is not yet in the table.
    keys |= {o.idempotency_key for o in session.new if isinstance(o, OutboxMessage)}
    ours = f"{MARK}{_sender_mark(sender)}:"
    return {
        mark
        for key in keys
        if ours in key and not (own and own in key)
        for mark in key.rpartition(":")[2].split(".")
    }


def _sender_mark(sender: str) -> str:
    return hashlib.sha256(sender.strip().lower().encode()).hexdigest()[:12]


def _line_mark(sender: str, line: str) -> str:
    said = f"{sender.strip().lower()}\n{line}"
    return hashlib.sha256(said.encode()).hexdigest()[:12]
