"""The email a reply answers, as the bot holds it: what it sent (the outbox) or stored.

Read so that a person's words below an Outlook-style quote, which has no ">" to tell the quote
from the reply, can be told from the quoted email (bot.core.commands.quoting.text_to_show).
The thread's ids (In-Reply-To, then References from the newest) say which email that is,
as they say which case a reply belongs to; a subject or a guess could name the wrong one.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select, union, union_all
from sqlalchemy.orm import Session

from bot.adapters.body_text import html_to_text
from bot.adapters.db.models import OutboxMessage, StoredMessage
from bot.adapters.db.raw import MissingRaw
from bot.adapters.parsing import ParseError
from bot.app import App
from bot.core.case_refs import thread_ids
from bot.core.message import MailMessage

# The nearest few of a long thread: a reply quotes the email it answers, and that email the
# ones before it, so the nearest carry the rest.
_NEAREST = 3


def answered_texts(session: Session, app: App, msg: MailMessage) -> tuple[str, ...] | None:
    """The texts of the emails `msg` answers that the bot holds, nearest first: each one's
    plain text and its HTML made plain (Outlook quotes the HTML). None when it holds none."""
    ids = thread_ids(msg)[:_NEAREST]
    if not ids:
        return None
    sent = session.execute(
        select(OutboxMessage.message_id, OutboxMessage.raw).where(OutboxMessage.message_id.in_(ids))
    )
    stored = session.scalars(select(StoredMessage).where(StoredMessage.message_id.in_(ids)))
    held = [*sent, *((row.message_id, _bytes(row)) for row in stored)]
    held.sort(key=lambda pair: ids.index(pair[0]))
    texts = [text for _, raw in held if raw is not None for text in _texts(app, raw)]
    return tuple(texts) or None


def _bytes(row: StoredMessage) -> bytes | None:
    try:
        return row.raw
    except MissingRaw:  # never the reason a reply goes unprocessed: its quote is then shown
        return None


def _texts(app: App, raw: bytes) -> list[str]:
    try:
        found = app.parse(raw)
    except ParseError:  # as above: an email the bot cannot read tells nothing apart
        return []
    return [found.text, html_to_text(found.html)] if found.html else [found.text]


def answered_subjects(
    session: Session, msg: MailMessage, row: StoredMessage, case_id: int
) -> list[str]:
    """The subjects of the emails `msg` answers that the bot holds; when it holds none (no
    In-Reply-To, or purged), those of every other email on its case, so that the case's own
    words ("Screening Panel") are never taken for what the sender added. One statement each
    (sent and stored together), on the session's connection: no flush, as the reply's own row
    is not among the answers and writing its case early would cost an UPDATE of its own."""
    ids = thread_ids(msg)[:_NEAREST]
    connection = session.connection()
    if ids:
        found = list(connection.execute(_BY_THREAD, {"ids": ids}).scalars())
        if found:
            return found
    on_case = connection.execute(_ON_CASE, {"case": case_id, "row": row.id}).scalars()
    return sorted(set(on_case))


# Core statements built once: one built per case reply cost more than its answer.
_SENT, _STORED = OutboxMessage.__table__, StoredMessage.__table__
_BY_THREAD = union_all(
    select(_SENT.c.subject).where(_SENT.c.message_id.in_(bindparam("ids", expanding=True))),
    select(_STORED.c.subject).where(_STORED.c.message_id.in_(bindparam("ids", expanding=True))),
)
_ON_CASE = union(
    select(_SENT.c.subject).where(_SENT.c.case_id == bindparam("case")),
    select(_STORED.c.subject).where(
        _STORED.c.case_id == bindparam("case"), _STORED.c.id != bindparam("row")
    ),
)
