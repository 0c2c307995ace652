"""Which case a reply's thread belongs to: its In-Reply-To and References matched against the
mail we hold (filed on a case) and the mail we sent (about a case)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, OutboxMessage, StoredMessage
from bot.core.case_refs import thread_ids
from bot.core.message import MailMessage


def thread_case_ref(session: Session, msg: MailMessage) -> str | None:
    """The case a reply belongs to, from In-Reply-To/References matching mail we hold or sent."""
    ids = thread_ids(msg)
    if not ids:
        return None
    inbound = session.scalar(
        select(Case.ref)
        .join(StoredMessage, StoredMessage.case_id == Case.id)
        .where(StoredMessage.message_id.in_(ids))
        .limit(1)
    )
    if inbound:
        return inbound
    return session.scalar(
        select(Case.ref)
        .join(OutboxMessage, OutboxMessage.case_id == Case.id)
        .where(OutboxMessage.message_id.in_(ids))
        .limit(1)
    )


def crossed_thread(session: Session | None, msg: MailMessage, ref: str | None) -> str | None:
    """The case a reply answers when its subject names another (`ref`): None when the thread
    is unknown or takes in `ref` (an escalation's thread also holds its linked case's mail)."""
    ids = thread_ids(msg)
    if session is None or ref is None or not ids:
        return None
    held = select(Case.ref).join(StoredMessage, StoredMessage.case_id == Case.id)
    sent = select(Case.ref).join(OutboxMessage, OutboxMessage.case_id == Case.id)
    refs = set(session.scalars(held.where(StoredMessage.message_id.in_(ids))))
    refs |= set(session.scalars(sent.where(OutboxMessage.message_id.in_(ids))))
    return None if not refs or ref in refs else min(refs)
