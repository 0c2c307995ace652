"""A message that could not be processed: one readable line saying why, the attempt counted,
and quarantine (shown to the Business Manager) once no further attempt could help."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from bot.adapters.db.models import StoredMessage
from bot.app import App


def describe_error(exc: BaseException) -> str:
    """One readable line: the error's type and its first line, never the SQL or the values a
    database error carries after it (they can hold a message's personal data)."""
    cause = exc.orig if isinstance(exc, StatementError) and exc.orig is not None else exc
    lines = str(cause).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0] if lines else ''}"[:300]


def record_failure(app: App, row_id: int, error: str, now: datetime, lasting: bool) -> bool:
    with app.sessions() as session:
        quarantined = count_failure(session, app, row_id, error, now, lasting)
        session.commit()
    return quarantined


def count_failure(
    session: Session, app: App, row_id: int, error: str, now: datetime, lasting: bool
) -> bool:
    """Count a failed attempt; quarantine after the last one. A failure that no retry can
    mend (bytes that are not an email) is quarantined at once, so today's digest shows it."""
    row = session.get(StoredMessage, row_id, populate_existing=True)
    if row is None or row.status != "stored":
        return True  # processed meanwhile by another instance
    row.attempts += 1
    row.last_error = error
    row.begun = 0  # the attempt finished, in this same write (bot.services.begun)
    quarantined = lasting or row.attempts >= app.config.ingest.max_attempts
    if quarantined:
        row.status, row.processed_at, row.held_since = "quarantined", now, None
        row.needs_triage = True
        row.triage_reason = (
            f"cannot be read as an email: {error}"
            if lasting
            else f"quarantined after {row.attempts} failed attempts: {error}"
        )
    return quarantined
