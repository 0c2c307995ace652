"""Sending the outbox: claim a due row, send it, record the outcome; retry with backoff.

A row is claimed with a short lease (an UPDATE that only succeeds if nobody else holds it), so
several bot instances sharing one database never send the same email at once. A send that fails
is retried with exponential backoff; after `max_attempts` it is marked failed, kept, and shown in
the digest: never lost, never silently dropped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from bot.adapters.db.models import OutboxMessage
from bot.adapters.outgoing import MailSender, SendError
from bot.app import App
from bot.core.backoff import retry_delay

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def send_due(app: App, sender: MailSender, *, limit: int = 200) -> SendReport:
    report = SendReport()
    for row_id in _due_ids(app, limit):
        if not _claim(app, row_id):
            continue
        _send_one(app, sender, row_id, report)
    return report


def _due_ids(app: App, limit: int) -> list[int]:
    now = app.clock.now()
    with app.sessions() as session:
        return list(
            session.scalars(
                select(OutboxMessage.id)
                .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
                .order_by(OutboxMessage.id)
                .limit(limit)
            )
        )


def _claim(app: App, row_id: int) -> bool:
    now = app.clock.now()
    with app.sessions() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == row_id,
                OutboxMessage.status == "pending",
                # Re-checked here: another instance may have failed it and set a later retry.
                OutboxMessage.next_attempt_at <= now,
                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
            )
            .values(claimed_until=now + LEASE)
        )
        session.commit()
        return bool(getattr(result, "rowcount", 0) == 1)


def _send_one(app: App, sender: MailSender, row_id: int, report: SendReport) -> None:
    with app.sessions() as session:
        row = session.get(OutboxMessage, row_id)
        if row is None:
            return
        try:
            sender.send(row.raw, row.sender, list(row.recipients))
        except SendError as exc:
            _schedule_retry(app, row, str(exc), report)
        else:
            row.status, row.sent_at, row.last_error = "sent", app.clock.now(), None
            report.sent += 1
        row.claimed_until = None
        session.commit()


def _schedule_retry(app: App, row: OutboxMessage, error: str, report: SendReport) -> None:
    settings = app.config.outgoing
    row.attempts += 1
    row.last_error = error[:500]
    if row.attempts >= settings.max_attempts:
        row.status = "failed"
        report.failed += 1
        log.error("outbox #%d gave up after %d attempts", row.id, row.attempts)
        return
    delay = retry_delay(
        row.attempts,
        base_seconds=settings.retry_base_seconds,
        max_seconds=settings.retry_max_seconds,
    )
    row.next_attempt_at = app.clock.now() + delay
    report.retrying += 1
    log.warning("outbox #%d not sent (attempt %d), retrying in %s", row.id, row.attempts, delay)


def retry_now(app: App, row_id: int, now: datetime) -> bool:
    """Put a failed or waiting email back at the front of the queue (the CLI's outbox retry)."""
    with app.sessions() as session:
        row = session.get(OutboxMessage, row_id)
        if row is None or row.status in ("sent", "draft"):
            return False  # a draft waits for approval, not for a retry
        row.status, row.next_attempt_at, row.claimed_until = "pending", now, None
        # A fresh start: a person has looked at it, so it gets the full number of tries again.
        row.attempts = 0
        session.commit()
        return True
