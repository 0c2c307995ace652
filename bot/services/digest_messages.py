"""Mail waiting for a person, as the digest shows it: messages to triage (the longest waiting
listed, all counted) and quarantined messages. Columns only, never whole rows: a backlog can
put thousands of messages here."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from bot.adapters.db.models import StoredMessage
from bot.app import App
from bot.services.attention import agency_name
from bot.services.digest_types import QuarantineRow, TriageRow

# Messages to triage listed in the digest, longest waiting first; the rest are counted.
TRIAGE_LISTED = 100


def _waiting() -> ColumnElement[bool]:
    return StoredMessage.needs_triage.is_(True) & (StoredMessage.status == "processed")


def triage_total(session: Session) -> int:
    return session.scalar(select(func.count()).where(_waiting())) or 0


def triage(session: Session, app: App) -> list[TriageRow]:
    """The longest-waiting TRIAGE_LISTED messages; the digest gives the total and points to
    `tscp-bot triage list` for the rest. A backlog of thousands is not read on a phone, and
    listing it all made the digest the largest thing the bot ever held in memory."""
    rows = session.execute(
        select(
            StoredMessage.id,
            StoredMessage.received_at,
            StoredMessage.from_addr,
            StoredMessage.subject,
            StoredMessage.triage_reason,
        )
        .where(_waiting())
        .order_by(StoredMessage.id)
        .limit(TRIAGE_LISTED)
    )
    return [
        {
            "id": id_,
            "received_at": received_at,
            "sender": sender,
            "agency": agency_name(app, sender) if sender else "",
            "subject": subject,
            "reason": reason or "",
        }
        for id_, received_at, sender, subject, reason in rows
    ]


def quarantine(session: Session) -> list[QuarantineRow]:
    rows = session.execute(
        select(
            StoredMessage.id,
            StoredMessage.received_at,
            StoredMessage.last_error,
            StoredMessage.attempts,
        )
        .where(StoredMessage.status == "quarantined", StoredMessage.needs_triage.is_(True))
        .order_by(StoredMessage.id)
    )
    return [
        {"id": id_, "received_at": received_at, "reason": error or "", "attempts": attempts}
        for id_, received_at, error, attempts in rows
    ]
