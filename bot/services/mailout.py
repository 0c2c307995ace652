"""Queueing an email: render, build and write it to the outbox in the caller's transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.adapters.db.models import Case, OutboxMessage
from bot.adapters.email_builder import build_email, make_message_id
from bot.app import App


def base_context(app: App) -> dict[str, object]:
    p = app.config.partnership
    bm = app.config.people.business_manager
    return {
        "partnership": {"name": p.name, "mailbox": p.mailbox, "prefix": p.reference_prefix},
        "business_manager": {"name": bm.name, "email": bm.email},
    }


def queue_email(
    session: Session,
    app: App,
    *,
    key: str,
    event: str,
    to: Sequence[str],
    context: Mapping[str, object],
    now: datetime,
    case: Case | None = None,
    in_reply_to: str | None = None,
    calendar: bytes | None = None,
) -> OutboxMessage | None:
    """Add one email to the outbox unless an email with this idempotency key already exists."""
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)):
        return None
    rendered = app.templates.render(event, {**base_context(app), **context})
    partnership = app.config.partnership
    message_id = make_message_id(key, partnership.mailbox.split("@", 1)[1])
    raw = build_email(
        sender=partnership.mailbox,
        sender_name=partnership.name,
        to=list(to),
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=[in_reply_to] if in_reply_to else [],
        date=now,
        calendar=calendar,
    )
    row = OutboxMessage(
        idempotency_key=key,
        message_id=message_id.strip("<>"),
        case=case,
        event=event,
        sender=partnership.mailbox,
        recipients=list(to),
        subject=rendered.subject,
        raw=raw,
        created_at=now,
        next_attempt_at=now,
    )
    session.add(row)
    return row
