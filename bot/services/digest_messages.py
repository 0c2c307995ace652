"""Mail waiting for a person, as the digest shows it: messages to triage (the longest waiting
listed, all counted) and quarantined messages. Columns only, never whole rows: a backlog can
put thousands of messages here."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from bot.adapters.db.models import StoredMessage
from bot.app import App
from bot.core.would_be_due import recounted
from bot.services import mail_names
from bot.services.attention import agency_name
from bot.services.digest_types import QuarantineRow, TriageRow

# Messages to triage listed in the digest, longest waiting first; the rest are counted.
TRIAGE_LISTED = 100
# Quarantined messages listed likewise: a flood of bad mail must not make the digest huge.
QUARANTINE_LISTED = 100
# A quarantined message whose header lines say nothing readable (bytes that are not an email).
HEADERS_UNREADABLE = "(headers unreadable)"


def _waiting() -> ColumnElement[bool]:
    return StoredMessage.needs_triage.is_(True) & (StoredMessage.status == "processed")


NO_SENDER = "(no sender address)"
NO_SUBJECT = "(no subject)"


def triage_total(session: Session) -> int:
    return session.scalar(select(func.count()).where(_waiting())) or 0


def triage(session: Session, app: App) -> list[TriageRow]:
    """The longest-waiting TRIAGE_LISTED messages; the digest gives the total and points to
    `tscp-bot triage list` for the rest. A backlog of thousands is not read on a phone, and
    listing it all made the digest the largest thing the bot ever held in memory."""
    calendar = app.calendar
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
            # Blank, "from" and "Subject:" read as if a line were lost: say there was none.
            "sender": sender or NO_SENDER,
            "agency": agency_name(app, sender) if sender else "",
            "subject": subject or NO_SUBJECT,
            # Its would-be due day as counted now (bot.core.would_be_due).
            "reason": recounted(reason or "", calendar),
        }
        for id_, received_at, sender, subject, reason in rows
    ]


def _quarantined() -> ColumnElement[bool]:
    return (StoredMessage.status == "quarantined") & StoredMessage.needs_triage.is_(True)


def quarantine_total(session: Session) -> int:
    return session.scalar(select(func.count()).where(_quarantined())) or 0


def quarantine(session: Session) -> list[QuarantineRow]:
    """The QUARANTINE_LISTED quarantined messages waiting longest, each with its sender and
    subject, so that it can be found in Outlook: from its row, or (quarantined before
    processing recorded them) its stored header lines, read as `triage list` reads them. The
    digest counts the rest and points to `tscp-bot triage list`, as for the triage backlog."""
    rows = session.execute(
        select(
            StoredMessage.id,
            StoredMessage.received_at,
            StoredMessage.last_error,
            StoredMessage.attempts,
            StoredMessage.size,
            StoredMessage.from_addr,
            StoredMessage.subject,
        )
        .where(_quarantined())
        .order_by(StoredMessage.id)
        .limit(QUARANTINE_LISTED)
    ).all()
    named = mail_names.names(session, [(r.id, r.size, r.from_addr, r.subject) for r in rows])
    return [
        {
            "id": r.id,
            "received_at": r.received_at,
            "sender": _shown(named[r.id][0]),
            "subject": _shown(named[r.id][1]),
            "reason": r.last_error or "",
            "attempts": r.attempts,
        }
        for r in rows
    ]


def _shown(name: str) -> str:
    return HEADERS_UNREADABLE if name == mail_names.UNREADABLE else name
