"""A person's retry of an email (`tscp-bot outbox retry N`): back to the front of the queue,
with the full number of tries again; the outbox's drain (bot.services.outbox) sends it."""

from __future__ import annotations

from datetime import datetime

from bot.adapters.db.models import OutboxMessage
from bot.app import App
from bot.services.approvals import HELD
from bot.services.stale_chases import WITHDRAWN


def retry_now(app: App, row_id: int, now: datetime) -> bool:
    """Put a failed or waiting email back at the front of the queue (the CLI's outbox retry)."""
    with app.sessions() as session:
        row = session.get(OutboxMessage, row_id)
        if row is None or row.status in ("sent", "draft", WITHDRAWN, HELD):
            # A draft or a held notice waits for approval, not for a retry; a withdrawn email
            # is untrue.
            return False
        row.status, row.next_attempt_at, row.claimed_until = "pending", now, None
        # A fresh start: a person has looked at it, so it gets the full number of tries again.
        row.attempts = 0
        session.commit()
        return True
