"""One outgoing email as `tscp-bot outbox show N` shows it: what became of it and why, to whom,
and its text as it goes or went. The Business Manager's question is "what happened to the email
to the health partner about TSCP-2026-0012?", and the answer is on several rows: the email,
its delivery failures, and any copy sent again to recipients a server put off."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import OutboxDeliveryFailure, OutboxMessage
from bot.adapters.sent_text import sent_text
from bot.core.bounces import not_delivered
from bot.core.refusal_words import server_said
from bot.core.resend_keys import is_resend, original_key, resend_key
from bot.services.approvals import HELD
from bot.services.digest_names import email_name

DRAFT = "draft"


def outbox_detail(session: Session, row_id: int) -> dict[str, Any] | None:
    """Everything about email `row_id` a person needs, or None when there is none."""
    row = session.get(OutboxMessage, row_id)
    if row is None:
        return None
    written = sent_text(row.raw)
    waiting = row.status in ("pending", DRAFT, HELD)
    return {
        "id": row.id,
        "status": row.status,
        "case": row.case.ref if row.case is not None else None,
        "event": row.event,
        "what": email_name(row.event),
        "from": row.sender,
        "to": list(written.to),
        "cc": list(written.cc),
        "subject": row.subject,
        "queued_at": row.created_at,
        "sent_at": row.sent_at,
        # Failed tries since it was queued, or last sent again by hand (`outbox retry`).
        "attempts": row.attempts,
        "next_attempt_at": row.next_attempt_at if row.status == "pending" else None,
        "last_error": row.last_error,
        "server_said": server_said(row.last_error),
        "not_delivered": _not_delivered(session, row.id),
        "sent_again": _copies(session, row),
        "copy_of": _first(session, row),
        "idempotency_key": row.idempotency_key,
        "message_id": row.message_id,
        "requires_approval": row.requires_approval,
        "approved_by": row.approved_by,
        "approved_at": row.approved_at,
        "approve": f"tscp-bot outbox approve {row.id}" if row.status in (DRAFT, HELD) else None,
        "attachments": list(written.files),
        "text_is": "as it will be sent" if waiting else "as it was written",
        "text": written.text,
    }


def _not_delivered(session: Session, row_id: int) -> list[str]:
    """Each recipient refused for good when it was sent, or bounced after: "not delivered to
    X: reason", as `outbox list` and the case view say it."""
    found = session.scalars(
        select(OutboxDeliveryFailure)
        .where(OutboxDeliveryFailure.outbox_id == row_id)
        .order_by(OutboxDeliveryFailure.id)
    )
    return [not_delivered(f.recipient, f.status, f.diagnostic) for f in found]


def _copies(session: Session, row: OutboxMessage) -> list[dict[str, Any]]:
    """The copy queued for the recipients a server put off when this email went to the
    others, and any copy of that copy (a second put-off), in order."""
    found: list[dict[str, Any]] = []
    key = row.idempotency_key
    while (copy := _by_key(session, key := resend_key(key))) is not None:
        found.append(_brief(copy))
    return found


def _first(session: Session, row: OutboxMessage) -> dict[str, Any] | None:
    """The email this one is a copy of, for recipients a server put off; None for any other."""
    if not is_resend(row.idempotency_key):
        return None
    first = _by_key(session, original_key(row.idempotency_key))
    return _brief(first) if first is not None else None


def _by_key(session: Session, key: str) -> OutboxMessage | None:
    return session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == key))


def _brief(row: OutboxMessage) -> dict[str, Any]:
    sent_at: datetime | None = row.sent_at
    return {"id": row.id, "status": row.status, "to": list(row.recipients), "sent_at": sent_at}
