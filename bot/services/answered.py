"""The email a reply answers, as the bot holds it: what it sent (the outbox) or stored.

Read so that a person's words below an Outlook-style quote, which has no ">" to tell the quote
from the reply, can be told from the quoted email (bot.core.commands.quoting.text_to_show).
The thread's ids (In-Reply-To, then References from the newest) say which email that is,
as they say which case a reply belongs to; a subject or a guess could name the wrong one.
"""

from __future__ import annotations

from sqlalchemy import select, union, union_all
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
    (sent and stored together), and no flush: the reply's own row is not among the answers,
    and writing its case early would cost an UPDATE of its own."""
    ids = thread_ids(msg)[:_NEAREST]
    with session.no_autoflush:
        if ids:
            sent = select(OutboxMessage.subject).where(OutboxMessage.message_id.in_(ids))
            stored = select(StoredMessage.subject).where(StoredMessage.message_id.in_(ids))
            found = list(session.scalars(union_all(sent, stored)))
            if found:
                return found
        sent = select(OutboxMessage.subject).where(OutboxMessage.case_id == case_id)
        stored = select(StoredMessage.subject).where(
            StoredMessage.case_id == case_id, StoredMessage.id != row.id
        )
        return sorted(set(session.scalars(union(sent, stored))))
